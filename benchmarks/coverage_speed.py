"""Coverage at scale: 10,000 questions against 2,000 articles, beside one Whoosh search per question.

    python -m benchmarks.coverage_speed [--articles 2000] [--questions 10000] [--naive-sample 300]

Prints `name: value` lines. The naive figure times a sample of plain Whoosh searches (one query per wording,
Whoosh's parser and BM25F) and scales it to the full question list.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from kb.coverage.analysis import analyse
from kb.matching.index import ArticleIndex
from kb.matching.matcher import Matcher

from .corpus import articles, questions


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="coverage engine speed")
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--questions", type=int, default=10000)
    parser.add_argument("--naive-sample", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    docs = articles(args.articles)
    asked = questions(args.questions, args.articles)
    wordings = sum(1 + len(q.variants) for q in asked)
    with tempfile.TemporaryDirectory() as folder:
        index_dir = Path(folder) / "index"
        started = time.perf_counter()
        index, _ = ArticleIndex.build(docs, index_dir)
        index_cold = time.perf_counter() - started
        started = time.perf_counter()
        _, counts = ArticleIndex.build(docs, index_dir)
        index_warm = time.perf_counter() - started
        edited = [docs[0].__class__(**{**docs[0].__dict__, "body": docs[0].body + "\nEdited."}), *docs[1:]]
        started = time.perf_counter()
        _, one = ArticleIndex.build(edited, index_dir)
        index_one_edit = time.perf_counter() - started
        index, _ = ArticleIndex.build(docs, index_dir)
        runs = []
        for _ in range(args.repeat):
            started = time.perf_counter()
            matcher = Matcher(index.stats())  # from the statistics snapshot, as a rebuild does
            report = analyse(docs, asked, matcher)
            runs.append(time.perf_counter() - started)
        sample = [(w, q.lang) for q in asked[: args.naive_sample] for w in (q.question, *q.variants)]
        started = time.perf_counter()
        for wording, lang in sample:
            index.search(wording, lang, limit=5)
        per_query = (time.perf_counter() - started) / len(sample)
    naive = per_query * wordings
    engine = statistics.median(runs)
    print(f"coverage_articles: {args.articles}")
    print(f"coverage_questions: {args.questions}")
    print(f"coverage_wordings: {wordings}")
    print(f"coverage_index_cold_s: {index_cold:.2f}")
    print(f"coverage_index_unchanged_s: {index_warm:.2f}")
    print(f"coverage_index_one_edit_s: {index_one_edit:.2f} (re-indexed {one.updated} article)")
    print(f"coverage_engine_s: {engine:.2f} (median of {args.repeat})")
    print(f"coverage_naive_whoosh_ms_per_query: {per_query * 1000:.1f}")
    print(f"coverage_naive_whoosh_s: {naive:.1f} (extrapolated from {len(sample)} queries)")
    print(f"coverage_speedup: {naive / engine:.0f}x")
    print(f"coverage_gaps_found: {report.overall.gaps}")
    return 0 if engine <= 5.0 else 1


if __name__ == "__main__":
    sys.exit(main())
