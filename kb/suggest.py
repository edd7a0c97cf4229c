"""Article suggestions for a few typed words (contact forms, search-as-you-type), from the index snapshot.

The build writes the index's term statistics and the article manifest into the site; `Suggester` loads them, so
the endpoint needs neither the articles nor Whoosh to answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .matcher import Matcher
from .search_index import TermStats, load_stats, save_stats

SNAPSHOT = "kb-search.npz"
MANIFEST = "kb-articles.json"
MAX_QUERY = 200


@dataclass(frozen=True)
class Suggestion:
    id: str
    title: str
    url: str
    summary: str
    score: float


class Suggester:
    def __init__(self, stats: TermStats, articles: dict[str, dict], synonyms: tuple[tuple[str, ...], ...] = ()) -> None:
        self.matcher = Matcher(stats, synonyms=synonyms)
        self.articles = articles

    @classmethod
    def from_site(cls, site: Path) -> "Suggester":
        manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
        synonyms = tuple(tuple(group) for group in manifest.get("synonyms", ()))
        return cls(load_stats(site / SNAPSHOT), {a["id"]: a for a in manifest["articles"]}, synonyms)

    def suggest(self, text: str, lang: str | None = None, limit: int = 5) -> list[Suggestion]:
        text = text[:MAX_QUERY]
        if not text.strip():
            return []
        allowed = self.matcher.allowed(lang) if lang else None
        ranked = self.matcher.rank(self.matcher.query(text), allowed, limit=limit)
        found = []
        for r in ranked:
            article = self.articles.get(self.matcher.stats.ids[r.position])
            if article is not None:
                found.append(Suggestion(article["id"], article["title"], article["url"], article.get("summary", ""), round(r.score, 3)))
        return found


def write_snapshot(stats: TermStats, site: Path) -> None:
    save_stats(stats, site / SNAPSHOT)
