"""The coverage engine: which common questions the help center answers, which it does not, and what to fix.

Pure domain code: articles, questions and a matcher in, a `Report` out. The MkDocs plugin, `kb coverage` and the
CI gate all print this one report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

import numpy as np

from kb.coverage.model import Candidate, Figures, QuestionResult, Report
from kb.matching.matcher import Matcher
from kb.model import Article, Question

# Calibrated on the labelled evaluation set (benchmarks/coverage_eval.py; BENCHMARKS.md has the figures): an
# untagged question whose best article holds at least this share of its idf-weighted concepts is "likely covered".
LIKELY_THRESHOLD = 0.6
CANDIDATES = 3
VARIANT_AGREEMENT = 10  # a variant's candidates must be among this many best results of the question itself


def analyse(
    articles: list[Article],
    questions: list[Question],
    matcher: Matcher,
    fail_under: float = 80.0,
    gate_on: str = "answered",
    stale_after_days: int = 180,
    today: dt.date | None = None,
    warnings: Iterable[str] = (),
    threshold: float = LIKELY_THRESHOLD,
    same_language: bool = True,
) -> Report:
    today = today or dt.date.today()
    by_id = {a.id: a for a in articles}
    positions = {article_id: i for i, article_id in enumerate(matcher.stats.ids)}
    covering: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for qid in article.covers:
            covering[qid].append(article)
    everything = np.ones(matcher.size, dtype=bool)
    results = [
        _assess(
            q,
            covering.get(q.id, []),
            matcher,
            by_id,
            positions,
            threshold,
            matcher.allowed(q.lang) if same_language else everything,
        )
        for q in questions
    ]
    matched = {c.article.id for r in results if r.answered for c in r.candidates[:1]} | {
        a.id for qid in covering for a in covering[qid]
    }
    known = {q.id for q in questions}
    return Report(
        results=tuple(results),
        overall=Figures.of(results),
        by_category=_grouped(results, lambda r: r.question.category or "(none)"),
        by_lang=_grouped(results, lambda r: r.question.lang),
        fail_under=fail_under,
        gate_on=gate_on,
        duplicates=tuple((q, tuple(covering[q.id])) for q in questions if len(covering.get(q.id, ())) > 1),
        orphans=tuple(a for a in articles if not any(c in known for c in a.covers) and a.id not in matched),
        stale=tuple(
            sorted(
                (
                    (a, (today - a.reviewed).days)
                    for a in articles
                    if a.reviewed and (today - a.reviewed).days > stale_after_days
                ),
                key=lambda s: -s[1],
            )
        ),
        warnings=tuple(warnings),
    )


def _grouped(results: list[QuestionResult], key) -> dict[str, Figures]:
    groups: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        groups[key(r)].append(r)
    return {name: Figures.of(members) for name, members in sorted(groups.items())}


def _wordings(question: Question) -> list[str]:
    return list(dict.fromkeys((question.question, *question.variants)))


def _assess(
    question: Question,
    covering: list[Article],
    matcher: Matcher,
    by_id: dict[str, Article],
    positions: dict[str, int],
    threshold: float,
    allowed: np.ndarray,
) -> QuestionResult:
    scored = [(wording, *matcher.score(matcher.query(wording), allowed)) for wording in _wordings(question)]
    if covering:
        return _covered(question, covering, scored, positions)
    best: dict[int, tuple[float, float]] = {}  # document -> (best score, best coverage) over the wordings
    # A variant is evidence for an article only if the question's own wording also finds it: a terse variant
    # ("freeze membership") can otherwise match an unrelated article fully through one ambiguous word.
    own = _top(scored[0][1], VARIANT_AGREEMENT if len(scored) > 1 else CANDIDATES)
    for n, (_, scores, coverage) in enumerate(scored):
        for i in _top(scores, CANDIDATES) if n else own[:CANDIDATES]:
            if n and i not in own:
                continue
            score, cover = best.get(i, (0.0, 0.0))
            best[i] = (max(score, float(scores[i])), max(cover, float(coverage[i])))
    ranked = sorted(best.items(), key=lambda item: (-item[1][1], -item[1][0]))[:CANDIDATES]
    candidates = tuple(
        Candidate(by_id[matcher.stats.ids[i]], score, rank, cover)
        for rank, (i, (score, cover)) in enumerate(ranked, 1)
        if matcher.stats.ids[i] in by_id
    )
    confidence = candidates[0].coverage if candidates else 0.0
    return QuestionResult(question, "likely" if confidence >= threshold else "gap", candidates, confidence)


def _covered(question: Question, covering: list[Article], scored: list, positions: dict[str, int]) -> QuestionResult:
    mine = [positions[a.id] for a in covering if a.id in positions]
    ranks = []
    for wording, scores, _ in scored:
        ranks.append((wording, _rank_of(scores, mine)))
    _, own_scores, own_coverage = scored[0]
    candidates = []
    for article in covering:
        i = positions.get(article.id)
        score = float(own_scores[i]) if i is not None else 0.0
        candidates.append(
            Candidate(
                article,
                score,
                _rank_of(own_scores, [i]) if i is not None else None,
                float(own_coverage[i]) if i is not None else 0.0,
            )
        )
    candidates.sort(key=lambda c: (c.rank is None, c.rank or 0))
    return QuestionResult(question, "covered", tuple(candidates), 1.0, tuple(ranks))


def _top(scores: np.ndarray, limit: int) -> list[int]:
    nonzero = np.flatnonzero(scores > 0)
    if len(nonzero) > limit:
        nonzero = nonzero[np.argpartition(-scores[nonzero], limit - 1)[:limit]]
    return [int(i) for i in nonzero[np.argsort(-scores[nonzero], kind="stable")]]


def _rank_of(scores: np.ndarray, mine: list[int]) -> int | None:
    best = max((float(scores[i]) for i in mine), default=0.0)
    return None if best <= 0 else int((scores > best).sum()) + 1
