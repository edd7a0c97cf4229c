"""Article suggestions for a few typed words (contact forms, search-as-you-type), from the index snapshot.

The build writes the index's term statistics and the article manifest into the site; `Suggester` loads them, so
the endpoint needs neither the articles nor Whoosh to answer.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path

from feedback_widget.misses import QUERY_MAX_CHARS
from kb.matching.index import TermStats, load_stats, save_stats
from kb.matching.matcher import Matcher

SNAPSHOT = "kb-search.npz"
MANIFEST = "kb-articles.json"


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
    def from_site(cls, site: Path) -> Suggester:
        manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
        synonyms = tuple(tuple(group) for group in manifest.get("synonyms", ()))
        return cls(load_stats(site / SNAPSHOT), {a["id"]: a for a in manifest["articles"]}, synonyms)

    def suggest(self, text: str, lang: str | None = None, limit: int = 5) -> list[Suggestion]:
        text = text[:QUERY_MAX_CHARS]
        if not text.strip():
            return []
        allowed = self.matcher.allowed(lang) if lang else None
        ranked = self.matcher.rank(self.matcher.query(text), allowed, limit=limit)
        found = []
        for r in ranked:
            article = self.articles.get(self.matcher.stats.ids[r.position])
            if article is not None:
                found.append(
                    Suggestion(
                        article["id"], article["title"], article["url"], article.get("summary", ""), round(r.score, 3)
                    )
                )
        return found


class SiteSuggester:
    """Suggestions from a built site's snapshot, loaded again whenever a rebuild replaces it: the callable the
    feedback endpoint is handed for `/api/suggest`."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self._suggester: Suggester | None = None
        self._stamp = 0

    def __call__(self, text: str, lang: str | None = None, limit: int = 5) -> list[dict]:
        suggester = self._current()
        if suggester is None:
            return []
        return [dataclasses.asdict(s) for s in suggester.suggest(text, lang, limit)]

    def _current(self) -> Suggester | None:
        try:
            stamp = (self.site / SNAPSHOT).stat().st_mtime_ns
        except OSError:
            return None
        if self._suggester is None or stamp != self._stamp:
            self._suggester, self._stamp = Suggester.from_site(self.site), stamp
        return self._suggester


def write_snapshot(stats: TermStats, site: Path) -> None:
    save_stats(stats, site / SNAPSHOT)
