"""The domain model: plain frozen objects that everything downstream of loading works on."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

# The languages a help center's articles and questions may be in. The feedback endpoint accepts the same ones
# (feedback_widget declares its own copy, since it imports nothing from kb; a test keeps the two equal).
LANGUAGES = ("en", "zh")


# Between the sections and the page in a title read from a site's navigation ("Databases › Backups").
NAV_TRAIL = " › "


@dataclass(frozen=True)
class Section:
    """A group of articles inside a category (kb.yml's `sections:` under a category)."""

    id: str
    titles: dict[str, str] = field(default_factory=dict, hash=False, compare=False)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.id


@dataclass(frozen=True)
class Category:
    id: str
    titles: dict[str, str] = field(default_factory=dict, hash=False, compare=False)
    sections: tuple[Section, ...] = field(default=(), hash=False, compare=False)

    def title(self, lang: str) -> str:
        return self.titles.get(lang) or self.titles.get("en") or self.id

    def section(self, section_id: str) -> Section | None:
        return next((s for s in self.sections if s.id == section_id), None)


@dataclass(frozen=True)
class Article:
    id: str
    path: str  # relative to the articles folder, with forward slashes
    title: str
    lang: str
    body: str = ""
    summary: str = ""
    category: str = ""
    section: str = ""  # one of its category's sections in kb.yml, or empty
    covers: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    reviewed: dt.date | None = None
    owner: str = ""
    headings: tuple[str, ...] = ()
    translation_of: str = ""  # the id of the article (in another language) this one translates
    line_of: dict[str, int] = field(default_factory=dict, hash=False, compare=False, repr=False)
    draft: bool = False  # checked and previewed, never published or counted

    @property
    def url(self) -> str:
        """The page's address relative to the site root, as MkDocs builds it (directory URLs)."""
        stem = self.path[:-3] if self.path.endswith(".md") else self.path
        if stem == "index" or stem.endswith("/index"):
            stem = stem[: -len("index")]
            return stem
        return stem + "/"


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    lang: str
    category: str = ""
    volume: int = 0  # tickets in the latest period: what the report ranks by
    variants: tuple[str, ...] = ()
    line: int = 0
    not_answered_by: tuple[str, ...] = ()  # articles a person said do not answer it (kb coverage reject)
    kind: str = ""  # question (how-to or problem), bug or feature; empty: told from the wording
    type: str = ""  # the support team's own sorting (technical, product use, after-sales...)
    translation_of: str = ""  # the id of the same question in another language
    volumes: tuple[tuple[str, int], ...] = ()  # (period, tickets), oldest first; the period may be unnamed ("")
    searches: int = 0  # site searches that found nothing and asked it: a count of its own, never in `volume`
