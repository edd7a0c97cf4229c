"""The coverage engine: which common questions the help center answers, which it does not, and what to fix.

Pure domain code: articles, questions and a matcher in, a `Report` out. The MkDocs plugin, `kb coverage` and the
CI gate all print this one report.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache

import numpy as np

from kb.content.kinds import question_kind
from kb.coverage.model import MEDIUM, Candidate, Figures, QuestionResult, Report
from kb.matching.analysis import terms, typed_words
from kb.matching.matcher import Matcher, clean
from kb.matching.semantic import SectionIndex, fuse
from kb.model import Article, Question

# Calibrated on the labelled evaluation set (benchmarks/coverage_eval.py; BENCHMARKS.md has the figures): an
# untagged question whose best article holds at least this share of its idf-weighted concepts is "likely covered".
LIKELY_THRESHOLD = MEDIUM
CANDIDATES = 3
VARIANT_AGREEMENT = 10  # a variant's candidates must be among this many best results of the question itself
FUSION_DEPTH = 20  # results of each ranking that reciprocal-rank fusion looks at


def analyse(
    articles: list[Article],
    questions: list[Question],
    matcher: Matcher,
    fail_under: float = 80.0,
    gate_on: str = "tagged",
    stale_after_days: int = 180,
    today: dt.date | None = None,
    warnings: Iterable[str] = (),
    threshold: float = LIKELY_THRESHOLD,
    same_language: bool = True,
    sections: SectionIndex | None = None,
) -> Report:
    today = today or dt.date.today()
    by_id = {a.id: a for a in articles}
    positions = {article_id: i for i, article_id in enumerate(matcher.stats.ids)}
    covering: dict[str, list[Article]] = defaultdict(list)
    for article in articles:
        for qid in article.covers:
            covering[qid].append(article)
    everything = np.ones(matcher.size, dtype=bool)
    untagged = untagged_questions(articles, questions)
    meanings: dict[str, list[str]] = {}
    if sections is not None:  # one language at a time: another language's translations must not fill the list
        by_lang: dict[str | None, list[Question]] = defaultdict(list)
        for q in untagged:
            by_lang[q.lang if same_language else None].append(q)
        for lang, group in by_lang.items():
            found = sections.top([q.question for q in group], limit=FUSION_DEPTH, lang=lang)
            meanings.update(zip((q.id for q in group), found))
    results = [
        _assess(
            q,
            covering.get(q.id, []),
            matcher,
            by_id,
            positions,
            threshold,
            matcher.allowed(q.lang) if same_language else everything,
            meanings.get(q.id) if sections is not None else None,
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
        by_type=_grouped(results, lambda r: r.question.type or "(none)") if any(q.type for q in questions) else {},
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


def untagged_questions(articles: list[Article], questions: list[Question]) -> list[Question]:
    """The questions no article lists in `covers:`: those whose suggestions are ranked (by meaning too)."""
    covered = {qid for article in articles for qid in article.covers}
    return [q for q in questions if q.id not in covered]


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
    meaning: list[str] | None = None,
) -> QuestionResult:
    if question.not_answered_by:  # a person said these articles do not answer it: never propose them again
        allowed = allowed.copy()
        for article_id in question.not_answered_by:
            if article_id in positions:
                allowed[positions[article_id]] = False
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
    # In score order: putting the candidate that holds most of the question's words first (as this once did)
    # lost a quarter of the right first suggestions on real help centers, where a short page on a neighbouring
    # topic often holds every word of a question its longer neighbour answers.
    ranked = sorted(best.items(), key=lambda item: (-item[1][0], -item[1][1]))[:CANDIDATES]
    if meaning is not None:
        ranked = _fused(scored, ranked, meaning, positions, allowed)
    candidates = [
        Candidate(by_id[matcher.stats.ids[i]], score, rank, cover)
        for rank, (i, (score, cover)) in enumerate(ranked, 1)
        if matcher.stats.ids[i] in by_id
    ]
    # The decision is lexical (no similarity of meaning separates answered questions from near misses) and is
    # about the article suggested: the share of the question's meaning that first candidate holds.
    confidence = candidates[0].coverage if candidates else 0.0
    if candidates:
        matched, passage = evidence(question.question, candidates[0].article)
        candidates[0] = replace(candidates[0], matched=matched, passage=passage)
    status = "likely" if confidence >= threshold else "gap"
    if status == "gap" and question_kind(question.question, question.kind) != "question":
        status = "product"  # a bug or a wish with no article: the product team's, not a gap in the articles
    return QuestionResult(question, status, tuple(candidates), confidence)


_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MARKUP = re.compile(r"[*`>|]+|(?<!\w)_+|_+(?!\w)|^\s*[-+]\s+|^\s*\d+\.\s+")  # not the _ in GLIBC_2.28
# A sentence ends at a Latin stop followed by a space (not inside "faq.md#anchor" or "10.4.1"), at a Chinese stop,
# or at a line's end.
_SENTENCE = re.compile(r"(?<=[.!?])\s+|(?<=[。！？])\s*|\n+")


def evidence(question: str, article: Article, width: int = 220) -> tuple[tuple[str, ...], str]:
    """Why an article is suggested, for the person who reviews it: the question's words it has (as typed) and
    its sentence holding most of them."""
    words = [(w, _word_terms(w)) for w in dict.fromkeys(typed_words(clean(question)))]
    words = [(w, found) for w, found in words if found]
    have, sentences = _passages(article)
    matched = tuple(w for w, found in words if found & have)
    wanted = set().union(*(found for _, found in words))
    best, best_hits = "", 0
    for sentence, sentence_terms in sentences:
        hits = len(sentence_terms & wanted)
        if hits > best_hits:
            best, best_hits = sentence, hits
    return matched, (best[: width - 1] + "…") if len(best) > width else best


@lru_cache(maxsize=65536)
def _word_terms(word: str) -> frozenset[str]:
    return frozenset(terms(word))


@lru_cache(maxsize=4096)
def _passages(article: Article) -> tuple[frozenset[str], tuple[tuple[str, frozenset[str]], ...]]:
    """An article's terms, and its sentences (headings left out, markup stripped) with theirs: worked out once per
    article, since one article is the first suggestion for many questions."""
    text = "\n".join((article.title, article.summary, *article.headings, article.body))
    sentences = []
    for sentence in _SENTENCE.split(_LINK.sub(r"\1", article.body)):  # a link's text, never cut at its address
        if sentence.lstrip().startswith("#"):
            continue  # a heading is not a passage
        sentence = " ".join(_MARKUP.sub(" ", sentence).split())
        if sentence:
            sentences.append((sentence, frozenset(terms(sentence))))
    return frozenset(terms(text)), tuple(sentences)


def _fused(scored: list, lexical: list, meaning: list[str], positions: dict[str, int], allowed: np.ndarray) -> list:
    """The candidates in the order of the lexical ranking fused with the sections' similarity of meaning."""
    first = [i for i, _ in lexical]
    words = first + [i for i in _top(scored[0][1], FUSION_DEPTH) if i not in first]
    by_meaning = [positions[a] for a in meaning if a in positions and allowed[positions[a]]][:FUSION_DEPTH]
    order = [int(key) for key in fuse([str(i) for i in words], [str(i) for i in by_meaning])]
    fused = []
    for i in order[:CANDIDATES]:
        score = max(float(scores[i]) for _, scores, _ in scored)
        cover = max(float(coverage[i]) for _, _, coverage in scored)
        fused.append((i, (score, cover)))
    return fused


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
