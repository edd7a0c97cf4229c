"""`/healthz` says 503 whenever a vote could not be written: a locked database, a read-only file, a full disk.
The full disk is real: a small tmpfs, mounted when the tests may mount (root), else skipped."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from feedback_widget.app import HEALTH_CACHE_S, Settings, create_app
from feedback_widget.sqlite_store import SqliteStore
from tests.conftest import REPO, free_port
from tests.feedback_widget.test_api import ARTICLES, write_manifest

ARTICLE = ARTICLES[0]


def settings_for(db: Path, tmp_path: Path) -> Settings:
    return Settings(db=db, manifest=write_manifest(tmp_path / "site", ARTICLES), burst=100_000, votes_per_address=0)


def health(client: TestClient) -> tuple[int, str]:
    time.sleep(HEALTH_CACHE_S + 0.1)  # past the cached answer
    response = client.get("/healthz")
    return response.status_code, response.text


def vote(client: TestClient, n: int, comment: str = "") -> int:
    body = {"article": ARTICLE, "helpful": False, "client": f"reader{n:06d}"}
    if comment:
        body["comment"] = comment
    response = client.post("/api/feedback", content=json.dumps(body), headers={"Content-Type": "application/json"})
    return response.status_code


def test_healthy_database_is_200(tmp_path):
    with TestClient(create_app(settings_for(tmp_path / "votes.db", tmp_path))) as client:
        assert health(client) == (200, '{"status":"ok"}')


def test_a_database_locked_by_another_process_is_503_and_recovers(tmp_path):
    db = tmp_path / "votes.db"
    with TestClient(create_app(settings_for(db, tmp_path))) as client:
        assert health(client)[0] == 200
        other = sqlite3.connect(db, isolation_level=None)
        other.execute("BEGIN EXCLUSIVE")  # another program holding the write lock
        try:
            started = time.monotonic()
            status, text = health(client)
            assert status == 503 and "locked" in text
            assert time.monotonic() - started < 5
        finally:
            other.execute("ROLLBACK")
            other.close()
        deadline = time.monotonic() + 10
        while health(client)[0] != 200 and time.monotonic() < deadline:
            pass
        assert health(client)[0] == 200
        assert vote(client, 1) == 201


@contextlib.contextmanager
def small_disk(path: Path, size: str = "600k") -> Iterator[Path]:
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip("needs to mount a tmpfs (root): " + mounted.stderr.decode().strip())
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def test_a_full_disk_is_503(tmp_path):
    with small_disk(tmp_path / "disk") as disk:
        db = disk / "votes.db"
        with TestClient(create_app(settings_for(db, tmp_path))) as client:
            assert health(client)[0] == 200
            # Fill what is left of the disk, as other files on the same disk would.
            filler = disk / "filler"
            with contextlib.suppress(OSError), filler.open("wb") as f:
                while True:
                    f.write(b"x" * 4096)
                    f.flush()
            statuses = {vote(client, n, comment="y" * 900) for n in range(50)}
            assert 503 in statuses
            status, text = health(client)
            assert status == 503 and "full" in text
            filler.unlink()
            assert health(client)[0] == 200
            assert vote(client, 999) == 201


def test_a_database_file_that_is_read_only_is_503(tmp_path):
    """The endpoint starts on a file it may only read (today's salt is already in it): every vote would fail."""
    site = tmp_path / "site"
    write_manifest(site, ARTICLES)
    db = tmp_path / "votes.db"
    SqliteStore(db).close()
    db.chmod(0o444)
    port = free_port()
    command = [sys.executable, "-m", "kb", "feedback", "serve", "--db", str(db), "--site", str(site)]
    command += ["--port", str(port), "--log-level", "warning"]
    if os.geteuid() == 0:  # root writes to read-only files: take that power away from the server
        command = ["setpriv", "--bounding-set=-dac_override,-dac_read_search", *command]
    server = subprocess.Popen(command, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        status, text = 0, ""
        deadline = time.monotonic() + 30
        while not status and time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as answer:
                    status, text = answer.status, answer.read().decode()
            except urllib.error.HTTPError as error:
                status, text = error.code, error.read().decode()
            except OSError:
                time.sleep(0.1)
        assert status == 503 and "readonly" in text
    finally:
        server.terminate()
        server.wait(10)
