"""Build time of a 1,000-article site with and without the kb plugins (median of several strict builds).

    python -m benchmarks.plugin_overhead [--articles 1000] [--repeat 3]

Three configurations of the same synthetic site: MkDocs + Material + search only; plus `kb` (validation,
navigation, related articles); plus `kb-coverage` (the report). The kb runs keep their index cache between builds,
as `kb serve` does; the first (cold) build of each is reported on its own.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kb.site.build import mkdocs_env

from .corpus import write_site

CONFIGS = {"bare": "  - search\n", "kb": "  - search\n  - kb\n", "kb_coverage": "  - search\n  - kb\n  - kb-coverage\n"}


def _build(mkdocs_yml: Path, out: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "-f", str(mkdocs_yml), "-d", str(out)],
        check=True,
        env=mkdocs_env(),
    )
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="plugin overhead on a synthetic site")
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        mkdocs_yml = write_site(root, args.articles, with_coverage=True)  # configurations below share its folder
        template = mkdocs_yml.read_text(encoding="utf-8").split("plugins:\n")[0]
        configs = {}
        for name, plugins in CONFIGS.items():
            configs[name] = root / f"{name}.mkdocs.yml"
            configs[name].write_text(template + "plugins:\n" + plugins, encoding="utf-8")
        for name, path in configs.items():
            shutil.rmtree(root / ".kb-cache", ignore_errors=True)
            print(f"build_{name}_cold_s: {_build(path, root / name):.2f}")
        runs: dict[str, list[float]] = {name: [] for name in configs}
        for _ in range(args.repeat):  # interleaved, so a slow spell of the machine hits every configuration alike
            for name, path in configs.items():
                runs[name].append(_build(path, root / name))
        medians = {name: statistics.median(times) for name, times in runs.items()}
        for name, median in medians.items():
            print(f"build_{name}_s: {median:.2f} (median of {args.repeat}, interleaved)")
    for name in ("kb", "kb_coverage"):
        print(f"overhead_{name}_pct: {100 * (medians[name] / medians['bare'] - 1):.1f}")
    print(f"overhead_coverage_plugin_pct: {100 * (medians['kb_coverage'] / medians['kb'] - 1):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
