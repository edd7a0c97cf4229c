"""What the feedback benchmarks share: a site manifest to vote on, and the real endpoint in its own process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"  # loopback only: these benchmarks never send traffic anywhere else


def article_ids(count: int) -> list[str]:
    return [f"bench/article-{n:04d}" for n in range(count)]


def make_site(folder: Path, articles: int) -> Path:
    """A site folder holding just the manifest: the endpoint needs no pages to take votes."""
    site = folder / "site"
    site.mkdir(parents=True, exist_ok=True)
    entries = [
        {"id": a, "title": a, "url": f"{a}/", "lang": "en", "category": "bench", "summary": ""}
        for a in article_ids(articles)
    ]
    (site / "kb-articles.json").write_text(json.dumps({"version": 1, "articles": entries}), encoding="utf-8")
    return site


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


@dataclass
class Endpoint:
    process: subprocess.Popen
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as in a crash."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()


def start_endpoint(
    db: Path | str, site: Path, port: int, *, limit_rate: bool = True, python: str = sys.executable
) -> Endpoint:
    """`kb feedback serve` as a real process. All load comes from one address, so the limiter is set so high
    that it refuses nothing while still doing its work on every request (so is the cap on readers per address)."""
    limits = (
        ["--rate-limit", "1e12", "--burst", "1000000000", "--votes-per-address", "1000000000"]
        if limit_rate
        else ["--rate-limit", "0", "--votes-per-address", "0"]
    )
    command = [
        python,
        "-m",
        "kb",
        "feedback",
        "serve",
        "--db",
        str(db),
        "--site",
        str(site),
        "--host",
        HOST,
        "--port",
        str(port),
        "--log-level",
        "warning",
        *limits,
    ]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    # The server's log beside the SQLite file, or beside the site for a PostgreSQL URL.
    log = db.with_suffix(".log") if isinstance(db, Path) else site.parent / f"endpoint-{port}.log"
    with log.open("ab") as sink:  # a file, not a pipe: a pipe nobody reads would block the server when full
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=sink, stderr=subprocess.STDOUT)
    endpoint = Endpoint(process, port, log)
    wait_healthy(endpoint)
    return endpoint


def wait_healthy(endpoint: Endpoint, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if endpoint.process.poll() is not None:
            raise RuntimeError(f"the endpoint exited: {endpoint.log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(f"{endpoint.url}/healthz", timeout=1) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.05)
    endpoint.kill()
    raise RuntimeError(f"the endpoint did not answer /healthz within {timeout} s")


def http_stack(python: str = sys.executable) -> str:
    """Which HTTP parser and event loop uvicorn picks in `python` ("auto" prefers httptools and uvloop)."""
    probe = "import importlib.util as u; print(('httptools' if u.find_spec('httptools') else 'h11') + '+' + ('uvloop' if u.find_spec('uvloop') else 'asyncio'))"
    return subprocess.run([python, "-c", probe], capture_output=True, text=True).stdout.strip()
