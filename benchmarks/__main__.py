"""`make bench`: every benchmark in turn, each printing `name: value` lines.

python -m benchmarks [NAME ...]     # default: all of them, in the order below, bar those run on request only

KB_BENCH_EMBEDDING_MODEL=DIR (a local ONNX model folder) turns on the semantic stage's benchmark.
"""

from __future__ import annotations

import importlib
import sys
import time

BENCHMARKS = {
    "real_eval": "benchmarks.real_eval",  # real help centers first: the figures that matter
    "search_quality": "benchmarks.search_quality",  # the sample's site search, typed in chromium
    "coverage_eval": "benchmarks.coverage_eval",
    "coverage_speed": "benchmarks.coverage_speed",
    # the embedding stage's cold audit, rerun and memory; skipped unless KB_BENCH_EMBEDDING_MODEL names a model folder
    "semantic_speed": "benchmarks.semantic_speed",
    "plugin_overhead": "benchmarks.plugin_overhead",
    "build_scale": "benchmarks.build_scale",  # 1k / 3k / 10k articles, kb beside bare Material: several minutes
    "preview_latency": "benchmarks.preview_latency",
    # the same edits through a running kb serve, timed from the save to the page served (what a writer sees)
    "preview_served": ("benchmarks.preview_latency", ["--served"]),
    "feedback_load": "benchmarks.feedback_load",
    "feedback_stores": "benchmarks.feedback_stores",
    "feedback_kill": "benchmarks.feedback_kill",
    "suggest_latency": "benchmarks.suggest_latency",
    "search_scale": "benchmarks.search_scale",
    "search_engines": "benchmarks.search_engines",  # Material and Pagefind at 10,000 articles
    # the live preview at 10,000 articles: over ten minutes with the first build, so run by name only
    "preview_latency_10k": ("benchmarks.preview_latency", ["--articles", "10000", "--repeat", "3"]),
    "preview_served_10k": ("benchmarks.preview_latency", ["--articles", "10000", "--repeat", "3", "--served"]),
}
ON_REQUEST = {"preview_latency_10k", "preview_served_10k"}


def main(argv: list[str]) -> int:
    names = argv or [name for name in BENCHMARKS if name not in ON_REQUEST]
    unknown = [n for n in names if n not in BENCHMARKS]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}", file=sys.stderr)
        return 2
    failed = []
    for name in names:
        print(f"# {name}", flush=True)
        started = time.perf_counter()
        target, args = BENCHMARKS[name] if isinstance(BENCHMARKS[name], tuple) else (BENCHMARKS[name], [])
        module = importlib.import_module(target)
        code = module.main(list(args))
        print(f"# {name} took {time.perf_counter() - started:.0f} s, exit {code}", flush=True)
        if code:
            failed.append(name)
    if failed:
        print(f"# missed their targets: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
