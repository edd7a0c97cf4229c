"""Related articles: for each article, the closest others in the same language, computed once at build time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from kb.matching.matcher import Matcher
from kb.matching.semantic import SectionIndex, reciprocal_rank_fusion
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
    large = matcher.size > EXACT_UP_TO
    result: dict[str, list[Article]] = {}
    for article in articles:
        allowed = matcher.allowed(article.lang).copy()
        own = positions.get(article.id)
        if own is not None:
            allowed[own] = False
        query = matcher.query(f"{article.title} {article.summary}")
        order = _shortlisted(matcher, query, allowed, limit) if large else _everyone(matcher, query, allowed, limit)
        found = [matcher.stats.ids[i] for i in order if matcher.stats.ids[i] in by_id]
        if article.id in meaning:
            found = [key for key, _ in reciprocal_rank_fusion([found, meaning[article.id]])]
        result[article.id] = [by_id[i] for i in found][:limit]
    return result


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
