"""GET /api/suggest latency over HTTP on a 2,000-article index (target: p95 at most 20 ms).

    python -m benchmarks.suggest_latency [--articles 2000] [--requests 2000]

Starts `kb feedback serve` as a real process (uvicorn) on loopback over a site folder holding the manifest and the
index snapshot of synthetic articles, then sends queries taken from synthetic questions, one connection at a time
and from four connections at once. Prints latency percentiles as `name: value` lines.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

from kb.matching.matcher import build_matcher
from kb.search.suggest import MANIFEST, write_snapshot
from kb.site.manifest import manifest

from .corpus import articles, questions


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def _run(port: int, queries: list[str]) -> list[float]:
    con = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    took = []
    for query in queries:
        started = time.perf_counter()
        con.request("GET", "/api/suggest?" + urllib.parse.urlencode({"q": query, "lang": "en"}))
        response = con.getresponse()
        body = response.read()
        took.append((time.perf_counter() - started) * 1000)
        if response.status != 200 or not json.loads(body):
            raise RuntimeError(f"suggest answered {response.status}: {body[:200]!r}")
    con.close()
    return took


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="suggest latency")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args(argv)
    docs = articles(args.articles)
    queries = [q.question for q in questions(args.requests, args.articles, gap_share=0)]
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        site.mkdir()
        (site / MANIFEST).write_text(json.dumps(manifest(docs)), encoding="utf-8")
        write_snapshot(build_matcher(docs, Path(folder) / "index").stats, site)
        port = 8790
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kb",
                "feedback",
                "serve",
                "--db",
                str(Path(folder) / "votes.db"),
                "--site",
                str(site),
                "--port",
                str(port),
                "--rate-limit",
                "0",
                "--log-level",
                "warning",
            ],
            env={**os.environ, "KB_FEEDBACK_TOKEN": ""},
        )
        try:
            for _ in range(200):
                try:
                    _run(port, queries[:1])
                    break
                except (OSError, RuntimeError):
                    time.sleep(0.1)
            _run(port, queries[:100])  # warm-up: first load of the snapshot and the analysers
            sequential = _run(port, queries)
            parallel: list[float] = []
            threads = [
                threading.Thread(target=lambda part=queries[i::4]: parallel.extend(_run(port, part))) for i in range(4)
            ]
            started = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            rate = len(queries) / (time.perf_counter() - started)
        finally:
            server.terminate()
            server.wait(timeout=15)
    p95 = _percentile(sequential, 95)
    print(f"suggest_articles: {args.articles}")
    print(f"suggest_p50_ms: {statistics.median(sequential):.2f} (one connection, {len(sequential)} requests)")
    print(f"suggest_p95_ms: {p95:.2f} (target 20)")
    print(f"suggest_p99_ms: {_percentile(sequential, 99):.2f}")
    print(f"suggest_4_connections_p95_ms: {_percentile(parallel, 95):.2f}")
    print(f"suggest_4_connections_per_s: {rate:.0f}")
    return 0 if p95 <= 20 else 1


if __name__ == "__main__":
    sys.exit(main())
