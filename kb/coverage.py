"""The coverage engine: which common questions the help center answers, which it does not, and what to fix.

Pure domain code: articles, questions and a matcher in, a `Report` out. The MkDocs plugin, `kb coverage` and the
CI gate all print this one report.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

import numpy as np

from .matcher import Matcher
from .model import Article, Question

# Calibrated on the labelled evaluation set (benchmarks/coverage_eval.py; BENCHMARKS.md has the figures): an
# untagged question whose best article holds at least this share of its idf-weighted concepts is "likely covered".
LIKELY_THRESHOLD = 0.6
FINDABLE_RANK = 3
CANDIDATES = 3
VARIANT_AGREEMENT = 10  # a variant's candidates must be among this many best results of the question itself


@dataclass(frozen=True)
class Candidate:
    article: Article
    score: float
    rank: int | None
    coverage: float = 0.0


@dataclass(frozen=True)
class QuestionResult:
    question: Question
    status: str  # covered | likely | gap
    candidates: tuple[Candidate, ...]
    confidence: float = 0.0
    ranks: tuple[tuple[str, int | None], ...] = ()  # for covered questions: (wording, rank of its article)

    @property
    def hard_to_find(self) -> bool:
        if self.status != "covered" or not self.ranks:
            return False
        misses = [rank for _, rank in self.ranks if rank is None or rank > FINDABLE_RANK]
        own = self.ranks[0][1]
        return own is None or own > FINDABLE_RANK or len(misses) * 2 > len(self.ranks)

    @property
    def answered(self) -> bool:
        return self.status in ("covered", "likely")

    @property
    def suggestion(self) -> str:
        """The line a writer adds to the suggested article for a likely-covered question."""
        if self.status != "likely" or not self.candidates:
            return ""
        return f"covers: [{', '.join((*self.candidates[0].article.covers, self.question.id))}]"


@dataclass(frozen=True)
class Figures:
    questions: int
    volume: int
    covered: int
    likely: int
    gaps: int
    covered_volume: int
    likely_volume: int
    gap_volume: int

    @property
    def by_count(self) -> float | None:
        return None if not self.questions else 100.0 * (self.covered + self.likely) / self.questions

    @property
    def by_volume(self) -> float | None:
        return None if not self.volume else 100.0 * (self.covered_volume + self.likely_volume) / self.volume

    @property
    def tagged_by_volume(self) -> float | None:
        return None if not self.volume else 100.0 * self.covered_volume / self.volume

    @classmethod
    def of(cls, results: Iterable[QuestionResult]) -> "Figures":
        counts: dict[str, int] = defaultdict(int)
        volumes: dict[str, int] = defaultdict(int)
        total = n = 0
        for r in results:
            n += 1
            total += r.question.volume
            counts[r.status] += 1
            volumes[r.status] += r.question.volume
        return cls(n, total, counts["covered"], counts["likely"], counts["gap"], volumes["covered"], volumes["likely"], volumes["gap"])


@dataclass(frozen=True)
class ArticleHealth:
    article: Article
    helpful: int = 0
    not_helpful: int = 0

    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def rate(self) -> float | None:
        return None if not self.votes else 100.0 * self.helpful / self.votes


@dataclass(frozen=True)
class Report:
    results: tuple[QuestionResult, ...]
    overall: Figures
    by_category: dict[str, Figures]
    by_lang: dict[str, Figures]
    fail_under: float
    gate_on: str = "answered"  # the gate counts covered + likely ("answered") or covered only ("tagged")
    duplicates: tuple[tuple[Question, tuple[Article, ...]], ...] = ()
    orphans: tuple[Article, ...] = ()
    stale: tuple[tuple[Article, int], ...] = ()  # (article, days since review)
    warnings: tuple[str, ...] = ()
    feedback: tuple[ArticleHealth, ...] = ()
    comments: tuple[dict, ...] = ()
    min_votes: int = 10
    target_rate: float = 85.0

    @property
    def gated(self) -> float | None:
        """The share of ticket volume the gate compares with fail_under."""
        return self.overall.tagged_by_volume if self.gate_on == "tagged" else self.overall.by_volume

    @property
    def passed(self) -> bool:
        return self.gated is None or self.gated >= self.fail_under

    def with_status(self, status: str) -> list[QuestionResult]:
        return sorted((r for r in self.results if r.status == status), key=lambda r: (-r.question.volume, r.question.id))

    @property
    def hard_to_find(self) -> list[QuestionResult]:
        return sorted((r for r in self.results if r.hard_to_find), key=lambda r: (-r.question.volume, r.question.id))

    @property
    def unhelpful(self) -> list[ArticleHealth]:
        """Articles with enough votes whose helpful rate is under the target."""
        return sorted((h for h in self.feedback if h.votes >= self.min_votes and h.rate is not None and h.rate < self.target_rate), key=lambda h: h.rate)

    @property
    def answered_only_by_unhelpful(self) -> list[QuestionResult]:
        weak = {h.article.id for h in self.unhelpful}
        found = []
        for r in self.results:
            answering = [c.article.id for c in r.candidates] if r.status == "covered" else []
            if answering and all(a in weak for a in answering):
                found.append(r)
        return sorted(found, key=lambda r: -r.question.volume)

    def failure_message(self, top: int = 5) -> str:
        shortfall = self.fail_under - (self.gated or 0.0)
        gaps = ", ".join(f"{r.question.id} ({r.question.volume})" for r in self.with_status("gap")[:top])
        what = "tagged coverage" if self.gate_on == "tagged" else "coverage"
        message = f"{what} {self.gated or 0.0:.1f}% of ticket volume is {shortfall:.1f} points under fail_under {self.fail_under:g}%; top gaps: {gaps or 'none'}"
        likely = self.overall.likely
        if self.gate_on == "tagged" and likely:
            message += f"; {likely} likely covered questions count once their covers: line is added"
        return message


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
    results = [_assess(q, covering.get(q.id, []), matcher, by_id, positions, threshold, matcher.allowed(q.lang) if same_language else everything) for q in questions]
    matched = {c.article.id for r in results if r.answered for c in r.candidates[:1]} | {a.id for qid in covering for a in covering[qid]}
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
        stale=tuple(sorted(((a, (today - a.reviewed).days) for a in articles if a.reviewed and (today - a.reviewed).days > stale_after_days), key=lambda s: -s[1])),
        warnings=tuple(warnings),
    )


def _grouped(results: list[QuestionResult], key) -> dict[str, Figures]:
    groups: dict[str, list[QuestionResult]] = defaultdict(list)
    for r in results:
        groups[key(r)].append(r)
    return {name: Figures.of(members) for name, members in sorted(groups.items())}


def _wordings(question: Question) -> list[str]:
    return list(dict.fromkeys((question.question, *question.variants)))


def _assess(question: Question, covering: list[Article], matcher: Matcher, by_id: dict[str, Article], positions: dict[str, int], threshold: float, allowed: np.ndarray) -> QuestionResult:
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
    candidates = tuple(Candidate(by_id[matcher.stats.ids[i]], score, rank, cover) for rank, (i, (score, cover)) in enumerate(ranked, 1) if matcher.stats.ids[i] in by_id)
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
        candidates.append(Candidate(article, score, _rank_of(own_scores, [i]) if i is not None else None, float(own_coverage[i]) if i is not None else 0.0))
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
