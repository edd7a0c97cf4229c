"""The SQLite store, its migrations, the group-commit writer and the rate limiter (feedback_widget/)."""

from __future__ import annotations

import asyncio
import datetime as dt
import os
import sqlite3
import threading
import time
from pathlib import Path

import pytest

from feedback_widget.migrate import SchemaTooNew, migrate, migrations
from feedback_widget.ratelimit import AddressCap, TokenBuckets, retry_after
from feedback_widget.reports import read_summary, stats_table
from feedback_widget.sqlite_store import SqliteStore, StoreError
from feedback_widget.votes import Vote
from feedback_widget.writer import GroupCommitWriter, WriterClosed

DAY = dt.datetime(2026, 9, 14, 10, 30, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime = DAY):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


def vote(
    article: str = "account/reset-password", helpful: bool = True, voter: str = "client:aaaa1111", **extra
) -> Vote:
    return Vote(article, helpful, voter=voter, **extra)


def rows(
    db: Path, sql: str = "SELECT id, article, helpful, reason, comment, day FROM votes ORDER BY id"
) -> list[tuple]:
    with sqlite3.connect(db) as con:  # a separate connection: sees only what was committed
        return con.execute(sql).fetchall()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(tmp_path: Path, clock: Clock):
    s = SqliteStore(tmp_path / "votes.db", clock=clock)
    yield s
    s.close()


class Backend:
    """One kind of store for the tests that hold for both: how to open it again, and its rows as plain values."""

    def __init__(self, kind: str, db: Path | str):
        self.kind, self.db = kind, db

    def open(self, clock: Clock):
        if self.kind == "sqlite":
            return SqliteStore(self.db, clock=clock)
        from feedback_widget.postgres_store import PostgresStore

        return PostgresStore(self.db, clock=clock)

    @property
    def latest_version(self) -> int:
        from feedback_widget.postgres_store import MIGRATIONS_DIR

        return len(migrations()) if self.kind == "sqlite" else len(migrations(MIGRATIONS_DIR))

    def rows(self, sql: str = "SELECT id, article, helpful, reason, comment, day FROM votes ORDER BY id") -> list:
        """Rows with booleans as 0/1 and dates as YYYY-MM-DD, as SQLite keeps them."""
        if self.kind == "sqlite":
            return rows(self.db, sql)
        import psycopg

        with psycopg.connect(self.db) as con:
            found = con.execute(sql).fetchall()
        plain = {bool: int, dt.date: dt.date.isoformat}
        return [tuple(plain.get(type(v), lambda x: x)(v) for v in row) for row in found]

    def execute(self, sql: str) -> None:
        if self.kind == "sqlite":
            with sqlite3.connect(self.db) as con:
                con.execute(sql)
            return
        import psycopg

        with psycopg.connect(self.db) as con:
            con.execute(sql)


@pytest.fixture(params=["sqlite", "postgresql"])
def backend(request, tmp_path: Path) -> Backend:
    if request.param == "postgresql":
        from tests.postgres import new_database

        return Backend("postgresql", new_database(request.getfixturevalue("postgres_url")))
    return Backend("sqlite", tmp_path / "votes.db")


@pytest.fixture
def any_store(backend: Backend, clock: Clock):
    """The store under test, SQLite or PostgreSQL: these tests hold for both."""
    s = backend.open(clock)
    yield s
    s.close()


def test_votes_are_committed_in_one_batch_with_ids_in_order(any_store, backend):
    ids = any_store.add_votes(
        [
            vote(voter="client:a1234567"),
            vote(helpful=False, voter="client:b1234567", reason="unclear", comment="Step 2?"),
        ]
    )
    assert ids == [1, 2]
    assert backend.rows() == [
        (1, "account/reset-password", 1, None, None, "2026-09-14"),
        (2, "account/reset-password", 0, "unclear", "Step 2?", "2026-09-14"),
    ]


def test_wal_mode_and_full_sync(store, tmp_path):
    with sqlite3.connect(tmp_path / "votes.db") as con:
        assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store._con.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_readers_repeat_on_the_same_day_replaces_the_earlier_vote(any_store, backend):
    [first] = any_store.add_votes([vote(helpful=False)])
    [again] = any_store.add_votes([vote(helpful=False, reason="outdated", comment="old screenshots")])
    assert again == first
    assert backend.rows() == [(first, "account/reset-password", 0, "outdated", "old screenshots", "2026-09-14")]
    [changed] = any_store.add_votes([vote(helpful=True)])
    assert changed == first
    [article] = any_store.summary()
    assert (article.helpful, article.not_helpful) == (1, 0)


def test_repeats_within_one_batch_count_once(any_store):
    ids = any_store.add_votes([vote(helpful=True), vote(helpful=False), vote(helpful=False, voter="client:other123")])
    assert ids[0] == ids[1] != ids[2]
    [article] = any_store.summary()
    assert (article.helpful, article.not_helpful) == (0, 2)


def test_dedupe_is_per_article_per_reader_per_day(any_store, clock, backend):
    first = any_store.add_votes([vote()])[0]
    assert any_store.add_votes([vote(article="payments/refund-policy")])[0] != first
    assert any_store.add_votes([vote(voter="ip:203.0.113.7")])[0] != first
    clock.now += dt.timedelta(days=1)
    assert any_store.add_votes([vote()])[0] != first
    assert len(backend.rows()) == 4


def test_dedupe_survives_a_restart_on_the_same_day(backend, clock):
    first = backend.open(clock)
    [vote_id] = first.add_votes([vote(helpful=True)])
    first.close()
    second = backend.open(clock)
    assert second.add_votes([vote(helpful=False)]) == [vote_id]
    [new_id] = second.add_votes([vote(voter="client:zzzz9999")])
    second.close()
    # SQLite hands out ids without gaps; PostgreSQL's sequence also counts the replaced vote's attempt.
    assert new_id == vote_id + 1 if backend.kind == "sqlite" else new_id > vote_id


def test_a_new_day_erases_the_earlier_days_keys_and_salts(any_store, clock, backend):
    any_store.add_votes([vote()])
    assert backend.rows("SELECT count(*) FROM votes WHERE dedupe_key IS NOT NULL") == [(1,)]
    clock.now += dt.timedelta(days=1)
    any_store.add_votes([vote(voter="client:next-day-1")])
    assert backend.rows("SELECT day FROM votes WHERE dedupe_key IS NOT NULL") == [("2026-09-15",)]
    assert backend.rows("SELECT day FROM day_salts") == [("2026-09-15",)]


def erased_day_traces(db: Path) -> tuple[bytes, list[str]]:
    """Day 1's salt and dedupe keys, read before they are erased."""
    with sqlite3.connect(db) as con:
        salt = con.execute("SELECT salt FROM day_salts").fetchone()[0]
        keys = [k for (k,) in con.execute("SELECT dedupe_key FROM votes WHERE dedupe_key IS NOT NULL")]
    return salt, keys


def on_disk(db: Path) -> bytes:
    """Every byte of the database and its WAL, as someone who copies the files would have them."""
    return b"".join(p.read_bytes() for p in (db, db.with_name(db.name + "-wal")) if p.exists())


def test_after_the_daily_erase_neither_the_wal_nor_the_file_holds_the_old_salt_or_keys(store, clock, tmp_path):
    db = tmp_path / "votes.db"
    store.add_votes([vote(voter=f"ip:203.0.113.{n}") for n in range(50)])
    salt, keys = erased_day_traces(db)
    assert len(keys) == 50 and salt in on_disk(db)
    clock.now += dt.timedelta(days=1)
    store.add_votes([vote(voter="client:next-day-1")])
    raw = on_disk(db)
    assert salt not in raw
    assert not [k for k in keys if k.encode() in raw]


def test_a_reader_holding_back_the_checkpoint_only_delays_it(store, clock, tmp_path):
    db = tmp_path / "votes.db"
    store.add_votes([vote(voter=f"ip:198.51.100.{n}") for n in range(5)])
    salt, _ = erased_day_traces(db)
    reader = sqlite3.connect(db)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM votes").fetchone()  # a snapshot from before the erase
    clock.now += dt.timedelta(days=1)
    started = time.monotonic()
    store.add_votes([vote(voter="client:next-day-1")])
    assert time.monotonic() - started < 5  # the writer does not wait for the reader (votes would stall behind it)
    reader.rollback()
    reader.close()
    store.add_votes([vote(voter="client:next-day-2")])  # the checkpoint is tried again after the next batch
    assert salt not in on_disk(db)


def test_opening_the_store_erases_the_old_salt_from_the_wal_as_well(tmp_path, clock):
    db = tmp_path / "votes.db"
    first = SqliteStore(db, clock=clock)
    first.add_votes([vote()])
    salt, _ = erased_day_traces(db)
    first.close()
    clock.now += dt.timedelta(days=1)
    SqliteStore(db, clock=clock).close()
    assert salt not in on_disk(db)


def test_opening_the_store_purges_old_keys_too(backend, clock):
    first = backend.open(clock)
    first.add_votes([vote()])
    first.close()
    clock.now += dt.timedelta(days=3)
    backend.open(clock).close()
    assert backend.rows("SELECT count(*) FROM votes WHERE dedupe_key IS NOT NULL") == [(0,)]


def test_no_ip_address_or_client_id_reaches_the_disk(store, tmp_path):
    store.add_votes(
        [vote(voter="ip:203.0.113.77"), vote(voter="client:c0ffee0123456789", helpful=False, comment="hello")]
    )
    store.close()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("votes.db*"))
    assert b"hello" in stored  # the comment is there: the files were read
    assert b"203.0.113.77" not in stored and b"c0ffee0123456789" not in stored


def test_summary_counts_rates_and_latest_comments(any_store):
    any_store.add_votes([vote(voter=f"client:h{n:07d}") for n in range(3)])
    any_store.add_votes(
        [vote(helpful=False, voter=f"client:n{n:07d}", reason="unclear", comment=f"comment {n}") for n in range(4)]
    )
    any_store.add_votes([vote(article="payments/refund-policy", helpful=False, voter="client:p0000000")])
    reset, refund = any_store.summary(comments=2)
    assert (reset.article, reset.helpful, reset.not_helpful, reset.votes) == ("account/reset-password", 3, 4, 7)
    assert reset.rate == pytest.approx(3 / 7)
    assert [c.text for c in reset.latest_comments] == ["comment 3", "comment 2"]
    assert reset.latest_comments[0].reason == "unclear"
    assert (refund.helpful, refund.not_helpful, refund.rate, refund.latest_comments) == (0, 1, 0.0, ())


def test_comments_come_back_as_the_text_that_was_sent(any_store):
    script = "<script>alert(\"x\")</script> & 'quotes'"
    any_store.add_votes([vote(helpful=False, comment=script)])
    [stored] = list(any_store.export())
    assert stored.comment == script
    assert any_store.summary()[0].latest_comments[0].text == script


def test_export_streams_every_vote(any_store):
    any_store.add_votes([vote(voter=f"client:v{n:07d}") for n in range(1200)])
    exported = list(any_store.export())
    assert [v.id for v in exported] == list(range(1, 1201))
    assert exported[0].created_at == DAY.replace(microsecond=0)
    assert exported[0].day == DAY.date()


def test_stats(any_store, backend):
    assert any_store.stats().votes == 0
    any_store.add_votes([vote(), vote(article="payments/refund-policy", helpful=False, comment="?")])
    stats = any_store.stats()
    assert (stats.votes, stats.articles, stats.comments, stats.first_day, stats.schema_version) == (
        2,
        2,
        1,
        DAY.date(),
        backend.latest_version,
    )


def test_totals_follow_votes_deleted_by_hand(any_store, backend):
    any_store.add_votes([vote(voter="client:spam0001"), vote(voter="client:real0001", helpful=False)])
    backend.execute("DELETE FROM votes WHERE id = 1")
    [article] = any_store.summary()
    assert (article.helpful, article.not_helpful) == (0, 1)


def test_migrations_run_once_and_again_do_nothing(tmp_path, clock):
    db = tmp_path / "votes.db"
    first = SqliteStore(db, clock=clock)
    first.add_votes([vote()])
    first.close()
    again = SqliteStore(db, clock=clock)
    assert again.schema_version == len(migrations()) == 4
    assert rows(db, "PRAGMA user_version") == [(4,)]
    assert len(rows(db)) == 1
    again.close()


def test_migrating_a_version_1_database_keeps_its_votes_and_counts_them(tmp_path, clock):
    db = tmp_path / "votes.db"
    with sqlite3.connect(db, isolation_level=None) as con:
        migrate(con, migrations()[:1])
        con.execute(
            "INSERT INTO votes (article, helpful, day, created_at) VALUES ('a', 1, '2026-01-02', '2026-01-02T00:00:00Z')"
        )
        con.execute(
            "INSERT INTO votes (article, helpful, day, created_at) VALUES ('a', 0, '2026-01-02', '2026-01-02T00:00:00Z')"
        )
    store = SqliteStore(db, clock=clock)
    assert store.schema_version == len(migrations())
    [article] = store.summary()
    assert (article.article, article.helpful, article.not_helpful) == ("a", 1, 1)
    assert store.add_votes([vote(article="a")]) == [3]
    store.close()


def test_a_database_from_a_newer_version_is_left_alone(tmp_path):
    db = tmp_path / "votes.db"
    with sqlite3.connect(db) as con:
        con.execute("PRAGMA user_version = 99")
    with pytest.raises(SchemaTooNew):
        SqliteStore(db)


def test_a_file_that_is_not_sqlite_is_a_store_error(tmp_path):
    bad = tmp_path / "votes.db"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="votes.db"):
        SqliteStore(bad)


def test_a_missing_folder_is_a_store_error(tmp_path):
    with pytest.raises(StoreError, match="does not exist"):
        SqliteStore(tmp_path / "nowhere" / "votes.db")


def test_read_summary_for_other_reports(tmp_path, clock):
    assert read_summary(tmp_path / "none.db") == {}
    store = SqliteStore(tmp_path / "votes.db", clock=clock)
    store.add_votes([vote(helpful=False, comment="too long")])
    store.close()
    summary = read_summary(tmp_path / "votes.db")
    assert summary["account/reset-password"].rate == 0.0
    assert summary["account/reset-password"].latest_comments[0].text == "too long"


def test_stats_table_lists_the_least_helpful_first(store):
    store.add_votes([vote(voter="client:x0000001"), vote(article="b/worse", helpful=False, voter="client:x0000002")])
    table = stats_table(store.summary()).splitlines()
    assert table[0].split() == ["article", "helpful", "not", "helpful", "rate"]
    assert table[1].split() == ["b/worse", "0", "1", "0%"]
    assert table[2].split() == ["account/reset-password", "1", "0", "100%"]
    assert table[-1] == "2 articles, 2 votes, 50% helpful"
    assert stats_table([]) == "no votes yet"


# The group-commit writer


def run_writer(write_batch, votes: list[Vote], max_batch: int = 1024) -> list:
    async def main():
        writer = GroupCommitWriter(write_batch, asyncio.get_running_loop(), max_batch=max_batch)
        try:
            return await asyncio.gather(*(writer.submit(v) for v in votes), return_exceptions=True)
        finally:
            writer.close()

    return asyncio.run(main())


def test_votes_waiting_together_are_committed_together():
    batches = []
    release = threading.Event()

    def write_batch(votes):
        release.wait(5)  # the first batch holds the writer while the rest queue up
        batches.append(len(votes))
        return [len(batches) * 1000 + n for n in range(len(votes))]

    threading.Timer(0.2, release.set).start()
    ids = run_writer(write_batch, [vote(voter=f"client:w{n:07d}") for n in range(50)])
    assert len(ids) == 50 and len(set(ids)) == 50
    assert sum(batches) == 50 and len(batches) <= 3


def test_a_future_resolves_only_after_its_batch_is_written(tmp_path, clock):
    store = SqliteStore(tmp_path / "votes.db", clock=clock)
    seen_on_disk = []

    def write_batch(votes):
        ids = store.add_votes(votes)
        seen_on_disk.append(len(rows(tmp_path / "votes.db")))
        return ids

    assert run_writer(write_batch, [vote(voter=f"client:d{n:07d}") for n in range(20)]) == list(range(1, 21))
    assert seen_on_disk[-1] == 20
    store.close()


def test_a_failing_vote_fails_alone():
    def write_batch(votes):
        if any(v.article == "bad" for v in votes):
            raise sqlite3.IntegrityError("CHECK constraint failed")
        return [1] * len(votes)

    results = run_writer(write_batch, [vote(), vote(article="bad"), vote()])
    assert results[0] == 1 and results[2] == 1
    assert isinstance(results[1], sqlite3.IntegrityError)


def test_a_closed_writer_takes_no_more_votes():
    async def main():
        writer = GroupCommitWriter(lambda votes: [1] * len(votes), asyncio.get_running_loop())
        assert await writer.submit(vote()) == 1
        writer.close()
        assert not writer.alive
        with pytest.raises(WriterClosed):
            writer.submit(vote())

    asyncio.run(main())


# The rate limiter


class Tick:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_token_bucket_allows_a_burst_then_one_per_interval():
    tick = Tick()
    buckets = TokenBuckets(rate=0.5, burst=3, clock=tick)
    assert [buckets.take("a") for _ in range(3)] == [0, 0, 0]
    wait = buckets.take("a")
    assert wait == pytest.approx(2.0)
    assert retry_after(wait) == "2"
    assert buckets.take("b") == 0  # other clients are not affected
    tick.now += 2
    assert buckets.take("a") == 0
    assert buckets.take("a") > 0


def test_idle_buckets_are_dropped():
    tick = Tick()
    buckets = TokenBuckets(rate=1, burst=2, clock=tick, sweep_above=10)
    for n in range(10):
        buckets.take(f"client{n}")
    tick.now += 60
    buckets.take("new")
    assert len(buckets) == 1


def test_the_address_cap_counts_readers_per_day_and_forgets_the_day_before():
    today = [dt.date(2026, 9, 14)]
    cap = AddressCap(2, lambda: today[0])
    assert [cap.admit("office+article", reader) for reader in ("a", "b", "c", "a", "b")] == [True] * 2 + [False] + [
        True
    ] * 2
    assert cap.admit("home+article", "c")
    today[0] += dt.timedelta(days=1)
    assert cap.admit("office+article", "c") and len(cap) == 1


def test_the_address_cap_holds_a_bounded_number_of_addresses_a_day():
    today = [dt.date(2026, 9, 14)]
    cap = AddressCap(2, lambda: today[0], max_keys=3)
    assert all(cap.admit(f"address{n}+article", reader) for n in range(3) for reader in ("a", "b"))
    assert not cap.admit("address2+article", "c")  # at its cap
    assert cap.admit("address3+article", "a")  # full: a new address still votes, the day's first pair makes room
    assert len(cap) == 3
    assert not cap.admit("address1+article", "c") and not cap.admit("address2+article", "c")  # still counted
    assert cap.admit("address0+article", "c")  # forgotten: counted afresh
    today[0] += dt.timedelta(days=1)
    assert cap.admit("address4+article", "reader") is True and len(cap) == 1


@pytest.mark.parametrize(
    "ip, network",
    [
        ("203.0.113.7", "203.0.113.7"),
        ("2001:db8:1:2:aaaa::1", "2001:db8:1:2::/64"),
        ("2001:db8:1:2:ffff:ffff:ffff:fffe", "2001:db8:1:2::/64"),
        ("2001:db8:1:3::1", "2001:db8:1:3::/64"),
        ("::ffff:203.0.113.7", "203.0.113.7"),
        ("unknown", "unknown"),
    ],
)
def test_a_client_is_an_ipv4_address_or_an_ipv6_slash_64(ip, network):
    from feedback_widget.app import client_network

    assert client_network(ip) == network


def test_retry_after_is_whole_seconds_and_at_least_one():
    assert retry_after(0.01) == "1"
    assert retry_after(2.2) == "3"


def test_writer_thread_is_not_the_event_loop_thread(tmp_path, clock):
    store = SqliteStore(tmp_path / "votes.db", clock=clock)
    threads = []

    def write_batch(votes):
        threads.append(threading.current_thread().name)
        return store.add_votes(votes)

    run_writer(write_batch, [vote()])
    assert threads == ["feedback-writer"]
    store.close()


def test_only_one_store_at_a_time_takes_votes(store, tmp_path):
    with pytest.raises(StoreError, match="another feedback endpoint"):
        SqliteStore(tmp_path / "votes.db")
    store.add_votes([vote()])
    reader = SqliteStore(tmp_path / "votes.db", writes=False)  # reports read while the endpoint runs
    assert reader.summary()[0].votes == 1
    with pytest.raises(StoreError, match="reading only"):
        reader.add_votes([vote()])
    reader.close()
    store.close()
    SqliteStore(tmp_path / "votes.db").close()  # the lock went with the first store


def test_a_reading_store_opens_read_only_and_never_migrates(tmp_path):
    import sqlite3

    from feedback_widget.sqlite_store import StoreError, _connect

    db = tmp_path / "votes.db"
    with pytest.raises(StoreError, match="no such file"):
        SqliteStore(db, writes=False)
    sqlite3.connect(db).execute("PRAGMA journal_mode = WAL").fetchone()  # an empty database at schema version 0
    with pytest.raises(StoreError, match="start the endpoint once to upgrade it"):
        SqliteStore(db, writes=False)
    assert sqlite3.connect(db).execute("PRAGMA user_version").fetchone()[0] == 0  # not migrated by the reader
    SqliteStore(db).close()  # the writer migrates
    reader = SqliteStore(db, writes=False)
    assert reader.summary() == []
    with pytest.raises(StoreError, match="opened for reading only"):
        reader.add_votes([])
    reader.close()
    con = _connect(db)
    with pytest.raises(sqlite3.OperationalError, match="readonly"):
        con.execute("DELETE FROM votes")
    con.close()


def test_a_second_writer_is_refused_through_links_and_after_lock_files_are_deleted(store, tmp_path):
    db = tmp_path / "votes.db"
    (tmp_path / "link.db").symlink_to(db)
    os.link(db, tmp_path / "hard.db")
    for leftover in tmp_path.glob("*.lock"):
        leftover.unlink()  # an operator "cleaning up"
    for other in (db, tmp_path / "link.db", tmp_path / "hard.db", Path(os.path.relpath(db))):
        with pytest.raises(StoreError, match="another feedback endpoint"):
            SqliteStore(other)
    ids = store.add_votes([vote(voter=f"client:x{n:07d}") for n in range(20)])
    assert len(set(ids)) == 20 and len(rows(db)) == 20
