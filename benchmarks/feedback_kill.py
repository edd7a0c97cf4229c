"""Crash safety: kill -9 the endpoint under load, again and again, and look for every acknowledged vote.

    python -m benchmarks.feedback_kill [--rounds 10] [--connections 32] [--python PATH]

Each round starts `kb feedback serve` on the same SQLite file, sends votes from many keep-alive connections for
about a second, then SIGKILLs the server mid-stream. Every vote carries a unique comment, so each 201 answer can
be checked afterwards against the row with the id it returned. Prints `name: value` lines; votes_missing and
votes_changed must be 0 and integrity_check must be ok (else the exit code is 1). Loopback only, bounded by
--rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sqlite3
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from .feedback_common import HOST, article_ids, free_port, make_site, start_endpoint

ARTICLES = 50


@dataclass
class Acknowledged:
    """Votes the endpoint answered 201 for, by the id it returned: (article, helpful, comment)."""

    votes: dict[int, tuple[str, bool, str]] = field(default_factory=dict)
    duplicate_ids: int = 0

    def add(self, vote_id: int, vote: tuple[str, bool, str]) -> None:
        if vote_id in self.votes:
            self.duplicate_ids += 1  # an id handed out twice: ids were reused after a crash
        self.votes[vote_id] = vote


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="kill -9 the feedback endpoint under load and check every acknowledged vote"
    )
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--python", default=sys.executable, help="the Python that runs the endpoint")
    args = parser.parse_args(argv)
    acknowledged = Acknowledged()
    restarts = []
    with tempfile.TemporaryDirectory(prefix="kb-feedback-kill-") as folder:
        root = Path(folder)
        db, site = root / "votes.db", make_site(root, ARTICLES)
        for round_no in range(args.rounds):
            started = time.monotonic()
            endpoint = start_endpoint(db, site, free_port(), python=args.python)
            restarts.append(time.monotonic() - started)
            asyncio.run(load_then_kill(endpoint, round_no, args.connections, acknowledged))
        ok = report(check(db, acknowledged), acknowledged, args.rounds, restarts)
    return 0 if ok else 1


async def load_then_kill(endpoint, round_no: int, connections: int, acknowledged: Acknowledged) -> None:
    workers = [asyncio.create_task(send_votes(endpoint.port, round_no, n, acknowledged)) for n in range(connections)]
    await asyncio.sleep(random.uniform(0.5, 1.5))
    endpoint.kill()
    done, pending = await asyncio.wait(workers, timeout=10)
    for task in pending:
        task.cancel()


async def send_votes(port: int, round_no: int, worker: int, acknowledged: Acknowledged) -> None:
    """Votes one after another on one keep-alive connection until the server goes away."""
    articles = article_ids(ARTICLES)
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except OSError:
        return
    try:
        for n in range(1_000_000):
            article, helpful, comment = articles[n % ARTICLES], n % 3 != 0, f"kill r{round_no} w{worker} n{n}"
            body = json.dumps(
                {"article": article, "helpful": helpful, "comment": comment, "client": f"k{round_no}-{worker}-{n}"}
            ).encode()
            head = f"POST /api/feedback HTTP/1.1\r\nHost: {HOST}:{port}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
            writer.write(head.encode() + body)
            status, payload = await read_response(reader)
            if status == 201:
                acknowledged.add(json.loads(payload)["id"], (article, helpful, comment))
    except (OSError, asyncio.IncompleteReadError, ValueError):
        return  # the server was killed mid-request: that vote was never acknowledged
    finally:
        writer.close()


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    status_line = await reader.readline()
    if not status_line:
        raise asyncio.IncompleteReadError(b"", None)
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    return int(status_line.split()[1]), await reader.readexactly(length)


@dataclass(frozen=True)
class Check:
    integrity: str
    stored: int
    missing: int
    changed: int


def check(db: Path, acknowledged: Acknowledged) -> Check:
    """Open the database as the next start would (recovering the WAL) and compare it with the answers."""
    with sqlite3.connect(db) as con:
        integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
        rows = {
            vote_id: (article, bool(helpful), comment)
            for vote_id, article, helpful, comment in con.execute("SELECT id, article, helpful, comment FROM votes")
        }
    missing = sum(1 for vote_id in acknowledged.votes if vote_id not in rows)
    changed = sum(1 for vote_id, vote in acknowledged.votes.items() if vote_id in rows and rows[vote_id] != vote)
    return Check(integrity, len(rows), missing, changed)


def report(result: Check, acknowledged: Acknowledged, rounds: int, restarts: list[float]) -> bool:
    """Prints the figures; True when no acknowledged vote was lost or changed and the file is sound."""
    ok = (result.missing, result.changed, acknowledged.duplicate_ids, result.integrity) == (0, 0, 0, "ok")
    lines = {
        "kills": rounds,
        "votes_acknowledged": len(acknowledged.votes),
        "votes_stored": result.stored,
        "votes_missing": result.missing,
        "votes_changed": result.changed,
        "duplicate_ids": acknowledged.duplicate_ids,
        "integrity_check": result.integrity,
        "restart_to_healthy_max_s": f"{max(restarts):.2f}",
        "result": "ok" if ok else "FAILED",
    }
    for name, value in lines.items():
        print(f"{name}: {value}")
    return ok


if __name__ == "__main__":
    sys.exit(main())
