"""Related articles: for each article, the closest others in the same language, computed once at build time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.matching.index import PAIR_FIELD, TermStats
from kb.matching.matcher import Matcher, Query
from kb.matching.semantic import SectionIndex, fuse
from kb.model import Article
from kb.templates import render as render_template

_HEADING = {"en": "Related articles", "zh": "相关文章"}
MIN_COVERAGE = 0.2  # below this an article shares only a word or two with the one being read
# Up to this many articles every article is scored for every other; above it, a shortlist (see _shortlisted).
EXACT_UP_TO = 2000
RARE_SHARE, RARE_MIN_DF, SHORTLIST = 0.1, 40, 100
# The preview follows how an added or removed article moves a word's frequency up to this many articles; above it
# the word's weight moves by under a thousandth.
FOLLOWED_DF = 1000


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
    seen: dict | None = None,
) -> list[str]:
    """The ids of the article's related articles. `seen`, when given, gets what the list was worked out from:
    its query, and above EXACT_UP_TO articles its shortlist's bounds (`_shortlisted`)."""
    allowed = matcher.allowed(article.lang).copy()
    own = positions.get(article.id)
    if own is not None:
        allowed[own] = False
    query = matcher.query(f"{article.title} {article.summary}")
    if seen is not None:
        seen["query"] = query
    large = matcher.size > EXACT_UP_TO
    order = _shortlisted(matcher, query, allowed, limit, seen) if large else _everyone(matcher, query, allowed, limit)
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


def _shortlisted(matcher: Matcher, query, allowed: np.ndarray, limit: int, seen: dict | None = None) -> list[int]:
    """The same ranking over a shortlist: the articles sharing one of the query's rarer words (in at most 10% of
    the articles), the SHORTLIST likeliest of them scored exactly. An article that shares only common words
    with the one being read is not related to it; the work per article no longer grows with the help center.
    `seen`, when given, gets the bounds an article must reach to change the list: the rough score that entered
    the shortlist ("cut", 0 when every candidate did), the ids of the best-scored (up to twice `limit`, "top")
    and the lowest score among them ("bar", 0 when fewer were scored)."""
    docs, rough = matcher.candidates(query, max(RARE_MIN_DF, int(matcher.size * RARE_SHARE)))
    keep = allowed[docs]
    docs, rough = docs[keep], rough[keep]
    cut = 0.0
    if len(docs) > SHORTLIST:
        chosen = np.argpartition(-rough, SHORTLIST - 1)[:SHORTLIST]
        cut = float(rough[chosen].min())
        docs = np.sort(docs[chosen])
    scores, coverage = matcher.score_some(query, docs)
    order = np.argsort(-scores, kind="stable")[: limit * 2]  # ties in position order, as when all are scored
    if seen is not None:
        seen["cut"] = cut
        seen["top"] = frozenset(matcher.stats.ids[int(docs[i])] for i in order)
        seen["bar"] = float(scores[order[-1]]) if len(order) == limit * 2 else 0.0
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


@dataclass(frozen=True)
class _Bounds:
    """What a shortlisted list was worked out from: enough to tell whether an edited article can change it."""

    terms: tuple[tuple[str, float], ...]  # its query's words as scored (misspellings and compounds resolved), weighted
    pairs: tuple[str, ...]  # its query's word pairs
    cut: float  # the rough score that entered the shortlist; 0: every candidate did
    top: frozenset[str]  # the best-scored shortlisted articles (twice the limit: the list is taken from them)
    bar: float  # the lowest score among them; 0: fewer were scored


_MARGIN = 1e-4  # scores added up here in another order than NumPy's: bounds are compared with this much room


class RelatedMemory:
    """The live preview's related articles, kept between its rebuilds so that an edit recomputes only the lists it
    can change: the edited, added and removed articles' own, those that list one of them, and those of every
    article whose title and summary read a term (a word, a synonym or a word pair) that an edited, added or removed
    article has or had.

    Above EXACT_UP_TO articles, where a list is taken from a shortlist of the articles sharing a rarer word (rare in
    the text, or rare among the titles and in the shortlisted article's title), only such rarer terms count: a
    common one changes an edited article's score for a list it cannot enter, and its frequency, which is what an
    edit changes for the other articles. A word rare among titles but common in the text lets an article into
    shortlists through its own title only: for the lists reading such a word of an edited article's title, each
    list's bounds (`_Bounds`) tell whether the article entered or left its shortlist, or was or now scores among
    its best; only then is the list computed again. A word's frequency among titles is followed up to RARE_MIN_DF
    titles. What the shortlist counts for a title having such a word is the most its weight can be
    (`Matcher.title_weight_bound`), which depends on the word's frequencies only, not on any article's length.

    Not followed: above EXACT_UP_TO articles, how an edit moves the help center's totals (its article count and
    average field lengths), the frequency of the words in more than RARE_SHARE of the articles (an added or
    removed article's words: in more than FOLLOWED_DF articles) and, among the titles, of those in more than
    RARE_MIN_DF titles; at or below it, an added or removed article recomputes every
    list, and only the average field lengths an edit moves are not followed. These scale the other articles'
    scores by parts in ten thousand at 10,000 articles, a title's word weight by under half a percent (two
    articles scored that close could swap places); a full build computes every list from scratch. A change of
    settings (the limit, the synonyms, the shortlist's thresholds) recomputes everything."""

    def __init__(self) -> None:
        self.settings: tuple | None = None
        self.matcher: Matcher | None = None  # the last call's
        self.articles: dict[str, Article] = {}
        self.found: dict[str, list[str]] = {}
        self.words: dict[str, frozenset[str] | None] = {}  # article id -> its query's terms; None: ask every time
        self.users: dict[str, set[str]] = {}  # term -> the articles whose query has it
        self.bounds: dict[str, _Bounds] = {}  # above EXACT_UP_TO: article id -> its list's bounds, when known
        self.recomputed = 0  # how many lists the last call computed

    @staticmethod
    def _settings(matcher: Matcher, limit: int) -> tuple:
        large = matcher.size > EXACT_UP_TO
        return limit, tuple(sorted(matcher.synonyms.items())), large, max(RARE_MIN_DF, int(matcher.size * RARE_SHARE))

    def knows(self, matcher: Matcher, limit: int) -> bool:
        """Whether the lists kept can be updated for `matcher` (else the first call computes every list)."""
        return self.matcher is not None and self.settings == self._settings(matcher, limit)

    def adopt(
        self, articles: list[Article], matcher: Matcher, limit: int, found: dict[str, list[Article]]
    ) -> dict[str, list[Article]]:
        """Keep `found`, every article's related articles computed in full for `matcher`. Their bounds are not
        known: above EXACT_UP_TO articles, a list an edit might change through its title is computed again."""
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
        """Every article's related articles, recomputing only those an edit since the last call can change; the
        first call computes them all."""
        by_id = {a.id: a for a in articles}
        if not self.knows(matcher, limit):
            redo = set(by_id)
            self.__init__()
        elif matcher.size <= EXACT_UP_TO and by_id.keys() != self.articles.keys():
            # An added or removed article moves every word's frequency, so any two close scores may swap: in a
            # help center small enough to score every article, every list is computed again, as a full build does.
            redo = set(by_id)
        else:
            old = self.matcher
            changed = {i for i in by_id.keys() | self.articles.keys() if self.articles.get(i) != by_id.get(i)}
            before, after = _terms_of(old.stats, changed), _terms_of(matcher.stats, changed)
            touched = set().union(*before.values(), *after.values())  # the edited articles' scores changed
            titled: set[str] = set()
            if matcher.size > EXACT_UP_TO:  # they are compared only with articles sharing a rarer word
                sides = self._sides(changed, old, matcher, by_id)
                touched, titled = self._rarer(changed, touched, old, matcher, sides)
            for article_id in changed:  # the words an article gained or lost: their frequency changed
                if article_id in before and article_id in after or matcher.size <= EXACT_UP_TO:
                    touched |= before.get(article_id, set()) ^ after.get(article_id, set())
            redo = {i for i in changed if i in by_id}
            redo |= {i for i, words in self.words.items() if words is None}
            for term in touched:
                redo |= self.users.get(term, set())
            redo |= {i for i, others in self.found.items() if not changed.isdisjoint(others)}
            redo &= by_id.keys()
            if titled:
                redo |= self._entered(changed, titled, matcher, by_id, redo, sides)
        for gone in self.articles.keys() - by_id.keys():
            self._forget(gone)
        positions = {article_id: i for i, article_id in enumerate(matcher.stats.ids)}
        self.recomputed = len(redo)
        for article_id in sorted(redo):
            article = by_id[article_id]
            self._forget(article_id)
            seen: dict = {}
            found = _related_ids(article, matcher, positions, limit, {}, by_id, seen)
            self._keep(article, matcher, found, seen)
        self.settings, self.matcher, self.articles = self._settings(matcher, limit), matcher, by_id
        return {i: [by_id[o] for o in self.found[i] if o in by_id] for i in by_id}

    def _sides(self, changed: set[str], old: Matcher, new: Matcher, by_id: dict[str, Article]) -> dict:
        """{(edited article id, whether after the edit): (its language, its word weights, its word pairs' weights,
        its title's words, the matcher)} for each edited article as it was and as it is (when it was, or is)."""
        sides = {}
        for matcher, kept in ((old, self.articles), (new, by_id)):
            positions = {article_id: i for i, article_id in enumerate(matcher.stats.ids) if article_id in changed}
            titles = _terms_of(matcher.stats, changed, ("title",))
            for article_id, position in positions.items():
                article = kept.get(article_id)
                if article is not None:
                    words, pairs = matcher.doc_weights(position)
                    sides[article_id, matcher is new] = (article.lang, words, pairs, titles[article_id], matcher)
        return sides

    def _rarer(
        self, changed: set[str], touched: set[str], old: Matcher, new: Matcher, sides: dict
    ) -> tuple[set[str], set[str]]:
        """Of the edited articles' terms, those every list reading them is computed again for (rarer in the text,
        or whose frequency among few titles moved), and the words of their titles rare among titles only, for which
        each list's bounds decide (`_entered`)."""
        rare = self.settings[-1]
        words = touched - _pair_terms(old.stats, new.stats, changed)
        # an added or removed article moves the frequency of every word it has: followed up to FOLLOWED_DF articles
        counted = any(((i, False) in sides) != ((i, True) in sides) for i in changed)
        most = max(rare, FOLLOWED_DF) if counted else rare
        followed = {t for t in words if min(old.df(t), new.df(t)) <= most}
        titled = set()
        for term in set().union(*(side[3] for side in sides.values())) - followed:
            was, now = old.title_df(term), new.title_df(term)
            if (was <= rare) != (now <= rare) or was != now and min(was, now) <= RARE_MIN_DF:
                followed.add(term)  # it starts or stops picking shortlists, or its weight in titles moved
            elif min(was, now) <= rare:
                titled.add(term)
        return followed, titled

    def _entered(
        self, changed: set[str], titled: set[str], new: Matcher, by_id: dict[str, Article], redo: set[str], sides: dict
    ) -> set[str]:
        """The lists reading one of the edited articles' title words `titled` that an edited article can change:
        it was or is now in the list's shortlist, and it entered or left it, or was or now scores among its best
        (`_Bounds`); and every such list whose bounds are not known."""
        readers = set().union(*(self.users.get(t, set()) for t in titled)) - redo
        readers &= by_id.keys()
        rare, again = self.settings[-1], set()
        for reader in readers:
            bounds = self.bounds.get(reader)
            if bounds is None:
                again.add(reader)
                continue
            lang = by_id[reader].lang
            for article_id in changed:
                was, now = sides.get((article_id, False)), sides.get((article_id, True))
                rough = [
                    _rough_score(bounds, side, rare) if side is not None and side[0] == lang else 0.0
                    for side in (was, now)
                ]
                low, high = bounds.cut * (1 - _MARGIN), bounds.cut * (1 + _MARGIN)
                if not any(r > 0 and r >= low for r in rough):
                    continue  # in its shortlist neither before nor after
                if rough[0] != rough[1] and not all(r > 0 and r > high for r in rough):
                    again.add(reader)  # it entered or left the shortlist: another article may have left or entered
                    break
                score = sum(w * now[1].get(t, 0.0) for t, w in bounds.terms) if now is not None else 0.0
                if now is not None:
                    score += new.params.pair_weight * sum(now[2].get(p, 0.0) for p in bounds.pairs)
                if article_id in bounds.top or score >= bounds.bar * (1 - _MARGIN):
                    again.add(reader)
                    break
        return again

    def _keep(self, article: Article, matcher: Matcher, found: list[str], seen: dict | None = None) -> None:
        self.found[article.id] = found
        query = (seen or {}).get("query") or matcher.query(f"{article.title} {article.summary}")
        words = _query_terms(matcher, query)
        if words is not None and seen is not None and "cut" in seen:
            resolved = [matcher.resolve(concept) for concept in query.concepts]
            terms = tuple(pair for c in resolved if c is not None for pair in zip(c.terms, c.weights))
            self.bounds[article.id] = _Bounds(terms, query.pairs, seen["cut"], seen["top"], seen["bar"])
            words = words | {t for t, _ in terms}
        self.words[article.id] = words
        for term in words or ():
            self.users.setdefault(term, set()).add(article.id)

    def _forget(self, article_id: str) -> None:
        for term in self.words.pop(article_id, None) or ():
            users = self.users.get(term)
            if users is not None:
                users.discard(article_id)
        self.found.pop(article_id, None)
        self.bounds.pop(article_id, None)


def _rough_score(bounds: _Bounds, side: tuple, rare: int) -> float:
    """An edited article's rough score for a list's query (`side`, see `RelatedMemory._sides`), as
    `Matcher.candidates` adds it up (`Matcher.shortlist_part`): its weight for each word rare in the text, and the
    word's weight bound for each word rare among titles only that its title has."""
    _, words, _, titles, matcher = side
    total = 0.0
    for term, weight in bounds.terms:
        part = matcher.shortlist_part(term, rare)
        if part is None:
            continue
        in_text, bound = part
        if in_text:
            total += weight * words.get(term, 0.0)
        elif term in titles:
            total += weight * bound
    return total


def _query_terms(matcher: Matcher, query: Query) -> frozenset[str] | None:
    """Every term scoring an article's title and summary (`query`) reads: its words, their synonyms and its word
    pairs. None when a word is known to no article: the words it is then read as depend on the whole vocabulary."""
    terms = set(query.pairs)
    for concept in query.concepts:
        if not any(matcher.knows(t) for t in concept.terms):
            return None
        terms.update(concept.terms)
    return frozenset(terms)


def _terms_of(stats: TermStats, ids: set[str], fields: tuple[str, ...] | None = None) -> dict[str, set[str]]:
    """{article id: its terms (of every field, word pairs included, or of `fields`)} for the articles `ids` in
    `stats`."""
    found: dict[str, set[str]] = {}
    for position, article_id in enumerate(stats.ids):
        if article_id not in ids:
            continue
        terms = found[article_id] = set()
        for name, postings in stats.fields.items():
            if fields is not None and name not in fields:
                continue
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
