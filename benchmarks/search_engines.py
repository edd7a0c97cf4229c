"""Material's search and Pagefind side by side on a synthetic help center of N articles, in one run.

    python -m benchmarks.search_engines [--size 10000] [--repeat 3]

The sample is built once per engine (kb.yml search.engine); then the same N synthetic articles
(benchmarks/corpus.py) replace what each engine searches: Material's search_index.json (one entry per page and
per section, in the search plugin's format, as benchmarks.search_scale writes it) and Pagefind's bundle, indexed
from one HTML page per article through Pagefind's Python API (kb.search.pagefind, as the build does). Debian's
chromium opens the home page over HTTP on loopback, types a query (one article's topic word) as soon as the
search box is there, and waits for the first result. Prints, per engine: the bytes the first search transferred
(what the search fetched: Material's index, or Pagefind's script, WebAssembly, index chunks and result
fragments; as served, and gzipped for Material's JSON, which a server would compress), the time from page load to
the first result (median of runs), and the time to write the index.
"""

from __future__ import annotations

import argparse
import gzip
import html
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kb.search.pagefind import page_for_index, write_index

from .corpus import articles
from .search_quality import build_sample
from .search_scale import CHROMIUM_ARGS, _serve, synthetic_index

AIM_BYTES = 300_000
AIM_FIRST_RESULT_MS = 1500
AIM_INDEXING_S = 120


def article_page(article) -> str:
    """One article as a Material page carries it: <html lang>, the article element, headings and paragraphs."""
    sections = []
    for section in article.body.split("## ")[1:]:
        heading, _, text = section.partition("\n")
        paragraphs = "".join(f"<p>{html.escape(p.strip())}</p>" for p in text.split("\n\n") if p.strip())
        sections.append(f"<h2>{html.escape(heading.strip())}</h2>{paragraphs}")
    return (
        f'<!doctype html><html lang="{article.lang}"><head><title>{html.escape(article.title)}</title></head><body>'
        f'<article class="md-content__inner md-typeset"><h1>{html.escape(article.title)}</h1>'
        f"<p>{html.escape(article.summary)}</p>{''.join(sections)}</article></body></html>"
    )


def first_search(browser, url: str, query: str, watched: str) -> tuple[float, list[str]]:
    """(ms from page load to the first result, addresses fetched under `watched`)."""
    page = browser.new_page()
    fetched: list[str] = []
    page.on("requestfinished", lambda request: fetched.append(request.url) if watched in request.url else None)
    try:
        started = time.perf_counter()
        page.goto(url, wait_until="domcontentloaded")
        page.fill("input.md-search__input", query)
        page.press("input.md-search__input", "End")
        page.wait_for_selector(".md-search-result__item", timeout=60_000)
        return (time.perf_counter() - started) * 1000, fetched
    finally:
        page.close()


def served_bytes(site: Path, base: str, urls: list[str]) -> int:
    return sum((site / url.removeprefix(base).split("?")[0]).stat().st_size for url in set(urls))


def main(argv: list[str] | None = None) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description="Material's search and Pagefind at scale, in chromium")
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    corpus = articles(args.size)
    query = corpus[0].title.split()[0].lower()
    failed = False
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "material").mkdir()
        (root / "pagefind").mkdir()
        material = build_sample(root / "material", "material")
        pagefind = build_sample(root / "pagefind", "pagefind")

        index_path = material / "search" / "search_index.json"
        config = json.loads(index_path.read_text(encoding="utf-8"))["config"]
        started = time.perf_counter()
        data = json.dumps(synthetic_index(config, args.size), ensure_ascii=False, separators=(",", ":")).encode()
        material_write_s = time.perf_counter() - started
        index_path.write_bytes(data)

        pages = [("/" + a.url, page_for_index(article_page(a), "", a.summary)) for a in corpus]
        stats = write_index(pagefind, pages)

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            results = {}
            for name, site, watched, port in (
                ("material", material, "/search/", 8801),
                ("pagefind", pagefind, "/pagefind/", 8802),
            ):
                server = _serve(site, port)
                base = f"http://127.0.0.1:{port}/"
                try:
                    runs = [first_search(browser, base, query, watched) for _ in range(args.repeat)]
                finally:
                    server.terminate()
                    server.wait(timeout=10)
                results[name] = (statistics.median(r[0] for r in runs), served_bytes(site, base, runs[0][1]))
            browser.close()

        size = args.size
        ms, sent = results["material"]
        print(
            f"engines_{size}_material_first_search_kb: {sent / 1000:.0f} (served; gzipped {len(gzip.compress(data, 6)) / 1000:.0f})"
        )
        print(f"engines_{size}_material_first_result_ms: {ms:.0f} (median of {args.repeat}, loopback)")
        print(f"engines_{size}_material_index_write_s: {material_write_s:.1f} (JSON only; Lunr indexes in the browser)")
        ms, sent = results["pagefind"]
        print(f"engines_{size}_pagefind_first_search_kb: {sent / 1000:.0f} (served; Pagefind's files are compressed)")
        print(f"engines_{size}_pagefind_first_result_ms: {ms:.0f} (median of {args.repeat}, loopback)")
        print(f"engines_{size}_pagefind_indexing_s: {stats.seconds:.1f} ({stats.pages} pages, Python API)")
        failed = sent > AIM_BYTES or ms > AIM_FIRST_RESULT_MS or stats.seconds > AIM_INDEXING_S
        print(
            f"engines_{size}_pagefind_within_aims: {'yes' if not failed else 'no'} "
            f"(<= {AIM_BYTES // 1000} KB, <= {AIM_FIRST_RESULT_MS} ms, <= {AIM_INDEXING_S} s)"
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
