"""Related articles: for each article, the closest others in the same language, computed once at build time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kb.matching.index import PAIR_FIELD, TermStats
from kb.matching.matcher import Matcher
from kb.matching.semantic import SectionIndex, fuse
from kb.model import Article
from kb.templates import render as render_template

_HEADING = {"en": "Related articles", "zh": "相关文章"}
MIN_COVERAGE = 0.2  # below this an article shares only a word or two with the one being read
# Up to this many articles every article is scored for every other; above it, a shortlist (see _shortlisted).
EXACT_UP_TO = 2000
RARE_SHARE, RARE_MIN_DF, SHORTLIST = 0.1, 40, 100


def related(
    articles: list[Article], matcher: Matcher, limit: int = 5, sections: SectionIndex | None = None
) -> dict[str, list[Article]]:
    """article id -> up to `limit` related articles, best first; never the article itself. With `sections`, the
    lexical ranking is fused with the sections' similarity of meaning, as suggestions are."""
    by_id = {a.id: a for a in articles}
    meaning = _by_meaning(articles, sections, limit) if sections is not None else {}
    positions = {article_id: i for i, article_id in enumerate(matcher.stats.ids)}
    return {a.id: [by_id[i] for i in _related_ids(a, matcher, positions, limit, meaning, by_id)] for a in articles}


def _related_ids(
    article: Article,
    matcher: Matcher,
    positions: dict[str, int],
    limit: int,
    meaning: dict[str, list[str]],
    by_id: dict[str, Article],
) -> list[str]:
    allowed = matcher.allowed(article.lang).copy()
    own = positions.get(article.id)
    if own is not None:
        allowed[own] = False
    query = matcher.query(f"{article.title} {article.summary}")
    large = matcher.size > EXACT_UP_TO
    order = _shortlisted(matcher, query, allowed, limit) if large else _everyone(matcher, query, allowed, limit)
    found = [matcher.stats.ids[i] for i in order if matcher.stats.ids[i] in by_id]
    if article.id in meaning:
        found = fuse(found, meaning[article.id])
    return found[:limit]


def _everyone(matcher: Matcher, query, allowed: np.ndarray, limit: int) -> list[int]:
    """Positions of the best articles, every article scored: exact, and quadratic over a whole help center."""
    scores, coverage = matcher.score(query, allowed)
    return [
        int(i) for i in np.argsort(-scores, kind="stable")[: limit * 2] if scores[i] > 0 and coverage[i] >= MIN_COVERAGE
    ]


def _shortlisted(matcher: Matcher, query, allowed: np.ndarray, limit: int) -> list[int]:
    """The same ranking over a shortlist: the articles sharing one of the query's rarer words (in at most 10% of
    the articles), the SHORTLIST likeliest of them scored exactly. An article that shares only common words
    with the one being read is not related to it; the work per article no longer grows with the help center."""
    docs, rough = matcher.candidates(query, max(RARE_MIN_DF, int(matcher.size * RARE_SHARE)))
    keep = allowed[docs]
    docs, rough = docs[keep], rough[keep]
    if len(docs) > SHORTLIST:
        docs = np.sort(docs[np.argpartition(-rough, SHORTLIST - 1)[:SHORTLIST]])
    scores, coverage = matcher.score_some(query, docs)
    order = np.argsort(-scores, kind="stable")[: limit * 2]  # ties in position order, as when all are scored
    return [int(docs[i]) for i in order if scores[i] > 0 and coverage[i] >= MIN_COVERAGE]


def _by_meaning(articles: list[Article], sections: SectionIndex, limit: int) -> dict[str, list[str]]:
    """For each article, the same language's articles whose sections are closest to its title and summary."""
    found: dict[str, list[str]] = {}
    for lang in sorted({a.lang for a in articles}):
        group = [a for a in articles if a.lang == lang]
        tops = sections.top([f"{a.title} {a.summary}".strip() for a in group], limit=limit * 2 + 1, lang=lang)
        found.update({a.id: [other for other in top if other != a.id][: limit * 2] for a, top in zip(group, tops)})
    return found


def related_cached(
    articles: list[Article], matcher: Matcher, limit: int, folder: Path, sections: SectionIndex | None = None
) -> dict[str, list[Article]]:
    """`related()`, kept on disk under the index's content key: an unchanged help center does not recompute it."""
    by_id = {a.id: a for a in articles}
    model = sections.ranker.encoder.model_id if sections is not None else ""
    key = f"{matcher.stats.key}|{limit}|{sorted(matcher.synonyms.items())}|{model}"
    key = hashlib.sha1(key.encode()).hexdigest()[:16]
    cache = folder / f"related-{key}.json" if matcher.stats.key else None
    if cache is not None and cache.is_file():
        try:
            ids = json.loads(cache.read_text(encoding="utf-8"))
            return {aid: [by_id[o] for o in others if o in by_id] for aid, others in ids.items() if aid in by_id}
        except (OSError, ValueError):
            pass
    found = related(articles, matcher, limit, sections)
    if cache is not None:
        for old in folder.glob("related-*.json"):
            old.unlink(missing_ok=True)
        cache.write_text(json.dumps({aid: [o.id for o in others] for aid, others in found.items()}), encoding="utf-8")
    return found


def related_html(article: Article, others: list[Article], base: str, overrides: Sequence[Path | str] = ()) -> str:
    """A plain list of links written into the page (template `kb/related.html`), so it works without JavaScript."""
    if not others:
        return ""
    heading = _HEADING.get(article.lang, _HEADING["en"])
    return render_template("related.html", overrides, heading=heading, others=others, base=base)


class RelatedMemory:
    """The live preview's related articles, kept between its rebuilds so that an edit recomputes only the lists it
    can change: the edited, added and removed articles' own, those that list one of them, and those of every
    article whose title and summary read a term (a word, a synonym or a word pair) that an edited, added or removed
    article has or had. Above EXACT_UP_TO articles, where only articles sharing a rarer word (rare in the text or
    among the titles) are compared, only such rarer terms count: a common one can change an edited article's score for a list it cannot enter, and
    its frequency, which is what an edit changes for the other articles.

    Not followed: above EXACT_UP_TO articles, how an edit moves the help center's totals (its article count and
    average field lengths) and the frequency of the words in more than RARE_SHARE of the articles; at or below it,
    an added or removed article recomputes every list, and only the average field lengths an edit moves are not
    followed. Both scale the
    other articles' scores by parts in ten thousand at 10,000 articles (two articles scored that close could
    swap places); a full build computes every list from scratch. A change of settings (the limit, the synonyms,
    the shortlist's thresholds) recomputes everything."""

    def __init__(self) -> None:
        self.settings: tuple | None = None
        self.matcher: Matcher | None = None  # the last call's
        self.articles: dict[str, Article] = {}
        self.found: dict[str, list[str]] = {}
        self.words: dict[str, frozenset[str] | None] = {}  # article id -> its query's terms; None: ask every time
        self.users: dict[str, set[str]] = {}  # term -> the articles whose query has it
        self.recomputed = 0  # how many lists the last call computed

    @staticmethod
    def _settings(matcher: Matcher, limit: int) -> tuple:
        large = matcher.size > EXACT_UP_TO
        return limit, tuple(sorted(matcher.synonyms.items())), large, max(RARE_MIN_DF, int(matcher.size * RARE_SHARE))

    def knows(self, matcher: Matcher, limit: int) -> bool:
        """Whether the lists kept can be updated for `matcher` (else `adopt` a full computation first)."""
        return self.matcher is not None and self.settings == self._settings(matcher, limit)

    def adopt(
        self, articles: list[Article], matcher: Matcher, limit: int, found: dict[str, list[Article]]
    ) -> dict[str, list[Article]]:
        """Keep `found`, every article's related articles computed in full for `matcher`."""
        self.__init__()
        for article in articles:
            self._keep(article, matcher, [o.id for o in found.get(article.id, [])])
        self.settings, self.matcher, self.articles = (
            self._settings(matcher, limit),
            matcher,
            {a.id: a for a in articles},
        )
        return found

    def related(self, articles: list[Article], matcher: Matcher, limit: int) -> dict[str, list[Article]]:
        """Every article's related articles, recomputing only those an edit since the last call can change."""
        by_id = {a.id: a for a in articles}
        if not self.knows(matcher, limit):
            redo = set(by_id)
            self.__init__()
        elif matcher.size <= EXACT_UP_TO and by_id.keys() != self.articles.keys():
            # An added or removed article moves every word's frequency, so any two close scores may swap: in a
            # help center small enough to score every article, every list is computed again, as a full build does.
            redo = set(by_id)
        else:
            changed = {i for i in by_id.keys() | self.articles.keys() if self.articles.get(i) != by_id.get(i)}
            before, after = _terms_of(self.matcher.stats, changed), _terms_of(matcher.stats, changed)
            touched = set().union(*before.values(), *after.values())  # the edited articles' scores changed
            if matcher.size > EXACT_UP_TO:  # they are compared only with articles sharing a rarer word
                rare, pairs = self.settings[-1], _pair_terms(self.matcher.stats, matcher.stats, changed)
                touched = {
                    t
                    for t in touched - pairs
                    if min(self.matcher.df(t), matcher.df(t)) <= rare
                    or min(self.matcher.title_df(t), matcher.title_df(t)) <= rare
                }
            for article_id in changed:  # the words an article gained or lost: their frequency changed
                if article_id in before and article_id in after or matcher.size <= EXACT_UP_TO:
                    touched |= before.get(article_id, set()) ^ after.get(article_id, set())
            redo = {i for i in changed if i in by_id}
            redo |= {i for i, words in self.words.items() if words is None}
            for term in touched:
                redo |= self.users.get(term, set())
            redo |= {i for i, others in self.found.items() if not changed.isdisjoint(others)}
            redo &= by_id.keys()
        for gone in self.articles.keys() - by_id.keys():
            self._forget(gone)
        positions = {article_id: i for i, article_id in enumerate(matcher.stats.ids)}
        self.recomputed = len(redo)
        for article_id in sorted(redo):
            article = by_id[article_id]
            self._forget(article_id)
            self._keep(article, matcher, _related_ids(article, matcher, positions, limit, {}, by_id))
        self.settings, self.matcher, self.articles = self._settings(matcher, limit), matcher, by_id
        return {i: [by_id[o] for o in self.found[i] if o in by_id] for i in by_id}

    def _keep(self, article: Article, matcher: Matcher, found: list[str]) -> None:
        self.found[article.id] = found
        words = _query_terms(matcher, article)
        self.words[article.id] = words
        for term in words or ():
            self.users.setdefault(term, set()).add(article.id)

    def _forget(self, article_id: str) -> None:
        for term in self.words.pop(article_id, None) or ():
            users = self.users.get(term)
            if users is not None:
                users.discard(article_id)
        self.found.pop(article_id, None)


def _query_terms(matcher: Matcher, article: Article) -> frozenset[str] | None:
    """Every term scoring the article's title and summary reads: its words, their synonyms and its word pairs.
    None when a word is known to no article: the words it is then read as depend on the whole vocabulary."""
    query = matcher.query(f"{article.title} {article.summary}")
    terms = set(query.pairs)
    for concept in query.concepts:
        if not any(matcher.knows(t) for t in concept.terms):
            return None
        terms.update(concept.terms)
    return frozenset(terms)


def _terms_of(stats: TermStats, ids: set[str]) -> dict[str, set[str]]:
    """{article id: its terms (of every field, word pairs included)} for the articles `ids` in `stats`."""
    found: dict[str, set[str]] = {}
    for position, article_id in enumerate(stats.ids):
        if article_id not in ids:
            continue
        terms = found[article_id] = set()
        for postings in stats.fields.values():
            start, end = np.searchsorted(postings.docs, [position, position + 1])
            terms.update(stats.vocabulary[t] for t in postings.terms[start:end])
    return found


def _pair_terms(old: TermStats, new: TermStats, ids: set[str]) -> set[str]:
    """The word pairs of the articles `ids` in either statistics."""
    found: set[str] = set()
    for stats in (old, new):
        pairs = stats.fields[PAIR_FIELD]
        for position, article_id in enumerate(stats.ids):
            if article_id in ids:
                start, end = np.searchsorted(pairs.docs, [position, position + 1])
                found.update(stats.vocabulary[t] for t in pairs.terms[start:end])
    return found
