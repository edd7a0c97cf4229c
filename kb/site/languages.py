"""One help center in several languages: which language a page is in, each language's home, where the language
switcher leads from a page, and each language's name, description and switcher label.

Plain data: the MkDocs plugin splits MkDocs' navigation and fills Material's `extra.alternate` with these.
"""

from __future__ import annotations

import html
from collections.abc import Mapping

from kb.content.config import SiteConfig
from kb.model import LANGUAGES, Article

# Each language's name in itself, as the switcher shows it, and the link that searches its articles from a page in
# another language (in the language of the articles it leads to).
LANGUAGE_NAMES = {"en": "English", "zh": "中文"}
SEARCH_ELSEWHERE = {"en": "Search English articles", "zh": "搜索中文文章"}
# Under a site search that found nothing: the way on (kb.yml search.contact_url and the endpoint's suggestions).
NO_RESULT = {
    "en": {
        "nothing": "No article matches these words.",
        "contact": "Contact support",
        "suggestions": "These may help:",
    },
    "zh": {"nothing": "没有找到匹配的文章。", "contact": "联系客服", "suggestions": "这些文章可能有帮助："},
}


def home_path(lang: str, config: SiteConfig) -> str:
    """The landing page of a language, relative to the articles folder."""
    return "index.md" if lang == config.default_lang else f"{lang}/index.md"


def home_url(lang: str, config: SiteConfig) -> str:
    """The address of a language's home, relative to the site root ("" is the root)."""
    return "" if lang == config.default_lang else f"{lang}/"


def page_language(path: str, articles_by_path: Mapping[str, Article], config: SiteConfig) -> str:
    """An article's language; for any other page (landing pages, the report), the language folder it is in."""
    article = articles_by_path.get(path)
    if article is not None:
        return article.lang
    first = path.split("/", 1)[0]
    return first if "/" in path and first in LANGUAGES else config.default_lang


def site_languages(articles: list[Article], config: SiteConfig) -> list[str]:
    """The default language first, then every other language that has articles."""
    langs = {a.lang for a in articles} - {config.default_lang}
    return [config.default_lang, *sorted(langs)]


def switcher_targets(
    path: str,
    url: str,
    articles_by_path: Mapping[str, Article],
    groups: Mapping[str, Mapping[str, Article]],
    languages: list[str],
    config: SiteConfig,
    landings: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, str]:
    """For each language, where the switcher leads from the page at `path` (address `url`, relative to the site
    root): the same article in that language when there is a translation, the page itself in its own language,
    else that language's home. From a category's or section's landing page, `landings` (its source path: {language:
    address}, `kb.site.navigation.landing_translations`) leads to the same landing page in a language that has it."""
    article = articles_by_path.get(path)
    same: Mapping[str, str] = {}  # language -> the address of the same page in it
    if article is not None:
        same = {lang: other.url for lang, other in groups.get(article.id, {}).items()}
    elif landings is not None:
        same = landings.get(path, {})
    own = page_language(path, articles_by_path, config)
    targets = {}
    for lang in languages:
        if lang in same:
            targets[lang] = same[lang]
        elif lang == own:
            targets[lang] = url
        else:
            targets[lang] = home_url(lang, config)
    return targets


_OUTDATED = {
    "zh": ("此译文可能不是最新：原文已于 {day} 更新。", "阅读原文"),
    "en": ("This translation may be out of date: the original changed on {day}.", "Read the original"),
}


def outdated_notice(translation: Article, source: Article, changed: str, base: str) -> str:
    """A notice at the top of a translation older than its source, in the translation's language (escaped)."""
    text, read = _OUTDATED.get(translation.lang, _OUTDATED["en"])
    return (
        f'<div class="admonition warning kb-outdated"><p>{html.escape(text.format(day=changed))} '
        f'<a href="{html.escape(base + source.url)}" hreflang="{source.lang}">{html.escape(read)}</a></p></div>'
    )


def alternate(targets: Mapping[str, str], configured: list | None) -> list[dict]:
    """Material's `extra.alternate` for one page: the site's own entries (name, lang) with their links pointing at
    the page's targets, or one entry per language when the site declares none."""
    entries = [dict(e) for e in configured or [] if isinstance(e, Mapping)] or [
        {"name": LANGUAGE_NAMES.get(lang, lang), "lang": lang, "link": ""} for lang in targets
    ]
    for entry in entries:
        if entry.get("lang") in targets:
            entry["link"] = targets[entry["lang"]] or "./"
    return entries
