"""Where the landing pages kb generates go: in a site with sections, one per category and one per section, in each
language that has articles there, with further pages for long listings. The build writes them (`kb.site.navigation`);
`kb check` needs their places too, since an article at the same address would be replaced by one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from kb.content.config import SiteConfig
from kb.model import Article

LISTING_PAGE_SIZE = 50  # articles per landing page, as Zendesk's browse pages


@dataclass(frozen=True)
class LandingPlace:
    """What a generated landing page lists: a category's articles (section ""), or a section's; page 1 or
    further."""

    lang: str
    category: str
    section: str = ""
    page: int = 1


def listing_path(lang: str, config: SiteConfig, category: str, section: str = "", page: int = 1) -> str:
    """The source path of a generated landing page: a category's (`<category>/index.md`), a section's
    (`<category>/<section>/index.md`), its further pages (`.../page/2.md`); under the language's folder."""
    folder = "" if lang == config.default_lang else f"{lang}/"
    folder += f"{category}/" + (f"{section}/" if section else "")
    return folder + ("index.md" if page == 1 else f"page/{page}.md")


def page_url(path: str) -> str:
    """The address of the page MkDocs builds from `path` (directory URLs), relative to the site root."""
    stem = path[: -len(".md")] if path.endswith(".md") else path
    return stem[: -len("index")] if stem == "index" or stem.endswith("/index") else stem + "/"


def landing_places(
    articles: Iterable[Article], config: SiteConfig, page_size: int = LISTING_PAGE_SIZE
) -> dict[str, LandingPlace]:
    """Every landing page kb generates for `articles`, by source path (unless the site has its own file there, which
    is kept). In a site with sections, a category gets one when it has articles in the language, listing those in
    no section (all of them when it has no sections; at least one page); each section one when it has articles,
    listing them `page_size` to a page. A site without sections has none."""
    in_category: Counter[tuple[str, str]] = Counter()
    loose: Counter[tuple[str, str]] = Counter()
    in_section: Counter[tuple[str, str, str]] = Counter()
    sectioned = any(c.sections for c in config.categories)
    for article in articles:
        category = config.category(article.category)
        if category is None or not sectioned:
            continue
        in_category[article.lang, category.id] += 1
        if not article.section:
            loose[article.lang, category.id] += 1
        elif category.section(article.section) is not None:
            in_section[article.lang, category.id, article.section] += 1
    places: dict[str, LandingPlace] = {}
    for lang, category in in_category:
        for page in range(1, _pages(loose[lang, category], page_size) + 1):
            places[listing_path(lang, config, category, page=page)] = LandingPlace(lang, category, "", page)
    for (lang, category, section), count in in_section.items():
        for page in range(1, _pages(count, page_size) + 1):
            places[listing_path(lang, config, category, section, page)] = LandingPlace(lang, category, section, page)
    return places


def _pages(count: int, page_size: int) -> int:
    return max(1, -(-count // page_size))
