"""The semantic stage's cost: a cold audit with sentence embeddings, a rerun after one edited article, peak memory.

    python -m benchmarks.semantic_speed --embedding-model DIR [--articles 400] [--questions 200] [--edits 3]

The help center is the synthetic corpus (benchmarks/corpus.py) written as Markdown files, with its questions as a
CSV. Every scenario is `kb coverage --articles ... --questions ...` in a process of its own, so its wall time
includes start-up and model loading, and its peak resident memory is that process's own (ru_maxrss from wait4):

- cold: an empty vector cache, every section embedded (the progress line is read through a terminal);
- lexical: the same audit with --no-embeddings;
- one edit: a sentence added to one article's section, then the audit run lexical-only and with embeddings; the
  difference is what the semantic stage adds to a rerun (median over --edits edits);
- unchanged: the same two audits once more with nothing edited (every vector is cached: no model is loaded);
- one edit in a process that keeps running (a preview server's rebuild): the same two audits called in this
  process after a first audit loaded the model;
- `kb build` of a copy of this repository's sample help center with the model in kb.yml's
  coverage.embedding_model: rebuilt after one edited article without the model and with it (median over
  --edits edits), and once more with nothing edited.

The sections embedded in each run are counted from the vector cache (digests new after the run). Without a model
(--embedding-model or KB_BENCH_EMBEDDING_MODEL) it prints that it was skipped and exits 0. Aims (2 cores): cold
audit of 400 articles within 180 s with progress shown, a rerun adds at most 2 s, peak memory within 1.5 GB.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import pty
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

from .corpus import articles, questions

REPO = Path(__file__).resolve().parent.parent
SAMPLE = ("articles", "questions.yml", "kb.yml", "mkdocs.yml")
MODEL_ENV = "KB_BENCH_EMBEDDING_MODEL"
AIM_COLD_S, AIM_RERUN_ADDED_S, AIM_PEAK_MB = 180.0, 2.0, 1536.0


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + system time of the process: less sensitive than wall time to a busy machine
    peak_mb: float
    stderr: str
    semantic: str  # the report's semantic_ranking: "on (...)" or why it was off


def write_help_center(folder: Path, article_count: int, question_count: int) -> tuple[Path, Path, list[Path]]:
    """The synthetic articles as Markdown with front matter, and the questions as question,count CSV."""
    docs = folder / "articles"
    paths = []
    for article in articles(article_count):
        path = docs / article.path
        path.parent.mkdir(parents=True, exist_ok=True)
        front = {"title": article.title, "summary": article.summary, "category": article.category}
        path.write_text("---\n" + yaml.safe_dump(front) + "---\n\n" + article.body + "\n", encoding="utf-8")
        paths.append(path)
    asked = folder / "questions.csv"
    with asked.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["question", "count"])
        for question in questions(question_count, article_count):
            writer.writerow([question.question, question.volume])
    return docs, asked, paths


def edit(path: Path, n: int) -> None:
    """Add a sentence to the article's first section (its first paragraph after the first heading)."""
    text = path.read_text(encoding="utf-8")
    heading_end = text.index("\n", text.index("\n## ")) + 1
    paragraph = text.index("\n\n", heading_end + 1)
    path.write_text(text[:paragraph] + f" Edited sentence {n} about the plan." + text[paragraph:], encoding="utf-8")


def audit(docs: Path, asked: Path, cache: Path, model: str | None, terminal: bool = False) -> Run:
    """`kb coverage --articles` in its own process; stderr through a terminal when `terminal` (progress shows)."""
    semantic = ["--embedding-model", model] if model else ["--no-embeddings"]
    command = [sys.executable, "-m", "kb", "coverage", "--articles", str(docs), "--questions", str(asked)]
    command += ["--format", "json", "--fail-under", "0", *semantic]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "HF_HUB_OFFLINE": "1"}
    chunks: list[bytes] = []
    if terminal:
        leader, follower = pty.openpty()
        reader = threading.Thread(target=_drain, args=(leader, chunks), daemon=True)
        reader.start()
        stderr = follower
    else:
        stderr = subprocess.PIPE
    started = time.perf_counter()
    report = docs.parent / "report.json"
    with report.open("wb") as stdout:
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=stderr)
    if terminal:
        os.close(follower)
    else:
        reader = threading.Thread(target=lambda: chunks.append(process.stderr.read()), daemon=True)
        reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    reader.join(timeout=5)
    if terminal:
        os.close(leader)
    text = b"".join(chunks).decode("utf-8", "replace")
    if process.returncode:
        raise SystemExit(f"kb coverage failed ({process.returncode}):\n{text}")
    semantic = json.loads(report.read_text(encoding="utf-8"))["semantic_ranking"]
    cpu = usage.ru_utime + usage.ru_stime
    return Run(elapsed, cpu, usage.ru_maxrss / 1024, text, semantic)  # Linux reports kilobytes


def sample_copy(folder: Path) -> Path:
    """This repository's sample help center, copied into `folder` to be built there."""
    for name in SAMPLE:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy(source, folder / name)
    return folder


def build(root: Path, cache: Path, model: str | None) -> Run:
    """`kb build` of the help center in `root` in a process of its own, kb.yml naming `model` or none. The usage
    wait4 reports for the kb process includes the mkdocs process it waited for."""
    config = root / "kb.yml"
    text = (REPO / "kb.yml").read_text(encoding="utf-8")
    if model:
        text = text.replace("\ncoverage:\n", f"\ncoverage:\n  embedding_model: {model}\n", 1)
    config.write_text(text, encoding="utf-8")
    command = [sys.executable, "-m", "kb", "build", "--site-dir", str(root / "site")]
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    errors: list[bytes] = []
    reader = threading.Thread(target=lambda: errors.append(process.stderr.read()), daemon=True)
    reader.start()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    reader.join(timeout=5)
    text = b"".join(errors).decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"kb build failed:\n{text}")
    return Run(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, text, "")


def build_reruns(folder: Path, cache: Path, model: str, edits: int) -> dict[str, float]:
    """What the model adds to `kb build` after one edited article (medians) and with nothing edited."""
    root = sample_copy(folder)
    paths = sorted(p for p in (root / "articles").glob("*/*.md") if p.name != "index.md")
    build(root, cache, model)  # every section embedded, the copy of the weights made
    build(root, cache, None)
    added, added_cpu, lexical = [], [], []
    for n in range(edits):
        edit(paths[(n * 7 + 3) % len(paths)], n)
        plain = build(root, cache, None)
        with_model = build(root, cache, model)
        lexical.append(plain.seconds)
        added.append(with_model.seconds - plain.seconds)
        added_cpu.append(with_model.cpu_seconds - plain.cpu_seconds)
    plain, unchanged = build(root, cache, None), build(root, cache, model)
    return {
        "lexical": statistics.median(lexical),
        "added": statistics.median(added),
        "added_cpu": statistics.median(added_cpu),
        "unchanged": unchanged.seconds - plain.seconds,
        "unchanged_cpu": unchanged.cpu_seconds - plain.cpu_seconds,
    }


def _drain(fd: int, chunks: list[bytes]) -> None:
    while True:
        try:
            data = os.read(fd, 4096)
        except OSError:  # the terminal closes when the process ends
            return
        if not data:
            return
        chunks.append(data)


def in_process_added(docs: Path, asked: Path, cache: Path, model: str, paths: list[Path], edits: int) -> float:
    """Median seconds the embeddings add to an audit after one edit, in a process that already loaded the model."""
    from kb.coverage.audit import foreign_report

    os.environ["XDG_CACHE_HOME"] = str(cache)
    foreign_report(docs, asked, 0.0, embedding_model=model)
    added = []
    for n in range(edits):
        edit(paths[(n * 89 + 7) % len(paths)], 100 + n)
        started = time.perf_counter()
        foreign_report(docs, asked, 0.0, embeddings=False)
        lexical = time.perf_counter() - started
        started = time.perf_counter()
        report, _ = foreign_report(docs, asked, 0.0, embedding_model=model)
        added.append(time.perf_counter() - started - lexical)
        if not report.semantic.startswith("on"):
            raise SystemExit(f"semantic ranking was {report.semantic}")
    return statistics.median(added)


def cached_digests(cache: Path) -> set[str]:
    """Every section digest in the vector caches under `cache` (not the questions' vectors, kept apart)."""
    found: set[str] = set()
    for index in (cache / "kb" / "vectors").glob("*/index.json"):
        content = json.loads(index.read_text(encoding="utf-8"))
        if not content.get("model_id", "").endswith("|queries"):
            found.update(content.get("rows", {}))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedding-model", default=os.environ.get(MODEL_ENV), help=f"model folder (or ${MODEL_ENV})")
    parser.add_argument("--articles", type=int, default=400)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--edits", type=int, default=3)
    args = parser.parse_args(argv)
    if not args.embedding_model:
        print(f"semantic_speed: skipped (semantic off: no --embedding-model or {MODEL_ENV})")
        return 0
    with tempfile.TemporaryDirectory(prefix="kb-semantic-") as folder:
        root = Path(folder)
        docs, asked, paths = write_help_center(root, args.articles, args.questions)
        cache = root / "cache"
        lexical = audit(docs, asked, cache, None)
        cold = audit(docs, asked, cache, args.embedding_model, terminal=True)
        sections = cached_digests(cache)
        if not cold.semantic.startswith("on"):
            raise SystemExit(f"semantic ranking was {cold.semantic}")
        added, added_cpu, lexical_reruns, semantic_reruns, embedded, peaks = [], [], [], [], [], [cold.peak_mb]
        for n in range(args.edits):
            edit(paths[(n * 97) % len(paths)], n)
            plain = audit(docs, asked, cache, None)
            before = cached_digests(cache)
            rerun = audit(docs, asked, cache, args.embedding_model)
            embedded.append(len(cached_digests(cache) - before))
            lexical_reruns.append(plain.seconds)
            semantic_reruns.append(rerun.seconds)
            added.append(rerun.seconds - plain.seconds)
            added_cpu.append(rerun.cpu_seconds - plain.cpu_seconds)
            peaks.append(rerun.peak_mb)
        unchanged_plain = audit(docs, asked, cache, None)
        unchanged = audit(docs, asked, cache, args.embedding_model)
        kept_loaded = in_process_added(docs, asked, cache, args.embedding_model, paths, args.edits)
        site = build_reruns(root / "sample", root / "build-cache", args.embedding_model, args.edits)
    progress = "embedding passages:" in cold.stderr
    added_s, peak = statistics.median(added), max(peaks)
    print(f"semantic_model: {args.embedding_model}")
    print(f"semantic_articles: {args.articles}")
    print(f"semantic_questions: {args.questions}")
    print(f"semantic_cold_audit_s: {cold.seconds:.1f}")
    print(f"semantic_cold_audit_cpu_s: {cold.cpu_seconds:.1f}")
    print(f"semantic_cold_sections_embedded: {len(sections)}")
    print(f"semantic_cold_progress_shown: {'yes' if progress else 'no'}")
    print(f"semantic_lexical_audit_s: {lexical.seconds:.1f}")
    print(f"semantic_lexical_audit_cpu_s: {lexical.cpu_seconds:.1f}")
    print(f"semantic_rerun_lexical_s: {statistics.median(lexical_reruns):.2f} (median of {args.edits})")
    print(f"semantic_rerun_s: {statistics.median(semantic_reruns):.2f} (median of {args.edits})")
    print(f"semantic_rerun_sections_embedded: {statistics.median(embedded):g}")
    print(f"semantic_rerun_added_s: {added_s:.2f} (median of {args.edits})")
    print(f"semantic_rerun_added_cpu_s: {statistics.median(added_cpu):.2f} (median of {args.edits})")
    print(f"semantic_unchanged_rerun_added_s: {unchanged.seconds - unchanged_plain.seconds:.2f}")
    print(f"semantic_unchanged_rerun_added_cpu_s: {unchanged.cpu_seconds - unchanged_plain.cpu_seconds:.2f}")
    print(f"semantic_rerun_in_process_added_s: {kept_loaded:.2f} (median of {args.edits}, model already loaded)")
    print(f"semantic_build_rerun_lexical_s: {site['lexical']:.2f} (median of {args.edits}, kb build of the sample)")
    print(f"semantic_build_rerun_added_s: {site['added']:.2f} (median of {args.edits})")
    print(f"semantic_build_rerun_added_cpu_s: {site['added_cpu']:.2f} (median of {args.edits})")
    print(f"semantic_build_unchanged_added_s: {site['unchanged']:.2f} ({site['unchanged_cpu']:.2f} CPU)")
    print(f"semantic_lexical_peak_mb: {lexical.peak_mb:.0f}")
    print(f"semantic_cold_peak_mb: {cold.peak_mb:.0f}")
    print(f"semantic_rerun_peak_mb: {max(peaks[1:]):.0f}")
    print(f"semantic_peak_mb: {peak:.0f}")
    print(f"semantic_load: {os.getloadavg()[0]:.2f} (1-minute load average, {os.cpu_count()} cores)")
    met = cold.seconds <= AIM_COLD_S and progress and max(added_s, site["added"]) <= AIM_RERUN_ADDED_S
    met = met and peak <= AIM_PEAK_MB
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
