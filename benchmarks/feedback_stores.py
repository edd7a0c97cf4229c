"""Votes per second and p99 at 64 connections for each store, in one run: SQLite, one endpoint on PostgreSQL,
and two endpoints sharing one PostgreSQL database (the load split between them).

    python -m benchmarks.feedback_stores [--seconds 10] [--connections 64]

Starts a throwaway PostgreSQL cluster (Debian's `postgresql` package, as the tests do: tests/postgres.py) and real
`kb feedback serve` processes on loopback, drives them with wrk and prints `name: value` lines per store:
votes_per_s, votes_p99_ms, votes_errors, and votes_stored against the 201 answers wrk counted (every
acknowledged vote must be in the database). Needs wrk and postgresql (make bench installs both).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import tempfile
import threading
from pathlib import Path

from .feedback_common import article_ids, free_port, make_site, start_endpoint
from .feedback_load import ARTICLES, VOTES_LUA, WrkResult, run_wrk


def _count(db: str | Path) -> int:
    if isinstance(db, Path):
        with sqlite3.connect(db) as con:
            return con.execute("SELECT count(*) FROM votes").fetchone()[0]
    import psycopg

    with psycopg.connect(db) as con:
        return con.execute("SELECT count(*) FROM votes").fetchone()[0]


def _load(urls: list[str], seconds: int, connections: int, lua: Path, run: str) -> WrkResult:
    """wrk against each endpoint at once, the connections shared out; the results summed (p99: the worst)."""
    results: list[WrkResult] = []
    share = max(1, connections // len(urls))

    def one(url: str) -> None:
        results.append(run_wrk(f"{url}/api/feedback", seconds, share, 1, lua, f"{run}{len(results)}{url[-5:]}"))

    threads = [threading.Thread(target=one, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return WrkResult(
        requests=sum(r.requests for r in results),
        per_s=sum(r.per_s for r in results),
        p50_ms=max(r.p50_ms for r in results),
        p99_ms=max(r.p99_ms for r in results),
        errors=sum(r.errors for r in results),
    )


def measure(name: str, dbs: list[str | Path], site: Path, lua: Path, args) -> None:
    endpoints = [start_endpoint(db, site, free_port()) for db in dbs]
    try:
        urls = [e.url for e in endpoints]
        _load(urls, 2, args.connections, lua, f"{name}-warm")
        before = _count(dbs[0])
        votes = _load(urls, args.seconds, args.connections, lua, f"{name}-run")
        stored = _count(dbs[0]) - before
    finally:
        for endpoint in endpoints:
            endpoint.stop()
    print(f"{name}.votes_per_s: {votes.per_s:.0f}")
    print(f"{name}.votes_p99_ms: {votes.p99_ms:.2f}")
    print(f"{name}.votes_errors: {votes.errors}")
    print(f"{name}.votes_answered: {votes.requests - votes.errors}")  # the 201s
    print(f"{name}.votes_stored: {stored}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("feedback_stores: skipped: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 0
    from tests.postgres import new_database, postgres_bin, postgres_server

    with tempfile.TemporaryDirectory(prefix="kb-feedback-stores-") as folder:
        root = Path(folder)
        lua = root / "votes.lua"
        lua.write_text(VOTES_LUA % {"articles": ", ".join(f'"{a}"' for a in article_ids(ARTICLES))}, encoding="utf-8")
        site = make_site(root, ARTICLES)
        measure("sqlite", [root / "votes.db"], site, lua, args)
        if postgres_bin() is None:
            print("feedback_stores: PostgreSQL skipped: not installed (apt-get install postgresql)", file=sys.stderr)
            return 0
        with postgres_server() as server:
            one = new_database(server)
            measure("postgresql_1", [one], site, lua, args)
            shared = new_database(server)
            measure("postgresql_2", [shared, shared], site, lua, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
