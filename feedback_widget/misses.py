"""A search on the site that found nothing: the request body declared as data, like a vote's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .votes import VoteField, VoteRefused, _check, _decode

LANGS = ("en", "zh")
QUERY_MAX_CHARS = 200
_SPACE = re.compile(r"\s+")

MISS_FIELDS: tuple[VoteField, ...] = (
    VoteField("query", str, required=True, max_chars=QUERY_MAX_CHARS, meaning="what the reader typed into the search box"),
    VoteField("lang", str, choices=LANGS, meaning="the language of the page the reader searched from"),
)
_BY_NAME = {f.name: f for f in MISS_FIELDS}


@dataclass(frozen=True)
class SearchMiss:
    query: str  # normalised: case folded, spaces collapsed, so the same search counts as one
    lang: str = "en"


def parse_miss(body: bytes) -> SearchMiss:
    """The missed search in a JSON body, or `VoteRefused` (400 unreadable, 422 readable but wrong)."""
    data = _decode(body)
    if not isinstance(data, dict):
        raise VoteRefused(422, 'expected a JSON object such as {"query": "...", "lang": "en"}')
    unknown = sorted(set(data) - set(_BY_NAME))
    if unknown:
        raise VoteRefused(422, f"unknown field '{unknown[0]}' (expected: {', '.join(_BY_NAME)})")
    values = {f.name: _check(f, data.get(f.name)) for f in MISS_FIELDS}
    query = _SPACE.sub(" ", values["query"]).strip().casefold()
    if not query:
        raise VoteRefused(422, "query: must not be empty")
    return SearchMiss(query, values["lang"] or "en")
