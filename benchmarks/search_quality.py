"""Search quality on the sample: everyday phrasings typed into the built site's search box in chromium.

    python -m benchmarks.search_quality [--engine material pagefind] [--site DIR] [--show-misses]

Builds the sample for each engine (kb.yml search.engine; `kb build` for Material) unless --site names a built site, serves it on loopback and, for each query in
benchmarks/data/search_queries.yml, types it into the search box of its language's home page, waits for the
search to settle and reads the result list (one item per page, as Material groups them). A query succeeds at k
when its expected article (or one of its `also:` articles) is among the first k pages listed. Prints success@1 and
success@5 per language.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from kb.site.build import mkdocs_command, mkdocs_env

from .search_scale import CHROMIUM_ARGS, _serve

ROOT = Path(__file__).resolve().parent.parent
QUERIES = Path(__file__).resolve().parent / "data" / "search_queries.yml"


@dataclass(frozen=True)
class Query:
    text: str
    expected: str
    lang: str
    kind: str
    also: tuple[str, ...] = field(default=())

    @property
    def answers(self) -> tuple[str, ...]:
        return (self.expected, *self.also)


def load_queries(path: Path = QUERIES) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Query(str(q["q"]), q["expected"], q.get("lang", "en"), q.get("kind", ""), tuple(q.get("also", ())))
        for q in data["queries"]
    ]


def page_of(href: str, root: str) -> str:
    """An article path (`payments/request-a-refund`) from a result link."""
    path = href.split("#", 1)[0].split("?", 1)[0]
    if path.startswith(root):
        path = path[len(root) :]
    return path.strip("/").removesuffix("/index.html")


# Material's result list settles after its worker answers; "done" once the meta line has left its initial prompt
# and the list has not changed for a short while.
_SETTLED = """([initial]) => {
  const meta = document.querySelector('.md-search-result__meta');
  if (!meta || meta.textContent.trim() === initial) return false;
  const items = [...document.querySelectorAll('.md-search-result__item > a')].map(a => a.href).join('|');
  const now = Date.now();
  if (window.__kbSeen !== items + meta.textContent) { window.__kbSeen = items + meta.textContent; window.__kbAt = now; return false; }
  return now - window.__kbAt > 400;
}"""


def search_pages(page, query: str, root: str) -> list[str]:
    """Type `query` into the open page's search box; the pages its results list, best first."""
    box = "input.md-search__input"
    page.fill(box, "")
    page.press(box, "End")
    initial = page.eval_on_selector(".md-search-result__meta", "m => m.textContent.trim()")
    page.fill(box, query)
    page.press(box, "End")
    page.wait_for_function(_SETTLED, arg=[initial], timeout=30_000, polling=100)
    hrefs = page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")
    pages: list[str] = []
    for href in hrefs:
        found = page_of(href, root)
        if found not in pages:
            pages.append(found)
    return pages


def evaluate(browser, url: str, queries: list[Query]) -> list[tuple[Query, list[str]]]:
    results = []
    for lang in sorted({q.lang for q in queries}):
        page = browser.new_page()
        try:
            page.goto(url if lang == "en" else f"{url}{lang}/")
            page.click("input.md-search__input")
            for query in (q for q in queries if q.lang == lang):
                results.append((query, search_pages(page, query.text, url)))
        finally:
            page.close()
    return results


def success(results: list[tuple[Query, list[str]]], k: int) -> float:
    if not results:
        return 0.0
    return sum(any(a in pages[:k] for a in q.answers) for q, pages in results) / len(results)


def report(results: list[tuple[Query, list[str]]], label: str, show_misses: bool) -> None:
    for lang in sorted({q.lang for q, _ in results}):
        mine = [r for r in results if r[0].lang == lang]
        print(f"search_quality_{label}_{lang}_queries: {len(mine)}")
        print(f"search_quality_{label}_{lang}_success_at_1: {success(mine, 1):.2f}")
        print(f"search_quality_{label}_{lang}_success_at_5: {success(mine, 5):.2f}")
    if show_misses:
        for q, pages in results:
            if not any(a in pages[:5] for a in q.answers):
                print(f"# miss@5 [{q.lang}] {q.text!r}: expected {q.expected}, got {pages[:5]}")
            elif not any(a in pages[:1] for a in q.answers):
                print(f"# miss@1 [{q.lang}] {q.text!r}: expected {q.expected}, got {pages[:3]}")


def measure(site: Path, queries: list[Query], port: int) -> list[tuple[Query, list[str]]]:
    from playwright.sync_api import sync_playwright

    server = _serve(site, port)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
            try:
                return evaluate(browser, f"http://127.0.0.1:{port}/", queries)
            finally:
                browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)


def build_sample(folder: Path, engine: str = "material") -> Path:
    """The sample built into folder/site with kb.yml's search.engine set to `engine` (copies of kb.yml and
    mkdocs.yml in `folder`, pointing at the sample's articles and questions)."""
    kb = yaml.safe_load((ROOT / "kb.yml").read_text(encoding="utf-8"))
    kb["articles"], kb["questions"] = str(ROOT / "articles"), str(ROOT / "questions.yml")
    kb["search"] = {**(kb.get("search") or {}), "engine": engine}
    kb["feedback"] = {"db": str(folder / "feedback.sqlite3")}
    (folder / "kb.yml").write_text(yaml.safe_dump(kb, allow_unicode=True), encoding="utf-8")
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config["docs_dir"] = str(ROOT / "articles")
    for i, plugin in enumerate(config["plugins"]):
        if isinstance(plugin, dict) and "kb" in plugin:
            plugin["kb"]["config_file"] = str(folder / "kb.yml")
        elif plugin == "kb-coverage":
            config["plugins"][i] = {"kb-coverage": {"config_file": str(folder / "kb.yml")}}
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    site = folder / "site"
    command = mkdocs_command("build", "--strict", "-f", str(folder / "mkdocs.yml"), "-d", str(site))
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=mkdocs_env())
    if result.returncode:
        raise RuntimeError(result.stderr)
    return site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="search quality on the sample, in chromium")
    parser.add_argument("--engine", nargs="+", default=["material", "pagefind"], choices=["material", "pagefind"])
    parser.add_argument("--site", type=Path, help="a built site to measure (default: build the sample)")
    parser.add_argument("--label", default="", help="the engine's name in the printed figures (with --site)")
    parser.add_argument("--port", type=int, default=8761)
    parser.add_argument("--show-misses", action="store_true")
    args = parser.parse_args(argv)
    queries = load_queries()
    if args.site is not None:
        report(measure(args.site, queries, args.port), args.label or "site", args.show_misses)
        return 0
    for engine in args.engine:
        with tempfile.TemporaryDirectory() as folder:
            site = build_sample(Path(folder), engine)
            report(measure(site, queries, args.port), engine, args.show_misses)
    return 0


if __name__ == "__main__":
    sys.exit(main())
