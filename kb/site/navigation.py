"""What the built site shows beyond the articles themselves: navigation, category listings, the article manifest.

Plain data in, plain data out: the MkDocs plugin only hands these to MkDocs.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from markupsafe import Markup, escape

from kb.content.config import SiteConfig
from kb.content.landing import LISTING_PAGE_SIZE, LandingPlace, listing_path, page_url
from kb.model import Article
from kb.problems import without_controls
from kb.site.languages import home_path, site_languages
from kb.templates import render as render_template

HOME_MARKER = "<!-- kb:categories -->"
_LANG_HOME_TITLE = {"en": "Home", "zh": "首页"}
_LANG_SECTION = {"zh": "中文帮助"}
_REVIEWED_LABEL = {"en": "Last reviewed", "zh": "最近审核"}
_OVERVIEW = {"en": "Overview", "zh": "概览"}
_OVERVIEW_ALL = {"en": "All sections", "zh": "全部分区"}  # a category's or section's landing page in the navigation
# `one` links to a section of one article, `all` to a larger one.
_LISTING_LABELS = {
    "en": {"all": "All {count} articles", "one": "1 article", "pages": "Pages", "previous": "Previous", "next": "Next"},
    "zh": {"all": "全部 {count} 篇文章", "one": "1 篇文章", "pages": "页码", "previous": "上一页", "next": "下一页"},
}
_PREVIEW = 5  # a section's first articles on its category's landing page


def safe_title(title: str) -> Markup:
    """A title as HTML that shows it as text. MkDocs and Material write titles into pages unescaped (navigation,
    <title>, the header, <h1>), so `<img src=x onerror=...>` in front matter would run; as Markup it is escaped
    once, and templates that escape again (`| e`) leave it as it is."""
    return escape(without_controls(title))


def navigation(articles: list[Article], config: SiteConfig, landing_pages: set[str]) -> list:
    """An MkDocs `nav`: home, then one section per category; other languages in a section of their own. Titles
    are `safe_title`s.

    A category with sections (kb.yml) holds its landing page, then a section per section (its landing page, then
    its articles), then its articles in no section: with Material's `navigation.prune` a page's sidebar then holds
    the categories, its category's sections and its section's articles only. In such a site a category without
    sections holds its landing page, then its articles, so that it too opens on its landing page; in a site without
    sections a category holds its articles only."""
    nav: list = []
    sectioned = has_sections(config)
    for lang in site_languages(articles, config):
        label = _OVERVIEW.get(lang, _OVERVIEW["en"])  # a landing page's entry
        entries: list = []
        home = home_path(lang, config)
        if home in landing_pages:
            entries.append({_LANG_HOME_TITLE.get(lang, lang): home})
        for category in config.categories:
            members = _sorted(a for a in articles if a.lang == lang and a.category == category.id)
            if not members:
                continue
            title = safe_title(category.title(lang))
            if not category.sections:
                first = [{label: listing_path(lang, config, category.id)}] if sectioned else []
                entries.append({title: [*first, *({safe_title(a.title): a.path} for a in members)]})
                continue
            children: list = [{label: listing_path(lang, config, category.id)}]
            for section in category.sections:
                inside = [a for a in members if a.section == section.id]
                if inside:
                    landing = {label: listing_path(lang, config, category.id, section.id)}
                    section_title = safe_title(section.title(lang))
                    children.append({section_title: [landing, *({safe_title(a.title): a.path} for a in inside)]})
            children += [{safe_title(a.title): a.path} for a in members if not a.section]
            entries.append({title: children})
        if lang == config.default_lang:
            nav += entries
        elif entries:
            nav.append({_LANG_SECTION.get(lang, lang): entries})
    return nav


def listing_fields(article: Article) -> tuple:
    """What the navigation and the landing pages can show of an article: all of it but its text (body and
    headings)."""
    a = article
    return (
        a.id, a.path, a.title, a.lang, a.summary, a.category, a.section, a.covers, a.tags, a.reviewed, a.owner,
        a.translation_of, a.draft,
    )  # fmt: skip


def _sorted(articles: Iterable[Article]) -> list[Article]:
    return sorted(articles, key=lambda a: a.title.casefold())


def has_sections(config: SiteConfig) -> bool:
    return any(c.sections for c in config.categories)


@dataclass(frozen=True)
class Link:
    title: str
    url: str  # relative to the site root
    count: int = 0


@dataclass(frozen=True)
class Landing:
    """A generated category or section landing page: its source path, title and Markdown, and its place (which page
    of which listing, in which language)."""

    path: str
    title: str
    markdown: str
    place: LandingPlace

    @property
    def lang(self) -> str:
        return self.place.lang


def further_pages(landings: Iterable[Landing], config: SiteConfig) -> dict[str, str]:
    """{the source path of a listing's page 2 or later: the source path of its first page}. The further pages are
    not in the navigation; the sidebar shows them as it shows the first."""
    return {
        p.path: listing_path(p.lang, config, p.place.category, p.place.section) for p in landings if p.place.page > 1
    }


def landing_translations(landings: Iterable[Landing]) -> dict[str, dict[str, str]]:
    """{a landing page's source path: {each language that has the same listing: the address of the same page of it
    there, or of its first page when the listing runs to fewer pages in that language}}, addresses relative to the
    site root. The language switcher leads there."""
    listings: dict[tuple, dict[str, dict[int, str]]] = {}
    for p in landings:
        where = (p.place.category, p.place.section)
        listings.setdefault(where, {}).setdefault(p.lang, {})[p.place.page] = page_url(p.path)
    found = {}
    for p in landings:
        langs = listings[(p.place.category, p.place.section)]
        found[p.path] = {lang: pages.get(p.place.page, pages[1]) for lang, pages in langs.items() if 1 in pages}
    return found


def landing_pages(
    articles: list[Article],
    config: SiteConfig,
    overrides: Sequence[Path | str] = (),
    page_size: int = LISTING_PAGE_SIZE,
    kept: dict | None = None,
) -> list[Landing]:
    """The landing pages of every category in a site with sections, in every language: a category's lists its
    sections (each with its first few articles and a link to all) and its articles in no section, or all its
    articles when it has no sections; a section's lists its articles. A site without sections has none. Lists longer
    than `page_size` continue on further pages, linked by a pager. `kept` (the live preview's, between rebuilds;
    its templates unchanged): each listing's pages with what they show, so a listing whose articles show as they
    did is not written again."""
    pages: list[Landing] = []
    used: dict = {}

    def _paged(where: tuple, title: str, members: list[Article], groups: list, overrides, page_size: int) -> list:
        if kept is None:
            return _listing_pages(where, title, members, groups, overrides, page_size)
        place = (where[0], where[2], where[3])
        shown = (
            where[1].default_lang,
            title,
            tuple(map(listing_fields, members)),
            tuple((link, tuple(map(listing_fields, first))) for link, first in groups),
            tuple(map(str, overrides)),
            page_size,
        )
        was = kept.get(place)
        if was is None or was[0] != shown:
            was = (shown, _listing_pages(where, title, members, groups, overrides, page_size))
        used[place] = was
        return was[1]

    languages = site_languages(articles, config) if has_sections(config) else []
    for lang in languages:
        for category in config.categories:
            members = _sorted(a for a in articles if a.lang == lang and a.category == category.id)
            if not members:
                continue
            groups = []
            for section in category.sections:
                inside = [a for a in members if a.section == section.id]
                if not inside:
                    continue
                path = listing_path(lang, config, category.id, section.id)
                groups.append((Link(section.title(lang), page_url(path), len(inside)), inside[:_PREVIEW]))
                pages += _paged(
                    (lang, config, category.id, section.id),
                    section.title(lang),
                    inside,
                    [],
                    overrides,
                    page_size,
                )
            loose = [a for a in members if not a.section]
            pages += _paged(
                (lang, config, category.id, ""),
                category.title(lang),
                loose,
                groups,
                overrides,
                page_size,
            )
    if kept is not None:
        kept.clear()
        kept.update(used)
    return pages


def _listing_pages(
    where: tuple, title: str, members: list[Article], groups: list, overrides, page_size: int
) -> list[Landing]:
    """The landing page at `where` (language, config, category, section) and its further pages."""
    lang = where[0]

    def path_of(number: int) -> str:
        return listing_path(*where, page=number)

    count = max(1, -(-len(members) // page_size))
    urls = [page_url(path_of(n)) for n in range(1, count + 1)]
    pages = []
    for number in range(1, count + 1):
        path = path_of(number)
        base = "../" * page_url(path).count("/")
        html_text = render_template(
            "listing.html",
            overrides,
            groups=groups if number == 1 else [],
            articles=members[(number - 1) * page_size : number * page_size],
            pages=urls if count > 1 else [],
            current=number,
            base=base,
            labels=_LISTING_LABELS.get(lang, _LISTING_LABELS["en"]),
        )
        heading = title if number == 1 else f"{title} ({number}/{count})"
        markdown = f"{_front_matter(heading, lang)}# {_escape_md(heading)}\n\n{html_text}\n"
        pages.append(Landing(path, heading, markdown, LandingPlace(lang, where[2], where[3], number)))
    return pages


def _front_matter(title: str, lang: str) -> str:
    """A landing page's title and language, as an article declares them: the theme takes the page's language (its
    <html lang> and interface labels) and its <title> from them; the sidebar keeps the page's entry ("Overview")."""
    meta = yaml.safe_dump({"title": title, "lang": lang}, allow_unicode=True, sort_keys=False, width=10_000)
    return f"---\n{meta}---\n\n"


def _escape_md(text: str) -> str:
    return html.escape(text).replace("*", "\\*").replace("_", "\\_").replace("#", "\\#")


def category_listing(
    articles: list[Article], config: SiteConfig, lang: str, base: str, overrides: Sequence[Path | str] = ()
) -> str:
    """HTML (Material grid cards, template `kb/categories.html`) listing each category's articles in `lang`;
    `base` leads from the page to the site root."""
    groups = []
    for category in config.categories:  # a category with sections lists them, not its every article
        members = _sorted(a for a in articles if a.lang == lang and a.category == category.id)
        if members and category.sections:
            links = [
                Link(_OVERVIEW_ALL.get(lang, _OVERVIEW_ALL["en"]), page_url(listing_path(lang, config, category.id)))
            ]
            for section in category.sections:
                count = sum(1 for a in members if a.section == section.id)
                if count:
                    path = listing_path(lang, config, category.id, section.id)
                    links.append(Link(f"{section.title(lang)} ({count})", page_url(path), count))
            groups.append((category.title(lang), links))
        elif members:
            groups.append((category.title(lang), members))
    return render_template("categories.html", overrides, groups=groups, base=base)


def reviewed_html(article: Article) -> str:
    """A line at the foot of an article saying when it was last reviewed (escaped; empty when unknown)."""
    if article.reviewed is None:
        return ""
    label = _REVIEWED_LABEL.get(article.lang, _REVIEWED_LABEL["en"])
    day = article.reviewed.isoformat()
    return f'<p class="kb-reviewed">{html.escape(label)}: <time datetime="{day}">{day}</time></p>'
