"""Each language's search scope: Material's one search index split into one index per language.

A page searches the index of its own language, so a Chinese reader's search returns Chinese articles even for the
Latin words Chinese articles use too (App Store, PayPal, iOS). The default language's index
(`search/search_index.json`, the one Material loads) also holds the other languages' pages, but only their own
script: a query written in Chinese on an English page finds Chinese articles (the reader asked in Chinese), while
an English query never does. The reader asks for the other language's articles with the link each page's search
shows (`SEARCH_ELSEWHERE` in kb.site.languages), which opens that language's home with the query.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

INDEX = "search_index.json"
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_LATIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’._-]*")


def index_name(lang: str, default_lang: str) -> str:
    """The file name of a language's index in the site's search/ folder."""
    return INDEX if lang == default_lang else f"search_index.{lang}.json"


def scoped_indexes(
    index: dict, language_of: Callable[[str], str], languages: list[str], default_lang: str
) -> dict[str, dict]:
    """{file name: index} for each language. `language_of(location)` gives the language of a page address."""
    docs = index.get("docs", [])
    scoped = {}
    for lang in languages:
        mine = [d for d in docs if language_of(d.get("location", "")) == lang]
        if lang == default_lang:
            others = [_script_only(d) for d in docs if language_of(d.get("location", "")) != lang]
            mine += [d for d in others if d["title"].strip() or d["text"].strip()]
        scoped[index_name(lang, default_lang)] = {**index, "docs": mine}
    return scoped


def _script_only(doc: dict) -> dict:
    """A page of another (CJK) language with its Latin words taken out of the title, text and tags (HTML tags
    kept)."""
    doc = copy.copy(doc)
    for key in ("title", "text"):
        parts = _TAG_OR_TEXT.split(doc.get(key, ""))
        doc[key] = "".join(p if p.startswith("<") else _LATIN.sub(" ", p) for p in parts)
    if isinstance(doc.get("tags"), list):
        doc["tags"] = [t for t in (_LATIN.sub(" ", str(tag)).strip() for tag in doc["tags"]) if t]
    return doc


def location_path(location: str) -> str:
    """A search document's page address without its anchor."""
    return location.split("#", 1)[0]
