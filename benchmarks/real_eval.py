"""Coverage quality on real help centers: public documentation kept as Markdown in git, and real users' questions
about the same product (issue titles, verbatim), labelled by reading the articles (benchmarks/real/*/).

For each set: the folder is audited as it is (`kb coverage --articles`; in a folder of translations, such as
mixed-alist's, each question, in the language its `lang:` gives or the set's, is matched with the pages of its
language, as the audit does); recall@1 and @3 of the suggestions on
the answered questions; precision and recall of "gap" at the engine's threshold; how well confidence orders
answered above unanswered questions (AUC). With `--embedding-model DIR` (an ONNX export with its tokenizer, see
kb.matching.semantic) the lexical ranking is fused with sentence embeddings of article sections and recall is
reported for the fusion too.

    python -m benchmarks.real_eval [--embedding-model DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

import numpy as np
import yaml

from kb.content.articles import read_any_folder
from kb.content.kinds import question_kind
from kb.coverage.analysis import LIKELY_THRESHOLD, analyse
from kb.matching.matcher import build_matcher
from kb.model import Article, Question

ROOT = Path(__file__).resolve().parent / "real"


@dataclasses.dataclass(frozen=True)
class RealSet:
    name: str
    lang: str
    articles: list[Article]
    questions: list[Question]
    answers: dict[str, frozenset[str]]  # question id -> answering article ids (empty: none answers)
    kinds: dict[str, str]
    skipped: int
    translated: bool = False  # the folder holds translations: each question is matched in its own language


def load_set(folder: Path) -> RealSet:
    data = yaml.safe_load((folder / "questions.yml").read_text(encoding="utf-8"))
    audit = read_any_folder(folder / data.get("articles", "articles"))
    articles, skipped = audit.articles, audit.skipped
    lang = data.get("lang", "en")
    questions, answers, kinds = [], {}, {}
    for item in data["questions"]:
        qid = str(item["id"])
        questions.append(Question(qid, item["q"], item.get("lang", lang), volume=1))
        answers[qid] = frozenset(item.get("answers") or ())
        kinds[qid] = item.get("kind", "")
    return RealSet(
        data.get("set", folder.name), lang, articles, questions, answers, kinds, len(skipped), audit.translated
    )


def set_folders(root: Path = ROOT) -> list[Path]:
    """Every set's folder, whether or not its articles are present."""
    return [path.parent for path in sorted(root.glob("*/questions.yml"))]


def has_articles(folder: Path) -> bool:
    """A set whose text may not be redistributed keeps its articles out of git: they exist only once the set's
    fetch.sh has re-created them (see its SOURCE.md)."""
    data = yaml.safe_load((folder / "questions.yml").read_text(encoding="utf-8"))
    return (folder / data.get("articles", "articles")).is_dir()


def real_sets(root: Path = ROOT) -> list[RealSet]:
    """The sets whose articles are present."""
    return [load_set(folder) for folder in set_folders(root) if has_articles(folder)]


def auc(positive: list[float], negative: list[float]) -> float | None:
    """The chance that an answered question scores above an unanswered one (ties count half)."""
    if not positive or not negative:
        return None
    pos, neg = np.array(positive)[:, None], np.array(negative)[None, :]
    return float(((pos > neg).sum() + 0.5 * (pos == neg).sum()) / (pos.size * neg.size))


def figures(real: RealSet, ranked: dict[str, list[str]], confidence: dict[str, float], threshold: float) -> dict:
    answered = [q.id for q in real.questions if real.answers[q.id]]
    unanswered = [q.id for q in real.questions if not real.answers[q.id]]
    hit = lambda qid, k: bool(real.answers[qid] & set(ranked[qid][:k]))  # noqa: E731
    gaps = {q.id for q in real.questions if confidence[q.id] < threshold}
    true_gaps = gaps & set(unanswered)
    return {
        "questions": len(real.questions),
        "answered": len(answered),
        "recall_at_1": sum(hit(q, 1) for q in answered) / len(answered),
        "recall_at_3": sum(hit(q, 3) for q in answered) / len(answered),
        "gap_precision": len(true_gaps) / len(gaps) if gaps else None,
        "gap_recall": len(true_gaps) / len(unanswered) if unanswered else None,
        "auc": auc([confidence[q] for q in answered], [confidence[q] for q in unanswered]),
    }


def lexical(real: RealSet, cache: Path, sections=None) -> tuple[dict[str, list[str]], dict[str, float]]:
    """The engine's suggestions and confidence for each question (fused with `sections` when given)."""
    matcher = build_matcher(real.articles, cache)
    report = analyse(
        real.articles, real.questions, matcher, threshold=0.0, same_language=real.translated, sections=sections
    )
    ranked = {r.question.id: [c.article.id for c in r.candidates] for r in report.results}
    return ranked, {r.question.id: r.confidence for r in report.results}


def _print(name: str, result: dict) -> None:
    for key, value in result.items():
        if key not in ("questions", "answered"):
            print(f"{name}.{key}: {'n/a' if value is None else f'{value:.3f}'}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--embedding-model", help="a local ONNX export (folder) to fuse sentence embeddings with")
    args = parser.parse_args(argv)
    ranker = None
    if args.embedding_model:
        from kb.matching.semantic import default_cache_dir, load_ranker

        ranker, status = load_ranker(
            args.embedding_model, default_cache_dir() / "models", default_cache_dir() / "vectors"
        )
        print(f"# semantic ranking: {status.reason}", file=sys.stderr)
    for absent in (folder for folder in set_folders() if not has_articles(folder)):
        print(f"# {absent.name}: articles not present, skipped (run its fetch.sh, see its SOURCE.md)")
    for real in real_sets():
        with tempfile.TemporaryDirectory() as folder:
            ranked, confidence = lexical(real, Path(folder) / "index")
            result = figures(real, ranked, confidence, LIKELY_THRESHOLD)
            print(
                f"# {real.name}: {len(real.articles)} articles read, {real.skipped} skipped, {result['questions']} questions ({result['answered']} answered)"
            )
            _print(real.name, result)
            kinds = [(real.kinds[q.id], question_kind(q.question)) for q in real.questions]
            told = sum(
                1 for truth, found in kinds if {"howto": "question", "problem": "question"}.get(truth, truth) == found
            )
            print(f"{real.name}.kind_accuracy: {told / len(kinds):.3f}")
            if ranker is not None:
                from kb.matching.semantic import SectionIndex

                ranked, confidence = lexical(real, Path(folder) / "index", SectionIndex(ranker, real.articles))
                _print(f"{real.name}.hybrid", figures(real, ranked, confidence, LIKELY_THRESHOLD))
    return 0


if __name__ == "__main__":
    sys.exit(main())
