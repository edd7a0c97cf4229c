"""Scoring many questions against all articles at once.

The matcher reads the index's posting lists once into arrays and scores every wording of every question with
BM25F (field boosts, per-field length normalisation, saturation after the fields are combined) plus phrase
evidence from adjacent term pairs. Besides a rank it measures *coverage*: how much of the question's meaning
(idf-weighted concepts, a word or any of its synonyms) the article contains. Raw BM25 scores are not comparable
between questions; coverage is, which is what lets one threshold separate answered questions from gaps.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from kb.content.text import BRACKET_TAG, CJK
from kb.matching.analysis import latin_term, pairs, query_words
from kb.matching.index import FIELD_BOOSTS, PAIR_FIELD, TEXT_FIELDS, TermStats, term_stats
from kb.matching.synonyms import synonym_groups
from kb.model import Article

_BRACKET_TAG = re.compile(BRACKET_TAG)
_VERSION = re.compile(r"\bv?\d+(?:\.\d+)+\b", re.IGNORECASE)
_URL = re.compile(r"https?://\S+")


def _one_edit(a: str, b: str) -> bool:
    """True when b is a with one letter inserted, deleted, replaced, or two neighbours swapped."""
    if a == b:
        return False
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (
            len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]
        )
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


@dataclass(frozen=True)
class Params:
    k1: float = 1.2
    b: float = 0.3  # weak length normalisation: a long FAQ page answers many questions, each in a few lines
    boosts: dict[str, float] = field(default_factory=lambda: dict(FIELD_BOOSTS))
    pair_weight: float = 0.6  # phrase evidence, relative to single terms
    synonym_weight: float = 0.7  # a synonym counts a little less than the customer's own word
    near_weight: float = 0.7  # a corrected misspelling, or a known word inside an unknown Chinese one
    # A word of the question in the article's title, scored again on the title alone (saturated apart from the
    # other fields): inside BM25F a body that repeats the word already saturates it, and the title, the
    # writer's own statement of what the article answers, then adds almost nothing.
    title_weight: float = 0.5


_DEFAULTS = Params()


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


def build_query(text: str, synonyms: dict[str, tuple[str, ...]] | None = None, params: Params | None = None) -> Query:
    synonyms = synonym_groups() if synonyms is None else synonyms
    params = params or _DEFAULTS
    words = query_words(clean(text))
    seen: dict[str, Concept] = {}
    for word, parts in words:
        if word in seen:
            continue
        alternatives = [w for w in synonyms.get(word, ()) if w != word]
        weights = [params.synonym_weight] * len(alternatives) + [params.near_weight] * len(parts)
        seen[word] = Concept((word, *alternatives, *parts), (1.0, *weights))
    plain = [w for w, _ in words]
    return Query(tuple(seen.values()), tuple(dict.fromkeys(pairs(plain))))


@dataclass(frozen=True)
class Ranked:
    position: int  # the document's position in the matcher's arrays
    score: float
    coverage: float


_MEMO_SIZE = 100_000  # what a matcher remembers per kind; a process that keeps its matcher keeps it bounded


def _remembered(memo: dict, key, make):
    """memo[key], made by make(key) the first time it is asked for."""
    try:
        return memo[key]
    except KeyError:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        found = memo[key] = make(key)
        return found


class Matcher:
    def __init__(
        self, stats: TermStats, params: Params | None = None, synonyms: tuple[tuple[str, ...], ...] = ()
    ) -> None:
        self.stats = stats
        self.params = params or Params()
        self.synonyms = synonym_groups(synonyms)
        self.size = len(stats.ids)
        self._term_index = stats.positions()
        self._docs, self._weights, self._offsets, idf = self._bm25f(TEXT_FIELDS)
        self._pair_docs, self._pair_weights, self._pair_offsets, _ = self._bm25f((PAIR_FIELD,))
        self._idf = idf
        title = stats.fields["title"]
        order = np.argsort(title.terms, kind="stable")
        self._title_docs = title.docs[order]
        self._title_offsets = np.searchsorted(title.terms[order], np.arange(len(stats.vocabulary) + 1))
        self._unknown_idf = math.log(1 + (self.size + 0.5) / 0.5)
        self._compounds: dict[str, tuple[str, ...]] = {}
        self._resolutions: dict[Concept, Concept | None] = {}
        self._concept_idfs: dict[Concept, float] = {}
        self._shortlist_parts: dict[tuple[str, int], tuple[bool, float] | None] = {}

    def _bm25f(self, fields: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Per term, its documents and BM25F weights, grouped by term (offsets index the groups); and idf by term.

        Each field's frequency is boosted and length-normalised, summed over the fields, then saturated once: a
        word in both title and body counts more than either, but not twice.
        """
        p, n, v = self.params, self.size, len(self.stats.vocabulary)
        keys, contributions = [], []
        for name in fields:
            postings = self.stats.fields[name]
            lengths = postings.lengths
            average = float(lengths.mean()) if n else 1.0
            norm = 1 - p.b + p.b * lengths / (average or 1.0)
            keys.append(postings.terms.astype(np.int64) * max(n, 1) + postings.docs)
            contributions.append(p.boosts.get(name, 1.0) * postings.freqs / norm[postings.docs])
        key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.int64)
        unique, inverse = np.unique(key, return_inverse=True)
        pseudo_tf = np.bincount(inverse, weights=np.concatenate(contributions)) if len(key) else np.zeros(0)
        term_of = unique // max(n, 1)
        docs = (unique % max(n, 1)).astype(np.int32)
        df = np.bincount(term_of, minlength=v)
        idf = np.log(1 + (n - df + 0.5) / (df + 0.5))
        weights = idf[term_of] * pseudo_tf * (p.k1 + 1) / (pseudo_tf + p.k1)
        if "title" in fields and p.title_weight and n:
            title = self.stats.fields["title"]
            norm = 1 - p.b + p.b * title.lengths / (float(title.lengths.mean()) or 1.0)
            tf = p.boosts.get("title", 1.0) * title.freqs / norm[title.docs]
            in_titles = np.bincount(title.terms, minlength=v)  # a word rare among titles names a page
            title_idf = np.log(1 + (n - in_titles + 0.5) / (in_titles + 0.5))[title.terms]
            where = np.searchsorted(unique, title.terms.astype(np.int64) * max(n, 1) + title.docs)
            weights[where] += p.title_weight * title_idf * tf * (p.k1 + 1) / (tf + p.k1)
        weights = weights.astype(np.float32)
        offsets = np.searchsorted(term_of, np.arange(v + 1))
        return docs, weights, offsets, np.where(df > 0, idf, np.nan)

    def _posting(self, term: str, pair: bool = False) -> tuple[np.ndarray, np.ndarray] | None:
        i = self._term_index[term]
        if i is None:
            return None
        offsets, docs, weights = (
            (self._pair_offsets, self._pair_docs, self._pair_weights)
            if pair
            else (self._offsets, self._docs, self._weights)
        )
        start, end = offsets[i], offsets[i + 1]
        return (docs[start:end], weights[start:end]) if end > start else None

    def idf(self, term: str) -> float:
        i = self._term_index[term]
        value = self._idf[i] if i is not None else math.nan
        return self._unknown_idf if math.isnan(value) else float(value)

    def score(self, query: Query, allowed: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(BM25F score, coverage in 0..1) of every document for the query."""
        scores = np.zeros(self.size, dtype=np.float32)
        present = np.zeros(self.size, dtype=np.float32)
        total = 0.0
        for concept in query.concepts:
            concept = self.resolve(concept)
            if concept is None:
                continue
            concept_idf = self._concept_idf(concept)
            total += concept_idf
            found = []  # each term's documents: a concept is present once however many of its terms are
            for term, weight in zip(concept.terms, concept.weights):
                posting = self._posting(term)
                if posting is not None:
                    docs, values = posting
                    scores[docs] += values if weight == 1.0 else weight * values
                    found.append(docs)
            if len(found) == 1:
                present[found[0]] += concept_idf
            elif found:
                hit = np.zeros(self.size, dtype=bool)
                for docs in found:
                    hit[docs] = True
                np.add(present, concept_idf, out=present, where=hit)
        for pair in query.pairs:
            posting = self._posting(pair, pair=True)
            if posting is not None:
                docs, values = posting
                scores[docs] += self.params.pair_weight * values
        coverage = present / total if total else present
        if allowed is not None and not allowed.all():
            scores = np.where(allowed, scores, 0)
            coverage = np.where(allowed, coverage, 0)
        return scores, coverage

    def score_some(self, query: Query, docs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """`score()` of the documents at the ascending positions `docs` only: the same figures, in the same
        order, at a cost that grows with the query's postings and `len(docs)`, not with the article count."""
        k = len(docs)
        scores = np.zeros(k, dtype=np.float32)
        present = np.zeros(k, dtype=np.float32)
        total = 0.0

        def lookup(posting: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
            posting_docs, values = posting  # ascending within a term
            where = np.minimum(np.searchsorted(posting_docs, docs), len(posting_docs) - 1)
            found = posting_docs[where] == docs
            return found, values[where[found]]

        for concept in query.concepts:
            concept = self.resolve(concept)
            if concept is None:
                continue
            concept_idf = self._concept_idf(concept)
            total += concept_idf
            hit = np.zeros(k, dtype=bool)
            for term, weight in zip(concept.terms, concept.weights):
                posting = self._posting(term)
                if posting is not None:
                    found, values = lookup(posting)
                    scores[found] += weight * values
                    hit |= found
            present += hit * concept_idf
        for pair in query.pairs:
            posting = self._posting(pair, pair=True)
            if posting is not None:
                found, values = lookup(posting)
                scores[found] += self.params.pair_weight * values
        return scores, (present / total if total else present)

    def candidates(self, query: Query, max_df: int) -> tuple[np.ndarray, np.ndarray]:
        """The documents sharing one of the query's rarer words (in at most `max_df` documents, or in at most
        `max_df` titles), ascending, with a rough score (the sum of those words' weights) to pick the likeliest."""
        rough = np.zeros(self.size, dtype=np.float32)
        for concept in query.concepts:
            concept = self.resolve(concept)
            if concept is None:
                continue
            for term, weight in zip(concept.terms, concept.weights):
                part = self.shortlist_part(term, max_df)
                if part is None:
                    continue
                in_text, bound = part
                if in_text:
                    docs, values = self._posting(term)
                    rough[docs] += weight * values
                else:  # common in the text, but rare among titles: those name pages
                    i = self._term_index[term]
                    rough[self._title_docs[self._title_offsets[i] : self._title_offsets[i + 1]]] += weight * bound
        docs = np.flatnonzero(rough)
        return docs, rough[docs]

    def shortlist_part(self, term: str, max_df: int) -> tuple[bool, float] | None:
        """How `candidates` counts the term in an article's rough score: (True, 0.0) when it is rare in the text
        (in at most `max_df` articles: each counts its own weight for it); (False, its `title_weight_bound`) when
        it is common in the text but rare among titles (an article titled with it counts the bound); None when it
        picks no shortlist (no article has it, or it is common in both). Remembered per term."""
        return _remembered(self._shortlist_parts, (term, max_df), self._shortlist_part)

    def _shortlist_part(self, key: tuple[str, int]) -> tuple[bool, float] | None:
        term, max_df = key
        df = self.df(term)
        if df == 0:
            return None
        if df <= max_df:
            return True, 0.0
        return (False, self.title_weight_bound(term)) if self.title_df(term) <= max_df else None

    def query(self, text: str) -> Query:
        """A customer's words as a query, with the built-in synonyms and the help center's own."""
        return build_query(text, self.synonyms, self.params)

    def resolve(self, concept: Concept) -> Concept | None:
        """The concept as the index can match it: a word no article uses is looked up as a misspelling (Latin) or
        by the known words inside it (Chinese, where segmentation differs between question and article). A token
        with digits that no article has (a version, a device model, a reference number) is context, not intent:
        it is dropped. Known words pass unchanged. Remembered: many questions share their words."""
        return _remembered(self._resolutions, concept, self._resolve)

    def _resolve(self, concept: Concept) -> Concept | None:
        word = concept.terms[0]
        if any(t in self._known for t in concept.terms):
            parts = self._compound_parts(word) if word in self._known and word.isascii() else ()
            if parts and self.df("_".join(parts)) > self.df(word):  # the help center writes it as two words
                return Concept((*concept.terms, *parts), (*concept.weights, *([self.params.near_weight] * 2)))
            return concept
        if any(ch.isdigit() for ch in word):
            return None
        alternatives = self._near_words(word)
        if not alternatives:
            return concept  # a word no article has: it counts fully against coverage
        return Concept((word, *alternatives), (1.0, *([self.params.near_weight] * len(alternatives))))

    def df(self, term: str) -> int:
        """How many articles have the term (a word, or a word pair); 0 for a term none has."""
        i = self._term_index[term]
        if i is None:
            return 0
        return int(max(self._offsets[i + 1] - self._offsets[i], self._pair_offsets[i + 1] - self._pair_offsets[i]))

    def title_df(self, term: str) -> int:
        """How many articles have the word in their title."""
        i = self._term_index[term]
        return 0 if i is None else int(self._title_offsets[i + 1] - self._title_offsets[i])

    def title_weight_bound(self, term: str) -> float:
        """What `candidates` counts for an article having the word in its title when the word is common in the
        text: the most any article's weight for the word can be (each part of BM25F saturates at k1 + 1). It
        follows from how many articles have the word, in their text and in their titles, not from any article's
        length: an edit to one article's text moves it only when the edit adds or removes the word. 0 for a term
        no article has."""
        i = self._term_index[term]
        idf = self._idf[i] if i is not None else math.nan
        if math.isnan(idf):
            return 0.0
        titles = self.title_df(term)
        title_idf = math.log(1 + (self.size - titles + 0.5) / (titles + 0.5))
        return (self.params.k1 + 1) * (float(idf) + self.params.title_weight * title_idf)

    def doc_weights(self, position: int) -> tuple[dict[str, float], dict[str, float]]:
        """The weights the document at `position` has in `score` and `score_some`: {term: weight} of its words,
        and of its word pairs."""
        found = []
        for docs, weights, offsets in (
            (self._docs, self._weights, self._offsets),
            (self._pair_docs, self._pair_weights, self._pair_offsets),
        ):
            entries = np.flatnonzero(docs == position)
            terms = np.searchsorted(offsets, entries, side="right") - 1
            vocabulary = self.stats.vocabulary
            found.append({vocabulary[t]: w for t, w in zip(terms.tolist(), weights[entries].tolist())})
        return found[0], found[1]

    def knows(self, term: str) -> bool:
        """Whether some article has the term."""
        return term in self._known

    @cached_property
    def _known(self) -> frozenset[str]:
        known = np.flatnonzero(~np.isnan(self._idf)).tolist()
        return frozenset(self.stats.vocabulary[i] for i in known)

    @cached_property
    def _deletions(self) -> dict[str, list[str]]:
        """Latin terms by each form with one letter deleted: finds words one typo away in a few lookups."""
        table: dict[str, list[str]] = {}
        for term in self._known:
            if len(term) >= 4 and term.isascii() and term.isalpha():
                for variant in {term[:i] + term[i + 1 :] for i in range(len(term))} | {term}:
                    table.setdefault(variant, []).append(term)
        return table

    def _near_words(self, word: str) -> tuple[str, ...]:
        if CJK.match(word):
            parts = {
                word[i:j] for i in range(len(word)) for j in range(i + 2, len(word) + 1) if (i, j) != (0, len(word))
            }
            return tuple(sorted(p for p in parts if p in self._known))
        if len(word) < 4 or not word.isascii() or not word.isalpha():
            return ()
        forms = {word[:i] + word[i + 1 :] for i in range(len(word))} | {word}
        found = {
            candidate
            for form in forms
            for candidate in self._deletions.get(form, ())
            if candidate[0] == word[0] and _one_edit(word, candidate)
        }
        best = sorted(found, key=lambda t: self.idf(t))[:2]  # the commonest spellings are the likeliest meant
        return tuple(best) or self._compound_parts(word)

    def _compound_parts(self, word: str) -> tuple[str, ...]:
        """Two known words written as one ("webclipper", "darkmode", "filesync"): the split whose shorter part
        is longest, each part analysed as an article's words are."""
        if word not in self._compounds:
            self._compounds[word] = self._split(word)
        return self._compounds[word]

    def _split(self, word: str) -> tuple[str, ...]:
        best: tuple[str, ...] = ()
        shortest = 0
        for i in range(3, len(word) - 2):
            left, right = latin_term(word[:i]), self._stem_of(word[i:])
            if left in self._known and right and min(i, len(word) - i) > shortest:
                best, shortest = (left, right), min(i, len(word) - i)
        return best

    def _stem_of(self, tail: str) -> str:
        """The known term a compound's stemmed tail stands for: itself, or the shortest known term it begins
        (the whole compound was stemmed, so "webclipper" ends in "clipp" where the word alone is "clipper")."""
        if tail in self._known:
            return tail
        terms = self._sorted_known
        i = bisect.bisect_left(terms, tail)
        found = []
        while i < len(terms) and terms[i].startswith(tail):
            if len(terms[i]) <= len(tail) + 3 and terms[i].isalpha():
                found.append(terms[i])
            i += 1
        return min(found, key=len, default="")

    @cached_property
    def _sorted_known(self) -> list[str]:
        return sorted(self._known)

    def _concept_idf(self, concept: Concept) -> float:
        """The rarest known form of the concept; a word no article uses counts as rarest of all."""
        return _remembered(self._concept_idfs, concept, self._rarest_idf)

    def _rarest_idf(self, concept: Concept) -> float:
        return max((self.idf(t) for t in concept.terms if t in self._known), default=self._unknown_idf)

    def rank(self, query: Query, allowed: np.ndarray | None = None, limit: int = 5) -> list[Ranked]:
        scores, coverage = self.score(query, allowed)
        if not scores.any():
            return []
        limit = min(limit, self.size)
        top = np.argpartition(-scores, limit - 1)[:limit] if limit < self.size else np.arange(self.size)
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Ranked(int(i), float(scores[i]), float(coverage[i])) for i in top if scores[i] > 0]

    @cached_property
    def lang_masks(self) -> dict[str, np.ndarray]:
        langs = np.array(self.stats.langs)
        return {lang: langs == lang for lang in set(self.stats.langs)}

    def allowed(self, lang: str) -> np.ndarray:
        return self.lang_masks.get(lang, np.zeros(self.size, dtype=bool))


def build_matcher(
    articles: list[Article], cache: Path, synonyms: tuple[tuple[str, ...], ...] = (), snapshot: bool = True
) -> Matcher:
    """A matcher over the articles' term statistics (the snapshot in `cache` while nothing changed). The same
    statistics as the Whoosh index in `cache` holds (`ArticleIndex`), without writing one: at 10,000 articles
    writing it was the largest part of kb's build time. `snapshot` False: no snapshot is written for this
    content (the live preview's rebuilds, whose next edit makes it out of date)."""
    return Matcher(term_stats(articles, cache, snapshot), synonyms=synonyms)
