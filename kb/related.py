"""Related articles: for each article, the closest others in the same language, computed once at build time."""

from __future__ import annotations

import html

import numpy as np

from .matcher import Matcher, build_query
from .model import Article

_HEADING = {"en": "Related articles", "zh": "相关文章"}
MIN_COVERAGE = 0.2  # below this an article shares only a word or two with the one being read


def related(articles: list[Article], matcher: Matcher, limit: int = 5) -> dict[str, list[Article]]:
    """article id -> up to `limit` related articles, best first; never the article itself."""
    by_id = {a.id: a for a in articles}
    positions = {article_id: i for i, article_id in enumerate(matcher.stats.ids)}
    result: dict[str, list[Article]] = {}
    for article in articles:
        allowed = matcher.allowed(article.lang).copy()
        own = positions.get(article.id)
        if own is not None:
            allowed[own] = False
        query = build_query(f"{article.title} {article.summary}")
        scores, coverage = matcher.score(query, allowed)
        order = [int(i) for i in np.argsort(-scores, kind="stable")[: limit * 2] if scores[i] > 0 and coverage[i] >= MIN_COVERAGE]
        result[article.id] = [by_id[matcher.stats.ids[i]] for i in order if matcher.stats.ids[i] in by_id][:limit]
    return result


def related_html(article: Article, others: list[Article], base: str) -> str:
    """A plain list of links written into the page, so it works without JavaScript."""
    if not others:
        return ""
    heading = _HEADING.get(article.lang, _HEADING["en"])
    items = "".join(f'<li><a href="{html.escape(base + other.url)}">{html.escape(other.title)}</a></li>' for other in others)
    return f'<nav class="kb-related" aria-label="{html.escape(heading)}"><h2>{html.escape(heading)}</h2><ul>{items}</ul></nav>'
