"""The PostgreSQL store: the same interface as the SQLite store, for several endpoint instances on one database.

Chosen with `kb feedback serve --db postgresql://...`. Each instance has a connection pool (psycopg_pool); its
writer thread makes each batch of votes durable in one transaction and acknowledges it only after COMMIT
returned (the server's `synchronous_commit` decides when that is on disk: keep it `on`, the default).

What instances share, through the database alone:
- vote ids, from one sequence;
- the day's salt (`day_salts`: the first instance to need it inserts it, the others read it), so a reader's
  dedupe key is the same whichever instance they reach, and a unique index on the key makes their repeat
  replace their earlier vote there too;
- the daily erase: any instance that starts, or takes the first batch of a new day, sets earlier days' keys to
  NULL and deletes their salts.

Not shared: the rate limiter and the cap on readers per address, which each instance keeps in memory.

Migrations: numbered SQL files in `migrations_postgresql/`, applied in one transaction under an advisory lock
(instances starting together wait for each other), recorded in `schema_migrations`.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import psycopg
from psycopg_pool import ConnectionPool

from .migrate import Migration, SchemaTooNew, migrations
from .misses import SearchMiss
from .privacy import dedupe_key, new_salt
from .sqlite_store import StoreError
from .store import Probe, StoredVote, StoreStats
from .summary import ArticleFeedback, Comment, MissedSearch, article_feedback
from .votes import Vote

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations_postgresql"
_MIGRATION_LOCK = 0x6B62_6664  # "kbfd": the advisory lock instances take to migrate one at a time
Clock = Callable[[], dt.datetime]

_WRITE_VOTES = """
INSERT INTO votes (article, helpful, reason, comment, day, created_at, dedupe_key)
SELECT * FROM unnest(%s::text[], %s::boolean[], %s::text[], %s::text[], %s::date[], %s::timestamptz[], %s::text[])
ON CONFLICT (dedupe_key) WHERE dedupe_key IS NOT NULL DO UPDATE SET
    helpful = excluded.helpful, reason = excluded.reason, comment = excluded.comment, created_at = excluded.created_at
RETURNING dedupe_key, id
"""
_COUNT_MISSES = """
INSERT INTO search_misses (day, lang, query, count)
SELECT * FROM unnest(%s::date[], %s::text[], %s::text[], %s::integer[])
ON CONFLICT (day, lang, query) DO UPDATE SET count = search_misses.count + excluded.count
"""
_LATEST_COMMENTS = """
SELECT article, id, day, reason, comment FROM (
    SELECT article, id, day, reason, comment, row_number() OVER (PARTITION BY article ORDER BY id DESC) AS n
    FROM votes WHERE comment IS NOT NULL
) latest WHERE n <= %s ORDER BY article, id DESC
"""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class PostgresStore:
    """A `FeedbackStore` in a PostgreSQL database; any number of instances may write to it at once."""

    def __init__(self, url: str, clock: Clock = utc_now, writes: bool = True, pool_size: int = 4):
        self.url = url
        self._clock = clock
        self._writes = writes
        self._day: dt.date | None = None
        self._salt: bytes | None = None
        try:
            self._pool = ConnectionPool(
                url,
                min_size=1,
                max_size=pool_size,
                open=False,
                kwargs={"autocommit": False, "options": "-c lock_timeout=30s"},
                name="kb-feedback",
            )
            self._pool.open(wait=True, timeout=10)
        except (psycopg.Error, Exception) as exc:
            raise StoreError(f"{_shown(url)}: cannot connect ({exc})") from None
        try:
            with self._pool.connection() as con:
                self.schema_version = migrate_postgres(con) if writes else _readable_version(con)
                if writes:
                    with con.transaction():  # a quiet day must not keep yesterday's keys until its first vote
                        _erase_before(con, self._clock().date())
        except psycopg.Error as exc:
            self.close()
            raise StoreError(f"{_shown(url)}: {exc}") from None
        except BaseException:
            self.close()
            raise

    # Writes: the writer thread only.

    def write(self, records: Sequence[Vote | SearchMiss | Probe]) -> list[int]:
        """One transaction for the whole batch; each vote's id, 0 for each missed search and probe."""
        if not self._writes:
            raise StoreError(f"{_shown(self.url)}: this store was opened for reading only")
        votes = [r for r in records if isinstance(r, Vote)]
        misses = [r for r in records if isinstance(r, SearchMiss)]
        now = self._clock().replace(microsecond=0)
        with self._pool.connection() as con, con.transaction():
            salt = self._day_salt(con, now.date())
            ids = iter(_add_votes(con, votes, salt, now) if votes else [])
            if misses:
                _count_misses(con, misses, now.date())
            if any(isinstance(r, Probe) for r in records):
                con.execute(
                    "INSERT INTO write_probe (id, checked_at) VALUES (1, %s) "
                    "ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
                    (now,),
                )
        self._day, self._salt = now.date(), salt  # only now: the salt is committed
        return [next(ids) if isinstance(r, Vote) else 0 for r in records]

    def add_votes(self, votes: Sequence[Vote]) -> list[int]:
        return self.write(votes)

    def _day_salt(self, con: psycopg.Connection, day: dt.date) -> bytes:
        """The day's salt, shared by every instance; at the first batch of a day, earlier days' keys are erased."""
        if day == self._day and self._salt is not None:
            return self._salt
        con.execute("INSERT INTO day_salts (day, salt) VALUES (%s, %s) ON CONFLICT (day) DO NOTHING", (day, new_salt()))
        salt = con.execute("SELECT salt FROM day_salts WHERE day = %s", (day,)).fetchone()[0]
        _erase_before(con, day)
        return bytes(salt)

    # Reads: any thread, each with a pooled connection.

    def summary(self, comments: int = 3) -> list[ArticleFeedback]:
        with self._pool.connection() as con:
            counts = con.execute(
                "SELECT article, count(*) FILTER (WHERE helpful), count(*) FILTER (WHERE NOT helpful) "
                "FROM votes GROUP BY article ORDER BY article"
            ).fetchall()
            latest = [
                Comment(vote_id, article, day, reason, text)
                for article, vote_id, day, reason, text in (
                    con.execute(_LATEST_COMMENTS, (comments,)) if comments > 0 else ()
                )
            ]
            reasons = con.execute(
                "SELECT article, reason, count(*)::integer AS n FROM votes WHERE NOT helpful AND reason IS NOT NULL "
                "GROUP BY article, reason ORDER BY article, n DESC, reason"
            ).fetchall()
        return article_feedback(counts, latest, reasons)

    def missed_searches(self, days: int = 90, limit: int = 20, until: dt.date | None = None) -> list[MissedSearch]:
        """Searches that found nothing in the `days` days up to `until` (default today), most frequent first."""
        end = until or self._clock().date()
        since = end - dt.timedelta(days=days)
        with self._pool.connection() as con:
            rows = con.execute(
                "SELECT query, lang, sum(count)::integer AS n FROM search_misses WHERE day >= %s AND day <= %s "
                "GROUP BY query, lang ORDER BY n DESC, query LIMIT %s",
                (since, end, limit),
            ).fetchall()
        return [MissedSearch(query, lang, n) for query, lang, n in rows]

    def export(self) -> Iterator[StoredVote]:
        with self._pool.connection() as con, con.cursor(name="kb_export") as cursor:
            cursor.itersize = 500
            cursor.execute("SELECT id, article, helpful, reason, comment, day, created_at FROM votes ORDER BY id")
            for vote_id, article, helpful, reason, comment, day, created_at in cursor:
                yield StoredVote(vote_id, article, helpful, reason, comment, day, created_at.astimezone(dt.UTC))

    def stats(self) -> StoreStats:
        with self._pool.connection() as con:
            votes, articles, comments, first, last = con.execute(
                "SELECT count(*), count(DISTINCT article), count(comment), min(day), max(day) FROM votes"
            ).fetchone()
        return StoreStats(votes, articles, comments, first, last, self.schema_version)

    def close(self) -> None:
        pool = getattr(self, "_pool", None)
        if pool is not None and not pool.closed:
            pool.close()


def _erase_before(con: psycopg.Connection, day: dt.date) -> None:
    """Earlier days' dedupe keys and salts: with them, those days' votes could be tied to their readers."""
    con.execute("UPDATE votes SET dedupe_key = NULL WHERE day < %s AND dedupe_key IS NOT NULL", (day,))
    con.execute("DELETE FROM day_salts WHERE day < %s", (day,))


def _add_votes(con: psycopg.Connection, votes: Sequence[Vote], salt: bytes, now: dt.datetime) -> list[int]:
    """Insert the batch's votes; a reader's repeat (same key) replaces their earlier vote, in the batch or not."""
    day = now.date()
    keys = [dedupe_key(salt, v.voter, v.article, day) for v in votes]
    last = dict(zip(keys, votes))  # one row per key: PostgreSQL may not update a row twice in one statement
    # Rows in arrival order, so ids follow it. (Two instances can only contend here for the same reader's repeat
    # of the same day, at most a row or two: missed searches, where a popular query is common, go in key order.)
    columns = list(zip(*[(v.article, v.helpful, v.reason, v.comment, day, now, k) for k, v in last.items()]))
    ids = dict(con.execute(_WRITE_VOTES, [list(c) for c in columns]).fetchall())
    return [ids[k] for k in keys]


def _count_misses(con: psycopg.Connection, misses: Sequence[SearchMiss], day: dt.date) -> None:
    counted = sorted(Counter((m.lang, m.query) for m in misses).items())  # in key order, as votes (no deadlock)
    (langs, queries), counts = zip(*(key for key, _ in counted)), [n for _, n in counted]
    con.execute(_COUNT_MISSES, ([day] * len(counted), list(langs), list(queries), counts))


def migrate_postgres(con: psycopg.Connection, available: list[Migration] | None = None) -> int:
    """Bring the schema up to date in one transaction, one instance at a time; the version reached."""
    available = migrations(MIGRATIONS_DIR) if available is None else available
    latest = available[-1].version if available else 0
    with con.transaction():
        con.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations "
            "(version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())"
        )
        current = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
        if current > latest:
            raise SchemaTooNew(f"schema version {current} is newer than this package knows ({latest}); upgrade kb")
        for migration in available[current:]:
            con.execute(migration.sql.encode())
            con.execute(
                "INSERT INTO schema_migrations (version, name) VALUES (%s, %s)", (migration.version, migration.name)
            )
            log.info("applied migration %s", migration.name)
    return max(current, latest)


def _readable_version(con: psycopg.Connection) -> int:
    latest = len(migrations(MIGRATIONS_DIR))
    try:
        version = con.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]
    except psycopg.errors.UndefinedTable:
        version = 0
    finally:
        con.rollback()
    if version != latest:
        raise StoreError(f"schema version {version}, this package reads {latest}: start the endpoint to migrate")
    return version


def _shown(url: str) -> str:
    """The URL without its password, for messages and logs."""
    scheme, sep, rest = url.partition("://")
    if "@" in rest:
        credentials, _, host = rest.rpartition("@")
        rest = f"{credentials.split(':', 1)[0]}@{host}"
    return scheme + sep + rest
