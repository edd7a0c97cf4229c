"""What the built site shows beyond the articles themselves: navigation, category listings, the article manifest.

Plain data in, plain data out: the MkDocs plugin only hands these to MkDocs.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from pathlib import Path

from markupsafe import Markup, escape

from kb.content.config import SiteConfig
from kb.model import Article
from kb.problems import without_controls
from kb.templates import render as render_template

HOME_MARKER = "<!-- kb:categories -->"
_LANG_HOME_TITLE = {"en": "Home", "zh": "首页"}
_LANG_SECTION = {"zh": "中文帮助"}
_REVIEWED_LABEL = {"en": "Last reviewed", "zh": "最近审核"}


def by_category(articles: Iterable[Article], config: SiteConfig, lang: str) -> list[tuple[str, list[Article]]]:
    """(category title, articles sorted by title) for each declared category that has articles in `lang`."""
    groups = []
    for category in config.categories:
        members = sorted(
            (a for a in articles if a.lang == lang and a.category == category.id), key=lambda a: a.title.casefold()
        )
        if members:
            groups.append((category.title(lang), members))
    return groups


def safe_title(title: str) -> Markup:
    """A title as HTML that shows it as text. MkDocs and Material write titles into pages unescaped (navigation,
    <title>, the header, <h1>), so `<img src=x onerror=...>` in front matter would run; as Markup it is escaped
    once, and templates that escape again (`| e`) leave it as it is."""
    return escape(without_controls(title))


def navigation(articles: list[Article], config: SiteConfig, landing_pages: set[str]) -> list:
    """An MkDocs `nav`: home, then one section per category; other languages in a section of their own. Titles
    are `safe_title`s."""
    nav: list = []
    for lang in _languages(articles, config):
        entries: list = []
        home = "index.md" if lang == config.default_lang else f"{lang}/index.md"
        if home in landing_pages:
            entries.append({_LANG_HOME_TITLE.get(lang, lang): home})
        entries += [
            {safe_title(title): [{safe_title(a.title): a.path} for a in members]}
            for title, members in by_category(articles, config, lang)
        ]
        if lang == config.default_lang:
            nav += entries
        elif entries:
            nav.append({_LANG_SECTION.get(lang, lang): entries})
    return nav


def _languages(articles: list[Article], config: SiteConfig) -> list[str]:
    langs = {a.lang for a in articles} | {config.default_lang}
    return [config.default_lang] + sorted(langs - {config.default_lang})


def category_listing(
    articles: list[Article], config: SiteConfig, lang: str, base: str, overrides: Sequence[Path | str] = ()
) -> str:
    """HTML (Material grid cards, template `kb/categories.html`) listing each category's articles in `lang`;
    `base` leads from the page to the site root."""
    return render_template("categories.html", overrides, groups=by_category(articles, config, lang), base=base)


def reviewed_html(article: Article) -> str:
    """A line at the foot of an article saying when it was last reviewed (escaped; empty when unknown)."""
    if article.reviewed is None:
        return ""
    label = _REVIEWED_LABEL.get(article.lang, _REVIEWED_LABEL["en"])
    day = article.reviewed.isoformat()
    return f'<p class="kb-reviewed">{html.escape(label)}: <time datetime="{day}">{day}</time></p>'
