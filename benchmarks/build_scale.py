"""Cold build time and peak memory of the synthetic help center with sections at 1,000, 3,000 and 10,000 articles,
with kb and bare Material side by side on the same corpus.

    python -m benchmarks.build_scale [--sizes 1000,3000,10000] [--repeat 1] [--repeat-smallest 3] [--only kb|bare]

Each build is a strict `mkdocs build` in a fresh process with no kb cache (cold). "bare" is Material + search with
`navigation.prune` and MkDocs' own navigation from the folders (category, then section); "kb" adds the kb plugin
(validation, navigation by category and section, landing pages, related articles, word forms, manifest, index
snapshot). Prints the median wall time and the peak resident memory of each, and the growth from the smallest to the
largest size; the smallest is built three times (`--repeat-smallest`), as the growth divides by it. Aims (2 cores):
10,000 articles within 120 s, growth 1k to 10k at most 11x, peak memory within 2 GB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.site.build import mkdocs_env

from .corpus import write_site

CONFIGS = {"bare": "  - search\n", "kb": "  - search\n  - kb\n"}
AIM_10K_S, AIM_GROWTH, AIM_PEAK_MB = 120.0, 11.0, 2048.0


def _build(mkdocs_yml: Path, out: Path) -> tuple[float, float]:
    """(seconds, peak resident memory in MB) of one strict build in a process of its own."""
    shutil.rmtree(mkdocs_yml.parent / ".kb-cache", ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(mkdocs_yml), "-d", str(out)],
        env=mkdocs_env(),
    )
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    elapsed = time.perf_counter() - started
    if process.returncode:
        raise SystemExit(f"build of {mkdocs_yml} failed ({process.returncode})")
    return elapsed, usage.ru_maxrss / 1024  # Linux reports kilobytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="build time and memory against the article count")
    parser.add_argument("--sizes", default="1000,3000,10000")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--repeat-smallest",
        type=int,
        default=3,
        help="builds of the smallest size (its median is what the growth divides by: a few seconds' noise there "
        "moves the ratio most)",
    )
    parser.add_argument("--only", choices=sorted(CONFIGS), default=None)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    names = [args.only] if args.only else list(CONFIGS)
    times: dict[tuple[str, int], float] = {}
    peaks: dict[tuple[str, int], float] = {}
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder)
            template = write_site(root, size, with_coverage=False).read_text(encoding="utf-8").split("plugins:\n")[0]
            runs: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
            repeat = max(args.repeat, args.repeat_smallest) if size == min(sizes) else args.repeat
            for _ in range(repeat):  # interleaved, so a slow spell of the machine hits both alike
                for name in names:
                    config = root / f"{name}.mkdocs.yml"
                    config.write_text(template + "plugins:\n" + CONFIGS[name], encoding="utf-8")
                    runs[name].append(_build(config, root / f"site-{name}"))
            for name in names:
                times[name, size] = statistics.median(t for t, _ in runs[name])
                peaks[name, size] = max(p for _, p in runs[name])
                shown = f" (median of {len(runs[name])})" if len(runs[name]) > 1 else ""
                print(f"build_{name}_{size}_s: {times[name, size]:.1f}{shown}", flush=True)
                print(f"peak_{name}_{size}_mb: {peaks[name, size]:.0f}", flush=True)
    small, large = min(sizes), max(sizes)
    missed = False
    for name in names:
        if small != large:
            growth = times[name, large] / times[name, small]
            print(f"growth_{name}_{small}_to_{large}: {growth:.1f}x ({large // small}x the articles)")
            missed |= name == "kb" and large == 10 * small and growth > AIM_GROWTH
    if "kb" in names and "bare" in names:
        for size in sizes:
            print(f"kb_over_bare_{size}: {times['kb', size] / times['bare', size]:.2f}")
    if "kb" in names and 10000 in sizes:
        missed |= times["kb", 10000] > AIM_10K_S or peaks["kb", 10000] > AIM_PEAK_MB
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
