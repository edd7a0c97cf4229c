"""The PostgreSQL store (feedback_widget/postgres_store.py) against a real server from Debian's `postgresql`
package, started for the tests in a temporary folder (tests/postgres.py): the store, its migrations, the API on
it, two instances on one database, and kill -9 of one of two instances under load."""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import http.client
import json
import signal
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import psycopg
import pytest
from starlette.testclient import TestClient

from feedback_widget.app import create_app
from feedback_widget.migrate import SchemaTooNew
from feedback_widget.misses import SearchMiss
from feedback_widget.postgres_store import PostgresStore, migrate_postgres
from feedback_widget.sqlite_store import StoreError
from feedback_widget.store import Probe
from feedback_widget.votes import Vote
from tests.endpoint import serving
from tests.feedback_widget.test_api import CLIENT, TOKEN, post, sqlite_settings
from tests.feedback_widget.test_limits import site  # noqa: F401  (fixture)
from tests.postgres import new_database

DAY = dt.datetime(2026, 9, 14, 10, 30, tzinfo=dt.UTC)


class Clock:
    def __init__(self, now: dt.datetime = DAY):
        self.now = now

    def __call__(self) -> dt.datetime:
        return self.now


@pytest.fixture
def server(postgres_url) -> str:
    return postgres_url


@pytest.fixture
def db(server) -> str:
    return new_database(server)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(db, clock) -> Iterator[PostgresStore]:
    s = PostgresStore(db, clock=clock)
    yield s
    s.close()


def rows(db: str, sql: str = "SELECT id, article, helpful, reason, comment FROM votes ORDER BY id") -> list[tuple]:
    with psycopg.connect(db) as con:
        return con.execute(sql).fetchall()


def vote(article: str = "account/reset-password", helpful: bool = True, voter: str = "client:aaaa1111", **extra):
    return Vote(article, helpful, voter=voter, **extra)


# The store


def test_a_batch_is_one_transaction_with_ids_in_order(store, db):
    ids = store.write([vote(voter=f"client:v{n}") for n in range(5)] + [SearchMiss("paypal"), Probe()])
    assert ids[:5] == sorted(ids[:5]) and len(set(ids[:5])) == 5 and ids[5:] == [0, 0]
    assert len(rows(db)) == 5
    assert rows(db, "SELECT query, count FROM search_misses") == [("paypal", 1)]


def test_a_readers_repeat_replaces_their_vote_in_a_batch_and_later(store, db):
    first, other, again = store.write(
        [vote(helpful=True), vote(voter="client:bbbb2222"), vote(helpful=False, reason="unclear", comment="which?")]
    )
    assert again == first and other != first
    assert store.write([vote(helpful=True, comment="found it")]) == [first]
    assert rows(db) == [(first, "account/reset-password", True, None, "found it"), (other, *rows(db)[1][1:])]


def test_two_instances_share_the_day_salt_and_count_a_reader_once(db, clock):
    a, b = PostgresStore(db, clock=clock), PostgresStore(db, clock=clock)
    try:
        [first] = a.write([vote(helpful=True)])
        assert b.write([vote(helpful=False)]) == [first]
        assert b.write([vote(voter="client:other000")]) != [first]
    finally:
        a.close()
        b.close()
    assert rows(db, "SELECT count(*) FROM day_salts") == [(1,)]
    assert rows(db, f"SELECT helpful FROM votes WHERE id = {first:d}") == [(False,)]


def test_a_new_day_erases_the_earlier_days_keys_and_salts(store, clock, db):
    store.write([vote()])
    clock.now += dt.timedelta(days=1)
    store.write([vote(voter="client:next-day")])
    assert rows(db, "SELECT day FROM votes WHERE dedupe_key IS NOT NULL") == [(dt.date(2026, 9, 15),)]
    assert rows(db, "SELECT day FROM day_salts") == [(dt.date(2026, 9, 15),)]
    assert store.write([vote()]) != [1]  # yesterday's reader is a new reader today


def test_starting_an_instance_erases_earlier_days_keys_too(db, clock):
    first = PostgresStore(db, clock=clock)
    first.write([vote()])
    first.close()
    clock.now += dt.timedelta(days=2)
    PostgresStore(db, clock=clock).close()
    assert rows(db, "SELECT count(*) FROM votes WHERE dedupe_key IS NOT NULL") == [(0,)]
    assert rows(db, "SELECT count(*) FROM day_salts") == [(0,)]


def test_no_ip_address_or_client_id_reaches_the_database(store, db):
    store.write([vote(voter="ip:203.0.113.9"), vote(voter="client:secret-client-id")])
    dump = json.dumps(rows(db, "SELECT * FROM votes"), default=str) + json.dumps(
        rows(db, "SELECT day, encode(salt, 'hex') FROM day_salts"), default=str
    )
    assert "203.0.113.9" not in dump and "secret-client-id" not in dump


def test_reads_summary_comments_export_stats_and_misses(store):
    store.write([vote(voter=f"client:h{n:07d}") for n in range(3)])
    store.write(
        [vote(helpful=False, voter=f"client:n{n:07d}", reason="unclear", comment=f"comment {n}") for n in range(4)]
    )
    store.write([SearchMiss("paypal"), SearchMiss("paypal"), SearchMiss("花呗", "zh")])
    [summary] = store.summary(comments=2)
    assert (summary.helpful, summary.not_helpful) == (3, 4)
    assert [c.text for c in summary.latest_comments] == ["comment 3", "comment 2"]
    exported = list(store.export())
    assert len(exported) == 7 and exported[-1].comment == "comment 3" and exported[-1].created_at.tzinfo == dt.UTC
    stats = store.stats()
    assert (stats.votes, stats.articles, stats.comments, stats.first_day) == (7, 1, 4, DAY.date())
    assert [(m.query, m.count) for m in store.missed_searches()] == [("paypal", 2), ("花呗", 1)]


# Migrations


def test_migrations_run_once_and_are_recorded(db, clock):
    PostgresStore(db, clock=clock).close()
    again = PostgresStore(db, clock=clock)
    again.close()
    assert again.schema_version == 1
    assert rows(db, "SELECT version, name FROM schema_migrations") == [(1, "0001_votes.sql")]


def test_instances_starting_together_migrate_once(db, clock):
    with concurrent.futures.ThreadPoolExecutor(4) as pool:
        stores = list(pool.map(lambda _: PostgresStore(db, clock=clock), range(4)))
    for s in stores:
        s.close()
    assert rows(db, "SELECT count(*) FROM schema_migrations") == [(1,)]


def test_a_database_from_a_newer_version_is_left_alone(db, clock):
    PostgresStore(db, clock=clock).close()
    with psycopg.connect(db) as con:
        con.execute("INSERT INTO schema_migrations (version, name) VALUES (99, '0099_future.sql')")
    with pytest.raises(SchemaTooNew), psycopg.connect(db) as con:
        migrate_postgres(con)


def test_a_server_that_is_not_there_is_a_store_error():
    with pytest.raises(StoreError, match="cannot connect"):
        PostgresStore("postgresql://kb:secret@127.0.0.1:1/nothing")


def test_the_password_is_not_in_the_message():
    with pytest.raises(StoreError) as error:
        PostgresStore("postgresql://kb:secret@127.0.0.1:1/nothing")
    assert "secret" not in str(error.value).split("(", 1)[0]


# The API on PostgreSQL


@pytest.fixture
def pg_client(tmp_path, db):
    with TestClient(create_app(sqlite_settings(tmp_path, db), open_store=PostgresStore)) as c:
        yield c


def test_api_a_vote_is_in_the_database_when_answered(pg_client, db):
    response = post(
        pg_client,
        {"article": "account/reset-password", "helpful": False, "reason": "unclear", "comment": "x", "client": CLIENT},
    )
    assert response.status_code == 201
    assert rows(db) == [(response.json()["id"], "account/reset-password", False, "unclear", "x")]


def test_api_repeat_summary_export_and_health(pg_client, db):
    first = post(pg_client, {"article": "account/reset-password", "helpful": False, "client": CLIENT}).json()["id"]
    assert (
        post(pg_client, {"article": "account/reset-password", "helpful": True, "client": CLIENT}).json()["id"] == first
    )
    post(pg_client, {"article": "payments/refund-policy", "helpful": False, "client": "fedcba9876543210"})
    assert pg_client.get("/api/feedback/summary").json() == [
        {"article": "account/reset-password", "helpful": 1, "not_helpful": 0, "rate": 1.0},
        {"article": "payments/refund-policy", "helpful": 0, "not_helpful": 1, "rate": 0.0},
    ]
    export = pg_client.get("/api/feedback/export?format=csv", headers={"Authorization": f"Bearer {TOKEN}"})
    assert export.status_code == 200 and export.text.count("\n") == 3
    assert pg_client.get("/healthz").status_code == 200
    response = pg_client.post(
        "/api/search-miss", content=b'{"query": "PayPal"}', headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 201
    assert rows(db, "SELECT query, count FROM search_misses") == [("paypal", 1)]


def test_api_health_is_503_while_the_database_is_locked(pg_client, db):
    with psycopg.connect(db) as locker:
        locker.execute("LOCK TABLE write_probe IN ACCESS EXCLUSIVE MODE")
        time.sleep(1.1)  # past the cached answer
        response = pg_client.get("/healthz")
        assert response.status_code == 503
        locker.rollback()
    time.sleep(1.1)
    deadline = time.monotonic() + 10
    while pg_client.get("/healthz").status_code != 200 and time.monotonic() < deadline:
        time.sleep(0.2)
    assert pg_client.get("/healthz").status_code == 200


# Two endpoint processes on one database; one of them killed under load


def send_vote(url: str, n: int) -> int | None:
    body = json.dumps(
        {"article": "account/reset-password", "helpful": n % 2 == 0, "comment": f"vote {n}", "client": f"reader{n:06d}"}
    ).encode()
    request = urllib.request.Request(
        f"{url}/api/feedback", data=body, headers={"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return json.loads(answer.read())["id"] if answer.status == 201 else None
    except (urllib.error.URLError, http.client.HTTPException, ConnectionError, TimeoutError, json.JSONDecodeError):
        return None  # not acknowledged: the answer was cut off (its instance killed) or never came


def test_kill_9_of_one_of_two_instances_loses_no_acknowledged_vote(site, db, tmp_path):  # noqa: F811
    options = ("--rate-limit", "0", "--votes-per-address", "0")
    with serving(site, db, options=options) as first, serving(site, db, options=options) as second:
        acknowledged: dict[int, int] = {}  # vote number -> id
        lock = threading.Lock()
        stop = threading.Event()
        counter = iter(range(10**9))

        def worker(url: str) -> None:
            while not stop.is_set():
                with lock:
                    n = next(counter)
                vote_id = send_vote(url, n)
                if vote_id is not None:
                    with lock:
                        acknowledged[n] = vote_id

        threads = [threading.Thread(target=worker, args=(e.url,)) for e in (first, second) for _ in range(4)]
        for t in threads:
            t.start()
        time.sleep(1.5)
        first.process.send_signal(signal.SIGKILL)
        time.sleep(1.5)
        stop.set()
        for t in threads:
            t.join(20)
        killed_during = len(acknowledged)
    stored = dict(rows(db, "SELECT comment, id FROM votes"))
    missing = [n for n, vote_id in acknowledged.items() if stored.get(f"vote {n}") != vote_id]
    assert killed_during > 50, "too little load to mean anything"
    assert not missing, f"{len(missing)} acknowledged votes are not in the database"
    assert len(set(acknowledged.values())) == len(acknowledged)  # no two votes share an id
