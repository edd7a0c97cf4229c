"""Material's browser search at scale: what the first search downloads, and how long until its first result.

    python -m benchmarks.search_scale [--sizes 1000 10000]

For each size, the sample site's search index is replaced by one for that many synthetic articles, in Material's
own format (one entry per page and per section, as the search plugin writes it). Debian's chromium opens the home
page over HTTP on loopback, types a query as soon as the search box is there, and waits for the first result.
Prints the index size (raw and gzipped), the browser's time to the first result (median of runs), and the heap.
"""

from __future__ import annotations

import argparse
import gzip
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from .corpus import articles

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def synthetic_index(config: dict, count: int) -> dict:
    docs = []
    for a in articles(count):
        url = a.url
        sections = a.body.split("## ")[1:]
        docs.append({"location": url, "title": a.title, "text": f"<p>{a.summary}</p>"})
        for section in sections:
            heading, _, text = section.partition("\n")
            anchor = heading.strip().lower().replace(" ", "-")
            paragraphs = "".join(f"<p>{p.strip()}</p>" for p in text.split("\n\n") if p.strip())
            docs.append({"location": f"{url}#{anchor}", "title": heading.strip(), "text": paragraphs})
    return {"config": config, "docs": docs}


def _serve(folder: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
            return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise RuntimeError("static server did not start")


def first_result_ms(browser, url: str, query: str) -> tuple[float, float]:
    page = browser.new_page()
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        page.fill("input.md-search__input", query)
        page.press("input.md-search__input", "End")
        page.wait_for_selector(".md-search-result__item", timeout=120_000)
        elapsed = (time.perf_counter() - started) * 1000
        heap = page.evaluate("performance.memory ? performance.memory.usedJSHeapSize : 0") / 1e6
        return elapsed, heap
    finally:
        page.close()


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description="browser search at scale")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        site = Path(folder) / "site"
        subprocess.run(
            [sys.executable, "-m", "kb", "build", "--site-dir", str(site)], cwd=ROOT, check=True, capture_output=True
        )
        config = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))["config"]
        query = articles(1)[0].title.split()[0].lower()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            for size in args.sizes:
                data = json.dumps(synthetic_index(config, size), ensure_ascii=False, separators=(",", ":")).encode(
                    "utf-8"
                )
                (site / "search/search_index.json").write_bytes(data)
                port = 8700 + size % 97
                server = _serve(site, port)
                try:
                    runs = [first_result_ms(browser, f"http://127.0.0.1:{port}/", query) for _ in range(args.repeat)]
                finally:
                    server.terminate()
                    server.wait(timeout=10)
                print(f"search_{size}_index_mb: {len(data) / 1e6:.1f}")
                print(f"search_{size}_index_gzip_mb: {len(gzip.compress(data, 6)) / 1e6:.2f}")
                print(
                    f"search_{size}_first_result_ms: {statistics.median(r[0] for r in runs):.0f} (median of {args.repeat}, loopback, no throttling)"
                )
                print(
                    f"search_{size}_page_heap_mb: {statistics.median(r[1] for r in runs):.0f} (main thread; the search worker has its own)"
                )
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
