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
from kb.matching.semantic import SectionIndex, SemanticRanker, fuse

SNAPSHOT = "kb-search.npz"
MANIFEST = "kb-articles.json"
SECTIONS = "kb-sections.npz"  # section vectors, when the help center names an embedding model


@dataclass(frozen=True)
class Suggestion:
    id: str
    title: str
    url: str
    summary: str
    score: float


class Suggester:
    """The lexical ranking of the coverage engine, fused with the sections' meaning when there are `sections`."""

    def __init__(
        self,
        stats: TermStats,
        articles: dict[str, dict],
        synonyms: tuple[tuple[str, ...], ...] = (),
        sections: SectionIndex | None = None,
    ) -> None:
        self.matcher = Matcher(stats, synonyms=synonyms)
        self.articles = articles
        self.sections = sections

    @classmethod
    def from_site(cls, site: Path, ranker: SemanticRanker | None = None) -> Suggester:
        manifest = json.loads((site / MANIFEST).read_text(encoding="utf-8"))
        synonyms = tuple(tuple(group) for group in manifest.get("synonyms", ()))
        sections = None
        if ranker is not None and (site / SECTIONS).is_file():
            sections = SectionIndex.load(site / SECTIONS, ranker)
        return cls(load_stats(site / SNAPSHOT), {a["id"]: a for a in manifest["articles"]}, synonyms, sections)

    def suggest(self, text: str, lang: str | None = None, limit: int = 5) -> list[Suggestion]:
        text = text[:QUERY_MAX_CHARS]
        if not text.strip():
            return []
        allowed = self.matcher.allowed(lang) if lang else None
        depth = limit * 4 if self.sections is not None else limit
        ranked = self.matcher.rank(self.matcher.query(text), allowed, limit=depth)
        scores = {self.matcher.stats.ids[r.position]: r.score for r in ranked}
        order = list(scores)
        if self.sections is not None:
            meaning = self.sections.top([text], limit=depth, lang=lang)[0]
            order = fuse(order, meaning)
        found = []
        for article_id in order:
            article = self.articles.get(article_id)
            if article is not None:
                score = round(scores.get(article_id, 0.0), 3)
                found.append(
                    Suggestion(article["id"], article["title"], article["url"], article.get("summary", ""), score)
                )
        return found[:limit]


class SiteSuggester:
    """Suggestions from a built site's snapshot, loaded again whenever a rebuild replaces it: the callable the
    feedback endpoint is handed for `/api/suggest`."""

    def __init__(self, site: Path, ranker: SemanticRanker | None = None) -> None:
        self.site = site
        self.ranker = ranker  # embeds queries, when the site was built with section vectors of the same model
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
            self._suggester, self._stamp = Suggester.from_site(self.site, self.ranker), stamp
        return self._suggester


def write_snapshot(stats: TermStats, site: Path) -> None:
    save_stats(stats, site / SNAPSHOT)
