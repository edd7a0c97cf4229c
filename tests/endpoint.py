"""`kb feedback serve` as a real process for browser tests, and what it stored."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import REPO, free_port


@dataclass
class Endpoint:
    url: str
    db: Path  # or a postgresql:// URL
    process: subprocess.Popen | None = None

    def votes(self) -> list[tuple]:
        with sqlite3.connect(self.db) as con:
            return con.execute("SELECT article, helpful, reason, comment FROM votes ORDER BY id").fetchall()

    def wait_for_votes(self, count: int, last: tuple | None = None, timeout: float = 10) -> list[tuple]:
        """The votes once there are `count` (and the last one is `last`), or as they are after `timeout`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            votes = self.votes()
            if len(votes) >= count and (last is None or votes[-1] == last):
                return votes
            time.sleep(0.05)
        return self.votes()

    def wait_for_misses(self, timeout: float = 10) -> list[tuple]:
        """(lang, query, count) of the missed searches, once there are any, or none after `timeout`."""
        deadline = time.monotonic() + timeout
        rows: list[tuple] = []
        while time.monotonic() < deadline and not rows:
            with sqlite3.connect(self.db) as con:
                rows = con.execute("SELECT lang, query, count FROM search_misses ORDER BY lang, query").fetchall()
            time.sleep(0.1)
        return rows


@contextlib.contextmanager
def serving(site: Path, db: Path | str, port: int | None = None, options: tuple[str, ...] = ()) -> Iterator[Endpoint]:
    """`kb feedback serve` as a real process: the built site and the API on one origin."""
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "kb",
        "feedback",
        "serve",
        "--db",
        str(db),
        "--site",
        str(site),
        "--port",
        str(port),
        "--log-level",
        "warning",
        *options,
    ]
    server = subprocess.Popen(
        command,
        cwd=REPO,
        env={**os.environ, "KB_FEEDBACK_TOKEN": ""},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(server, url)
        yield Endpoint(url, db, server)
    finally:
        server.terminate()
        server.wait(10)


def wait_until_healthy(server: subprocess.Popen, url: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"kb feedback serve exited: {server.stderr.read().decode()}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail("kb feedback serve did not become healthy")
