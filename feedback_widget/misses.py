"""A search on the site that found nothing: the request body declared as data, like a vote's."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .votes import VoteField, VoteRefused, check_body

LANGS = ("en", "zh")
QUERY_MAX_CHARS = 200
_SPACE = re.compile(r"\s+")

MISS_FIELDS: tuple[VoteField, ...] = (
    VoteField(
        "query", str, required=True, max_chars=QUERY_MAX_CHARS, meaning="what the reader typed into the search box"
    ),
    VoteField("lang", str, choices=LANGS, meaning="the language of the page the reader searched from"),
)


@dataclass(frozen=True)
class SearchMiss:
    query: str  # normalised: case folded, spaces collapsed, so the same search counts as one
    lang: str = "en"


def parse_miss(body: bytes) -> SearchMiss:
    """The missed search in a JSON body, or `VoteRefused` (400 unreadable, 422 readable but wrong)."""
    values = check_body(body, MISS_FIELDS, '{"query": "...", "lang": "en"}')
    query = _SPACE.sub(" ", values["query"]).strip().casefold()
    if not query:
        raise VoteRefused(422, "query: must not be empty")
    return SearchMiss(query, values["lang"] or "en")
