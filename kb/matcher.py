"""Scoring many questions against all articles at once.

The matcher reads the index's posting lists once into arrays and scores every wording of every question with
BM25F (field boosts, per-field length normalisation, saturation after the fields are combined) plus phrase
evidence from adjacent term pairs. Besides a rank it measures *coverage*: how much of the question's meaning
(idf-weighted concepts, a word or any of its synonyms) the article contains. Raw BM25 scores are not comparable
between questions; coverage is, which is what lets one threshold separate answered questions from gaps.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .analysis import pairs, terms
from .search_index import PAIR_FIELD, TEXT_FIELDS, TermStats
from .synonyms import synonym_groups

_BRACKET_TAG = re.compile(r"\[[^\]]{1,20}\]|【[^】]{1,20}】")
_VERSION = re.compile(r"\bv?\d+(?:\.\d+)+\b", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")


@dataclass(frozen=True)
class Params:
    k1: float = 1.2
    b: float = 0.75
    boosts: dict[str, float] = field(default_factory=lambda: {"title": 3.0, "summary": 2.0, "headings": 1.5, "body": 1.0})
    pair_weight: float = 0.6  # phrase evidence, relative to single terms
    synonym_weight: float = 0.7  # a synonym counts a little less than the customer's own word


def clean(text: str) -> str:
    """Strip what customers paste around a question: bracket tags ([BUG], 【问题】), links, version numbers."""
    return _VERSION.sub(" ", _URL.sub(" ", _BRACKET_TAG.sub(" ", text)))


@dataclass(frozen=True)
class Concept:
    """One idea in a question: the customer's word and its synonyms; present in an article if any of them is."""

    terms: tuple[str, ...]
    weights: tuple[float, ...]


@dataclass(frozen=True)
class Query:
    concepts: tuple[Concept, ...]
    pairs: tuple[str, ...]


def build_query(text: str) -> Query:
    words = terms(clean(text))
    seen: dict[str, Concept] = {}
    for word in words:
        if word in seen:
            continue
        alternatives = [w for w in synonym_groups().get(word, ()) if w != word]
        seen[word] = Concept((word, *alternatives), (1.0, *([Params().synonym_weight] * len(alternatives))))
    return Query(tuple(seen.values()), tuple(dict.fromkeys(pairs(words))))


@dataclass(frozen=True)
class Ranked:
    position: int  # the document's position in the matcher's arrays
    score: float
    coverage: float


class Matcher:
    def __init__(self, stats: TermStats, params: Params | None = None) -> None:
        self.stats = stats
        self.params = params or Params()
        self.size = len(stats.ids)
        self._weights, self._idf = self._term_weights()
        self._pair_weights, _ = self._term_weights(fields=(PAIR_FIELD,))
        self._unknown_idf = math.log(1 + (self.size + 0.5) / 0.5)

    def _term_weights(self, fields: tuple[str, ...] = TEXT_FIELDS) -> tuple[dict[str, tuple[np.ndarray, np.ndarray]], dict[str, float]]:
        """term -> (documents, BM25F weight); and term -> idf. Computed once per index."""
        p, n = self.params, self.size
        norms = {}
        for f in fields:
            lengths = self.stats.lengths[f]
            average = float(lengths.mean()) if n else 1.0
            norms[f] = 1 - p.b + p.b * lengths / (average or 1.0)
        vocabulary = set().union(*(self.stats.postings[f] for f in fields))
        weights, idfs = {}, {}
        pseudo = np.zeros(n, dtype=np.float32)
        for term in vocabulary:
            pseudo[:] = 0
            for f in fields:
                posting = self.stats.postings[f].get(term)
                if posting is not None:
                    docs, freqs = posting
                    pseudo[docs] += p.boosts.get(f, 1.0) * freqs / norms[f][docs]
            docs = np.flatnonzero(pseudo)
            df = len(docs)
            idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
            tf = pseudo[docs]
            weights[term] = (docs.astype(np.int32), (idf * tf * (p.k1 + 1) / (tf + p.k1)).astype(np.float32))
            idfs[term] = idf
        return weights, idfs

    def idf(self, term: str) -> float:
        return self._idf.get(term, self._unknown_idf)

    def score(self, query: Query, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(BM25F score, coverage in 0..1) of every document for the query."""
        scores = np.zeros(self.size, dtype=np.float32)
        present = np.zeros(self.size, dtype=np.float32)
        total = 0.0
        for concept in query.concepts:
            concept_idf = max((self._idf[t] for t in concept.terms if t in self._idf), default=self._unknown_idf)
            total += concept_idf
            hit = np.zeros(self.size, dtype=bool)
            for term, weight in zip(concept.terms, concept.weights):
                posting = self._weights.get(term)
                if posting is not None:
                    docs, values = posting
                    scores[docs] += weight * values
                    hit[docs] = True
            present += hit * concept_idf
        for pair in query.pairs:
            posting = self._pair_weights.get(pair)
            if posting is not None:
                docs, values = posting
                scores[docs] += self.params.pair_weight * values
        coverage = present / total if total else present
        if allowed is not None:
            scores = np.where(allowed, scores, 0)
            coverage = np.where(allowed, coverage, 0)
        return scores, coverage

    def rank(self, query: Query, allowed: np.ndarray | None = None, limit: int = 5) -> list[Ranked]:
        scores, coverage = self.score(query, allowed)
        if not scores.any():
            return []
        limit = min(limit, self.size)
        top = np.argpartition(-scores, limit - 1)[:limit] if limit < self.size else np.arange(self.size)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Ranked(int(i), float(scores[i]), float(coverage[i])) for i in top if scores[i] > 0]

    def position_rank(self, query: Query, positions: set[int], allowed: np.ndarray | None = None) -> int | None:
        """1-based rank of the best of `positions` in the full result list, or None when it does not match."""
        scores, _ = self.score(query, allowed)
        best = max((scores[p] for p in positions), default=0.0)
        if best <= 0:
            return None
        return int((scores > best).sum()) + 1

    @cached_property
    def lang_masks(self) -> dict[str, np.ndarray]:
        langs = np.array(self.stats.langs)
        return {lang: langs == lang for lang in set(self.stats.langs)}

    def allowed(self, lang: str) -> np.ndarray:
        return self.lang_masks.get(lang, np.zeros(self.size, dtype=bool))
