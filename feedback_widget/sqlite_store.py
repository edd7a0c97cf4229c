"""The SQLite store: one write connection used by the writer thread only, a fresh read connection per read.

Durability: WAL mode with `synchronous=FULL`, so every commit waits for the WAL to reach the disk and a vote
acknowledged after its batch committed survives a crash of the process and of the machine. (`NORMAL` would
survive a killed process but may lose the last commits on power loss; group commit makes FULL cheap, as one fsync
covers a whole batch.)

What keeps a batch cheap:
- Votes are appended with ids the writer hands out in order, so a batch fills a few pages at the end of the
  table. Nothing random is indexed: the current day's dedupe keys live in the writer's memory (rebuilt from the
  day's rows after a restart), because an index of random hashes would dirty a page per vote.
- Per-article totals are kept by triggers (migration 0002), so the summary never counts the whole table.
- A whole batch is one statement over a JSON array, committed on its own: the writer thread releases the
  interpreter lock once per batch while SQLite works and syncs. Each time it takes the lock back it may wait for
  the busy event loop, so one statement per vote (or BEGIN, statements, COMMIT) would stall every batch.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

from .migrate import SchemaTooNew, migrate, migrations
from .misses import SearchMiss
from .privacy import dedupe_key, new_salt
from .store import Probe, StoredVote, StoreStats
from .summary import ArticleFeedback, Comment, MissedSearch, article_feedback
from .votes import Vote

log = logging.getLogger(__name__)

Clock = Callable[[], dt.datetime]
T = TypeVar("T")
_STAMP = "%Y-%m-%dT%H:%M:%SZ"
WRITE_BUSY_TIMEOUT_MS = 30_000

# New votes are inserted; a reader's repeat of the day carries the id of their earlier vote and replaces it.
_WRITE_VOTES = """
INSERT INTO votes (id, article, helpful, reason, comment, day, created_at, dedupe_key)
SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'),
       json_extract(value, '$[3]'), json_extract(value, '$[4]'), json_extract(value, '$[5]'),
       json_extract(value, '$[6]'), json_extract(value, '$[7]')
FROM json_each(?1) WHERE true
ON CONFLICT (id) DO UPDATE SET
    helpful = excluded.helpful, reason = excluded.reason, comment = excluded.comment, created_at = excluded.created_at
"""
_COUNT_MISSES = """
INSERT INTO search_misses (day, lang, query, count)
SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]'), 1
FROM json_each(?1) WHERE true
ON CONFLICT (day, lang, query) DO UPDATE SET count = count + 1
"""
_LATEST_COMMENTS = """
SELECT article, id, day, reason, comment FROM (
    SELECT article, id, day, reason, comment, row_number() OVER (PARTITION BY article ORDER BY id DESC) AS n
    FROM votes WHERE comment IS NOT NULL
) WHERE n <= ? ORDER BY article, id DESC
"""


class StoreError(Exception):
    """The database cannot be used (wrong path, not SQLite, no WAL support on this file system)."""


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass
class _Today:
    """The writer's picture of the current UTC day, valid only together with what is committed."""

    day: dt.date
    salt: bytes
    # dedupe key -> vote id. Plain str -> int: the garbage collector does not track such a dict, so a busy day's
    # keys add nothing to its pauses.
    seen: dict[str, int]
    next_id: int


@dataclass(frozen=True)
class _Batch:
    """What one batch writes (rows, some replacing earlier votes of the day) and the ids to answer with."""

    ids: list[int]
    rows: list[list]
    seen: dict[str, int]
    next_id: int


class SqliteStore:
    """A `FeedbackStore` in one SQLite file.

    Threading: the store that writes holds one write connection, used for its migrations and then by the writer
    thread alone (`write`, `add_votes`). Every read opens a read-only connection of its own, on any thread, and
    never waits for the writer (WAL). A store opened with `writes=False` has no write connection at all.

    Only one store per file may take votes (`writes=True`): vote ids and the day's dedupe keys live in its memory,
    so it holds an exclusive lock on the database file while open, and a second one is refused instead of
    overwriting the first one's votes. Stores that only read (reports, `kb feedback stats`) need no lock.
    """

    def __init__(self, path: Path, clock: Clock = utc_now, writes: bool = True):
        self.path = Path(path)
        self._clock = clock
        self._today: _Today | None = None
        self._lock: int | None = None
        self._erased_in_wal = False  # earlier days' keys and salts were erased, but the WAL may still hold them
        self._con: sqlite3.Connection | None = None
        try:
            if writes:
                # The lock first: a second writer must not even migrate. Migrations and writes use the one
                # write connection; reads never do.
                self._lock = _lock_for_writing(self.path)
                self._con = _connect(self.path, writer=True)
                self.schema_version = migrate(self._con)
                self._in_transaction(lambda: self._load_day(self._clock().date()))  # also erases earlier days' keys
                self._checkpoint_if_erased()
            else:
                self.schema_version = _readable_version(self.path)
        except sqlite3.Error as exc:
            self.close()
            raise StoreError(f"{self.path}: {exc}") from None
        except BaseException:
            self.close()
            raise

    # Writes: the writer thread only.

    def write(self, records: Sequence[Vote | SearchMiss | Probe]) -> list[int]:
        """Votes and missed searches from one writer batch; returns vote ids, and 0 for each missed search."""
        votes = [r for r in records if isinstance(r, Vote)]
        misses = [r for r in records if isinstance(r, SearchMiss)]
        ids = iter(self.add_votes(votes) if votes else [])
        if misses:
            self.add_search_misses(misses)
        if any(isinstance(r, Probe) for r in records):
            self.probe_write()
        return [next(ids) if isinstance(r, Vote) else 0 for r in records]

    def probe_write(self) -> None:
        """One small committed write, as a vote's would be: raises what a vote would meet (full, locked, read-only)."""
        stamp = self._clock().strftime(_STAMP)
        self._con.execute(
            "INSERT INTO write_probe (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at",
            (stamp,),
        )  # autocommit: its own transaction, synced like a batch of votes

    def add_search_misses(self, misses: Sequence[SearchMiss]) -> None:
        day = self._clock().date().isoformat()
        rows = json.dumps([[day, m.lang, m.query] for m in misses])
        self._con.execute(_COUNT_MISSES, (rows,))  # autocommit: its own transaction

    def missed_searches(self, days: int = 90, limit: int = 20, until: dt.date | None = None) -> list[MissedSearch]:
        """Searches that found nothing in the `days` days up to `until` (default today), most frequent first."""
        end = until or self._clock().date()
        since = (end - dt.timedelta(days=days)).isoformat()
        with closing(_connect(self.path)) as con:
            rows = con.execute(
                "SELECT query, lang, sum(count) AS n FROM search_misses WHERE day >= ? AND day <= ? "
                "GROUP BY query, lang ORDER BY n DESC, query LIMIT ?",
                (since, end.isoformat(), limit),
            )
            return [MissedSearch(query, lang, n) for query, lang, n in rows]

    def add_votes(self, votes: Sequence[Vote]) -> list[int]:
        if self._lock is None:
            raise StoreError(f"{self.path}: this store was opened for reading only")
        now = self._clock()
        today = self._today
        if today is None or today.day != now.date():
            today = self._in_transaction(lambda: self._load_day(now.date()))
            self._checkpoint_if_erased()
        batch = _plan(votes, today, now.strftime(_STAMP))
        try:
            self._con.execute(_WRITE_VOTES, (json.dumps(batch.rows),))  # autocommit: its own transaction
        except BaseException:
            self._today = None
            raise
        today.seen.update(batch.seen)  # only now: had the commit failed, these votes would not exist
        today.next_id = batch.next_id
        if self._erased_in_wal:  # a reader held the last checkpoint back: try again
            self._checkpoint_if_erased()
        return batch.ids

    def _load_day(self, day: dt.date) -> _Today:
        """Take up `day`: its salt, the keys of its votes so far, the next id; erase earlier days' keys and salts."""
        text = day.isoformat()
        row = self._con.execute("SELECT salt FROM day_salts WHERE day = ?", (text,)).fetchone()
        salt = row[0] if row else new_salt()
        if not row:
            self._con.execute("INSERT INTO day_salts (day, salt) VALUES (?, ?)", (text, salt))
        oldest = self._con.execute("SELECT min(day) FROM day_salts WHERE day < ?", (text,)).fetchone()[0]
        if oldest:
            self._con.execute(
                "UPDATE votes SET dedupe_key = NULL WHERE day >= ? AND day < ? AND dedupe_key IS NOT NULL",
                (oldest, text),
            )
            self._con.execute("DELETE FROM day_salts WHERE day < ?", (text,))
            self._erased_in_wal = True
        rows = self._con.execute("SELECT dedupe_key, id FROM votes WHERE day = ? AND dedupe_key IS NOT NULL", (text,))
        seen = dict(rows.fetchall())
        next_id = self._con.execute("SELECT coalesce(max(id), 0) + 1 FROM votes").fetchone()[0]
        self._today = _Today(day, salt, seen, next_id)
        return self._today

    def _checkpoint_if_erased(self) -> None:
        """Copy the WAL into the database and empty it, once earlier days' keys and salts were erased.

        Until then the WAL still holds the pages written before the erase, with the old salt and keys in them: with
        those, a day's votes could be linked to the addresses that sent them. `secure_delete` (set on the write
        connection) zeroes the erased bytes in the pages themselves. A reader in the middle of a transaction can
        hold the checkpoint back; then it is tried again after each batch until it completes.
        """
        if not self._erased_in_wal:
            return
        # Without waiting for readers: the writer thread must not stall every vote in flight for a long report.
        self._con.execute("PRAGMA busy_timeout = 0")
        try:
            busy, _, _ = self._con.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            self._con.execute(f"PRAGMA busy_timeout = {WRITE_BUSY_TIMEOUT_MS}")
        if busy:
            log.warning("%s: a reader holds back the WAL checkpoint after the daily erase; trying again", self.path)
            return
        self._erased_in_wal = False

    def _in_transaction(self, work: Callable[[], T]) -> T:
        self._con.execute("BEGIN IMMEDIATE")
        try:
            result = work()
            self._con.execute("COMMIT")
            return result
        except BaseException:
            if self._con.in_transaction:
                self._con.execute("ROLLBACK")
            self._today = None  # it may hold what was rolled back: read it again from the database
            raise

    # Reads: any thread, each on its own connection so they never wait for the writer (WAL).

    def summary(self, comments: int = 3) -> list[ArticleFeedback]:
        with closing(_connect(self.path)) as con:
            counts = con.execute(
                "SELECT article, helpful, not_helpful FROM article_totals WHERE helpful + not_helpful > 0 ORDER BY article"
            ).fetchall()
            latest = [
                Comment(vote_id, article, dt.date.fromisoformat(day), reason, text)
                for article, vote_id, day, reason, text in (
                    con.execute(_LATEST_COMMENTS, (comments,)) if comments > 0 else ()
                )
            ]
            reasons = con.execute(
                "SELECT article, reason, count(*) AS n FROM votes WHERE NOT helpful AND reason IS NOT NULL "
                "GROUP BY article, reason ORDER BY article, n DESC, reason"
            ).fetchall()
        return article_feedback(counts, latest, reasons)

    def export(self) -> Iterator[StoredVote]:
        # The generator may be resumed on another thread (a streamed response runs it in a thread pool).
        con = _connect(self.path, any_thread=True)
        try:
            cursor = con.execute("SELECT id, article, helpful, reason, comment, day, created_at FROM votes ORDER BY id")
            while rows := cursor.fetchmany(500):
                for vote_id, article, helpful, reason, comment, day, created_at in rows:
                    yield StoredVote(
                        vote_id,
                        article,
                        bool(helpful),
                        reason,
                        comment,
                        dt.date.fromisoformat(day),
                        _parse_stamp(created_at),
                    )
        finally:
            con.close()

    def stats(self) -> StoreStats:
        with closing(_connect(self.path)) as con:
            votes, articles, comments, first, last = con.execute(
                "SELECT count(*), count(DISTINCT article), count(comment), min(day), max(day) FROM votes"
            ).fetchone()
        return StoreStats(votes, articles, comments, _date_or_none(first), _date_or_none(last), self.schema_version)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._lock is not None:
            os.close(self._lock)  # releases the lock (as the kernel does when the process dies), after SQLite's
            self._lock = None


def _plan(votes: Sequence[Vote], today: _Today, stamp: str) -> _Batch:
    """One row per reader, article and day: a repeat takes the id of the reader's earlier vote and replaces it."""
    day_text = today.day.isoformat()
    seen: dict[str, int] = {}
    rows: dict[int, list] = {}  # by id: a repeat within the batch overwrites the row before it is written
    ids, next_id = [], today.next_id
    for vote in votes:
        key = dedupe_key(today.salt, vote.voter, vote.article, today.day)
        vote_id = seen.get(key, today.seen.get(key))
        if vote_id is None:
            vote_id, next_id = next_id, next_id + 1
        rows[vote_id] = [vote_id, vote.article, int(vote.helpful), vote.reason, vote.comment, day_text, stamp, key]
        seen[key] = vote_id
        ids.append(vote_id)
    return _Batch(ids, list(rows.values()), seen, next_id)


def _lock_for_writing(path: Path) -> int:
    """An exclusive flock on the database file itself, held while the store is open.

    On the file, not on a lock file beside it: a lock file can be deleted (and a second endpoint then locks a new
    one), while the database file is the same inode whatever link, symlink or relative path names it. flock and
    SQLite's own POSIX locks do not interact on Linux. The descriptor stays open until the store's connections
    are closed: closing a descriptor of the file would drop SQLite's POSIX locks on it.
    """
    if not path.parent.is_dir():
        raise StoreError(f"{path}: the folder {path.parent} does not exist")
    try:
        lock = os.open(path, os.O_RDONLY | os.O_CREAT, 0o644)  # flock needs no write access (and SQLite an empty file)
    except OSError as exc:
        raise StoreError(f"{path}: {exc.strerror}") from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        raise StoreError(f"{path}: another feedback endpoint is writing to this database") from None
    return lock


def _connect(path: Path, writer: bool = False, any_thread: bool = False) -> sqlite3.Connection:
    """The writer's connection (WAL, full sync), or a read-only one (`mode=ro`: it can neither write nor migrate)."""
    if not path.parent.is_dir():
        raise StoreError(f"{path}: the folder {path.parent} does not exist")
    try:
        if writer:
            # isolation_level=None: transactions are begun and committed explicitly, never implicitly.
            con = sqlite3.connect(
                path, isolation_level=None, timeout=WRITE_BUSY_TIMEOUT_MS / 1000, check_same_thread=False
            )
            mode = con.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        else:
            uri = f"file:{quote(str(path.resolve()))}?mode=ro"
            con = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30, check_same_thread=not any_thread)
            mode = con.execute("PRAGMA journal_mode").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise StoreError(f"{path}: {exc}") from None
    if mode != "wal":
        con.close()
        raise StoreError(f"{path}: cannot use write-ahead logging here (journal mode is {mode})")
    if writer:
        con.execute("PRAGMA synchronous = FULL")
        # Erased keys and salts are overwritten with zeros, not just marked free in their page.
        con.execute("PRAGMA secure_delete = ON")
    return con


def _readable_version(path: Path) -> int:
    """The schema version of a database opened only to read: it must be one this package can read as it is."""
    if not path.is_file():
        raise StoreError(f"{path}: no such file")
    with closing(_connect(path)) as con:
        try:
            version = con.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: {exc}") from None
    latest = len(migrations())
    if version > latest:
        raise SchemaTooNew(f"schema version {version} is newer than this package knows ({latest}); upgrade kb")
    if version < latest:
        raise StoreError(
            f"{path}: schema version {version} is older than this package's ({latest}); start the endpoint once to upgrade it"
        )
    return version


def _parse_stamp(text: str) -> dt.datetime:
    return dt.datetime.strptime(text, _STAMP).replace(tzinfo=dt.UTC)


def _date_or_none(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None
