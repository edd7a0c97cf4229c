"""How long `kb serve` takes to show an edit: dirty rebuilds of the synthetic help center with sections, in one
process as `mkdocs serve --dirty` makes them (the configuration read again, the plugins kept).

    python -m benchmarks.preview_latency [--articles 1000] [--repeat 3] [--profile DIR]

Figures: the first (full) build, then the median rebuild after an edit inside one article, after a changed title
(its section's sidebars and listings change), and after a new article; how many pages each rendered; the median
over the three kinds of edit; and, from 1,000 articles (where the search is Pagefind's), how long after a rebuild
its index was written again (the preview writes it, and the endpoint's data, after the rebuild; each edit here
waits for them). With
`--profile DIR`, one more rebuild of each kind is made under cProfile afterwards and its statistics saved as
DIR/<edit>.pstats (cProfile roughly doubles the time of Python-heavy code: compare shares, not seconds).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from .corpus import write_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="dirty rebuild time of the live preview")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=Path, default=None, help="save one profiled rebuild of each kind here")
    args = parser.parse_args(argv)
    os.environ["NO_MKDOCS_2_WARNING"] = "1"
    import logging

    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        mkdocs_yml = write_site(root, args.articles, with_coverage=False)
        out = root / "preview"

        searched: list[float] = []

        def rebuild(profile: Path | None = None) -> tuple[float, int]:
            config = load_config(str(mkdocs_yml), site_dir=str(out))
            if not hasattr(rebuild, "started"):
                config.plugins.on_startup(command="serve", dirty=True)
                rebuild.started = True  # type: ignore[attr-defined]
            before = {p: p.stat().st_mtime_ns for p in out.rglob("index.html")} if out.exists() else {}
            profiler = cProfile.Profile() if profile else None
            started = time.perf_counter()
            if profiler is not None:
                profiler.runcall(build, config, dirty=True)
                profiler.dump_stats(str(profile))
            else:
                build(config, dirty=True)
            elapsed = time.perf_counter() - started
            after = {p: p.stat().st_mtime_ns for p in out.rglob("index.html")}
            # what the preview does after the rebuild (Pagefind's index, the endpoint's data, collecting its
            # garbage): waited for here, so that each edit starts from a settled preview
            later = config.plugins["kb"].later
            searching = later.pending("search index")
            later.wait()
            if searching and "search index" not in later.failed:
                searched.append(later.finished["search index"] - started)
            return elapsed, sum(1 for p, stamp in after.items() if before.get(p) != stamp)

        first, pages = rebuild()
        print(f"preview_{args.articles}_first_build_s: {first:.1f} ({pages} pages)", flush=True)
        articles = sorted((root / "articles").rglob("a*.md"))
        edits = {
            "body_edit": lambda i, path: path.write_text(path.read_text() + f"\nOne more line {i}.\n"),
            "title_change": lambda i, path: path.write_text(
                path.read_text().replace("title: ", f"title: Renamed {i} ", 1)
            ),
            "new_article": lambda i, path: path.with_name(f"new{i}.md").write_text(path.read_text()),
        }
        medians = []
        for name, edit in edits.items():
            times, counts = [], []
            for i in range(args.repeat):
                time.sleep(0.01)
                edit(i, articles[(len(articles) // (args.repeat + 1)) * (i + 1)])
                elapsed, pages = rebuild()
                times.append(elapsed)
                counts.append(pages)
            medians.append(statistics.median(times))
            print(f"preview_{args.articles}_{name}_s: {medians[-1]:.2f} (pages rendered {counts})", flush=True)
        print(f"preview_{args.articles}_edit_visible_s: {statistics.median(medians):.2f} (median of the three edits)")
        if searched:
            print(f"preview_{args.articles}_search_index_caught_up_s: {statistics.median(searched):.1f}")
        if args.profile:
            args.profile.mkdir(parents=True, exist_ok=True)
            for name, edit in edits.items():
                time.sleep(0.01)
                edit(args.repeat, articles[len(articles) // (args.repeat + 2)])
                elapsed, _ = rebuild(args.profile / f"{name}.pstats")
                print(f"preview_{args.articles}_{name}_profiled_s: {elapsed:.2f} ({args.profile / name}.pstats)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
