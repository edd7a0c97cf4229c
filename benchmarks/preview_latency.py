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

With `--served`, the edits go through a running `kb serve` (its own process, MkDocs' file watcher, its HTTP
server), as a writer makes them: each figure is the time from the file's save to the page served with the change
(polled every 50 ms), after the preview's work from the previous edit has settled (its processes idle for 2 s);
then a line added 3 s after another edit showed, while the preview still writes the search index for that one.
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
    parser.add_argument("--served", action="store_true", help="edit through a running kb serve, timed from the save")
    args = parser.parse_args(argv)
    if args.served:
        return served(args.articles, args.repeat)
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
            config.site_url = "http://127.0.0.1:8000/"  # as `mkdocs serve` sets it: canonical URLs are worked out
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


def _tree_cpu(pid: int) -> float:
    """CPU seconds used so far by a process and every process below it (Linux /proc)."""
    parents, times = {}, {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        child = int(stat.parent.name)
        parents[child], times[child] = int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    total = 0.0
    for child, seconds in times.items():
        node = child
        while node not in (0, 1, pid) and node in parents:
            node = parents[node]
        total += seconds if node == pid or child == pid else 0.0
    return total


def _settled(pid: int, quiet: float = 2.0, limit: float = 300.0) -> None:
    """Waits until the process tree has used under a tenth of a core for `quiet` seconds."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = _tree_cpu(pid)
        time.sleep(quiet)
        if _tree_cpu(pid) - before < quiet / 10:
            return


def _page(url: str) -> str:
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read().decode("utf-8")
    except OSError:
        return ""


def served(count: int, repeat: int) -> int:
    """Edits timed through `kb serve --no-feedback`, from the save to the changed page served."""
    import socket
    import subprocess

    from kb.site.build import mkdocs_env

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_site(root, count, with_coverage=False)
        base = f"http://127.0.0.1:{port}/"
        started = time.perf_counter()
        server = subprocess.Popen(
            [sys.executable, "-m", "kb", "serve", "--no-feedback", "--port", str(port)],
            cwd=root,
            env=mkdocs_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            while "<html" not in _page(base):
                if server.poll() is not None:
                    raise SystemExit(f"kb serve stopped ({server.returncode})")
                time.sleep(0.2)
            print(f"preview_served_{count}_first_build_s: {time.perf_counter() - started:.1f}", flush=True)
            folders = sorted({p.parent for p in (root / "articles").rglob("a*.md")})

            def url(path: Path) -> str:
                return base + path.relative_to(root / "articles").with_suffix("").as_posix() + "/"

            def body_edit(i: int, folder: Path) -> tuple[str, str]:
                path = sorted(folder.glob("a*.md"))[1]
                path.write_text(path.read_text() + f"\nOne more line {i}.\n")
                return url(path), f"One more line {i}."

            def title_change(i: int, folder: Path) -> tuple[str, str]:
                path, sibling = sorted(folder.glob("a*.md"))[2:4]
                path.write_text(path.read_text().replace("title: ", f"title: Renamed {i} ", 1))
                return url(sibling), f"Renamed {i} "  # in the sibling's sidebar

            def new_article(i: int, folder: Path) -> tuple[str, str]:
                source, sibling = sorted(folder.glob("a*.md"))[4:6]
                source.with_name(f"new{i}.md").write_text(source.read_text())
                return url(sibling), f"new{i}/"  # linked from the sibling's sidebar

            medians = []
            for name, edit in {
                "body_edit": body_edit,
                "title_change": title_change,
                "new_article": new_article,
            }.items():
                times = []
                for i in range(repeat):
                    _settled(server.pid)
                    saved = time.perf_counter()
                    page, shown = edit(i, folders[(len(folders) // (repeat + 1)) * (i + 1)])
                    while shown not in _page(page):
                        if time.perf_counter() - saved > 120:
                            raise SystemExit(f"{name}: not shown after 120 s ({page})")
                        time.sleep(0.05)
                    times.append(time.perf_counter() - saved)
                medians.append(statistics.median(times))
                shown_times = ", ".join(f"{t:.2f}" for t in times)
                print(f"preview_served_{count}_{name}_s: {medians[-1]:.2f} (each: {shown_times})", flush=True)
            print(
                f"preview_served_{count}_edit_visible_s: {statistics.median(medians):.2f} (median of the three edits)"
            )
            # a writer who saves again soon after: the next edit made 3 s after the last one showed, while the
            # preview is still writing Pagefind's index for it
            times = []
            for i in range(repeat):
                _settled(server.pid)
                folder = folders[(len(folders) // (repeat + 2)) * (i + 1)]
                page, shown = body_edit(repeat + 2 * i, folder)
                while shown not in _page(page):
                    time.sleep(0.05)
                time.sleep(3)
                saved = time.perf_counter()
                page, shown = body_edit(repeat + 2 * i + 1, folder)
                while shown not in _page(page):
                    if time.perf_counter() - saved > 120:
                        raise SystemExit(f"a second edit: not shown after 120 s ({page})")
                    time.sleep(0.05)
                times.append(time.perf_counter() - saved)
            shown_times = ", ".join(f"{t:.2f}" for t in times)
            print(f"preview_served_{count}_edit_soon_after_s: {statistics.median(times):.2f} (each: {shown_times})")
        finally:
            server.terminate()  # kb serve stops its preview as by Ctrl-C (SIGINT may be ignored when run in the background)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
