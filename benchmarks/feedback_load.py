"""Durable votes per second through the real endpoint, beside a bare route on the same server.

    python -m benchmarks.feedback_load [--seconds 10] [--connections 64] [--python PATH]

Starts `kb feedback serve` (one uvicorn process, SQLite in WAL mode with synchronous=FULL, group commit) on
loopback, drives it with wrk, and prints `name: value` lines:

- votes_per_s, votes_p50_ms, votes_p99_ms: POST /api/feedback, every vote a new row, each answer sent only after
  its batch committed;
- hello_per_s, hello_p99_ms: GET /healthz, a bare route on the same stack (no body, no store);
- ratio: votes_per_s / hello_per_s;
- votes_stored: rows in the database afterwards, checked against the 201 answers wrk counted.

Exits 1 when the target (8,000 votes/s with p99 <= 25 ms, no errors) was missed.

Needs wrk (Debian: apt-get install wrk). uvicorn serves with httptools and uvloop when they are installed in
the Python that runs the endpoint (`--python`), with h11 and asyncio otherwise: `http_stack` says which.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .feedback_common import article_ids, free_port, http_stack, make_site, start_endpoint

TARGET_VOTES_PER_S = 8000
TARGET_P99_MS = 25.0
ARTICLES = 100

# One Lua state per wrk thread. The run's name (after `--`) and `tag` (set in setup) keep client ids unique across
# runs and threads, so every request is a new vote rather than a same-day repeat that replaces an earlier one.
VOTES_LUA = """
local articles = {%(articles)s}
local reasons = {"outdated", "unclear", "not_solved", "missing"}
local headers = {["Content-Type"] = "application/json"}
local threads = 0
local count = 0
local run = "r"

function setup(thread)
  threads = threads + 1
  thread:set("tag", threads)
end

function init(args)
  run = args[1] or run
end

function request()
  count = count + 1
  local article = articles[(count %% #articles) + 1]
  local client = string.format("%%s-%%02d-%%010d", run, tag, count)
  local body
  if count %% 4 == 0 then
    body = string.format('{"article":"%%s","helpful":false,"reason":"%%s","comment":"step %%d did not work","client":"%%s"}',
      article, reasons[(count %% #reasons) + 1], count, client)
  else
    body = string.format('{"article":"%%s","helpful":true,"client":"%%s"}', article, client)
  end
  return wrk.format("POST", nil, headers, body)
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests: int
    per_s: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx answers plus socket errors and timeouts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="feedback endpoint throughput under wrk")
    parser.add_argument("--seconds", type=int, default=10, help="length of each measured run")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--threads", type=int, default=1, help="wrk threads (the machine has 2 cores: one is the server's)"
    )
    parser.add_argument("--python", default=sys.executable, help="the Python that runs the endpoint")
    args = parser.parse_args(argv)
    if shutil.which("wrk") is None:
        print("feedback_load: skipped: wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory(prefix="kb-feedback-load-") as folder:
        root = Path(folder)
        lua = root / "votes.lua"
        lua.write_text(VOTES_LUA % {"articles": ", ".join(f'"{a}"' for a in article_ids(ARTICLES))}, encoding="utf-8")
        db = root / "votes.db"
        endpoint = start_endpoint(db, make_site(root, ARTICLES), free_port(), python=args.python)
        try:

            def wrk(path: str, seconds: int, script: Path | None = None, run: str = "") -> WrkResult:
                return run_wrk(f"{endpoint.url}{path}", seconds, args.connections, args.threads, script, run)

            wrk("/healthz", 2)
            wrk("/api/feedback", 2, lua, "warmup")  # the first batch also creates the day's salt
            hello = wrk("/healthz", args.seconds)
            before = count_votes(db)
            votes = wrk("/api/feedback", args.seconds, lua, "measured")
            stored = count_votes(db) - before
        finally:
            endpoint.stop()
    return 0 if report(votes, hello, stored, http_stack(args.python)) else 1


def run_wrk(
    url: str, seconds: int, connections: int, threads: int, script: Path | None = None, run: str = ""
) -> WrkResult:
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    command += ["-s", str(script), url, "--", run] if script else [url]
    output = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output: str) -> WrkResult:
    def number(pattern: str, default: str | None = None) -> str:
        match = re.search(pattern, output, re.MULTILINE)
        if match is None and default is None:
            raise ValueError(f"unexpected wrk output (no {pattern!r}):\n{output}")
        return match.group(1) if match else default

    errors = int(number(r"Non-2xx or 3xx responses: (\d+)", "0"))
    socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    if socket_errors:
        errors += sum(int(n) for n in socket_errors.groups())
    return WrkResult(
        requests=int(number(r"(\d+) requests in")),
        per_s=float(number(r"Requests/sec:\s+([\d.]+)")),
        p50_ms=_ms(number(r"^\s+50%\s+(\S+)")),
        p99_ms=_ms(number(r"^\s+99%\s+(\S+)")),
        errors=errors,
    )


def _ms(text: str) -> float:
    value, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def count_votes(db: Path) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM votes").fetchone()[0]


def report(votes: WrkResult, hello: WrkResult, stored: int, stack: str) -> bool:
    """Prints the figures; True when the target was met."""
    met = votes.per_s >= TARGET_VOTES_PER_S and votes.p99_ms <= TARGET_P99_MS and votes.errors == 0
    lines = {
        "http_stack": stack,
        "votes_per_s": f"{votes.per_s:.0f}",
        "votes_p50_ms": f"{votes.p50_ms:.2f}",
        "votes_p99_ms": f"{votes.p99_ms:.2f}",
        "votes_errors": votes.errors,
        "votes_answered": votes.requests,
        "votes_stored": stored,
        "hello_per_s": f"{hello.per_s:.0f}",
        "hello_p99_ms": f"{hello.p99_ms:.2f}",
        "ratio": f"{votes.per_s / hello.per_s:.2f}",
        "target": f">= {TARGET_VOTES_PER_S} votes/s with p99 <= {TARGET_P99_MS:g} ms: {'met' if met else 'not met'}",
    }
    for name, value in lines.items():
        print(f"{name}: {value}")
    return met


if __name__ == "__main__":
    sys.exit(main())
