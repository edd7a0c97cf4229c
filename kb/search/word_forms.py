"""English word forms for the site's browser search.

Material's search appends a wildcard to every query term ("passwords" becomes "passwords*"), which is prefix
matching: a singular query finds plural text, but "passwords", "refunds" or "resetting" find nothing in an article
that only says "password", "refund" and "reset", and Lunr's stemmer cannot help because it never sees a bare word.
So the build adds, for each article, the other forms of the words in its title, summary and headings, in a search
field of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.matching.analysis import ENGLISH_STOP_WORDS
from kb.model import Article

FIELD = "kb_forms"
FIELD_BOOST = 100.0  # below a title match (1,000), above a body match (1)
_WORD = re.compile(r"\b[a-z]{3,}\b(?!['’])")
_VOWELS = set("aeiou")


def forms(word: str) -> set[str]:
    """Plural / third person, -ing and -ed forms of a word, and the singular of an -ies or -s plural."""
    found = set()
    if word.endswith("ies") and len(word) > 4:
        return {word[:-3] + "y"}
    if word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > 3:
        return {word[:-1]}
    if word.endswith(("ing", "ed", "ly")):
        return found
    if word.endswith(("s", "x", "z", "ch", "sh")):
        found.add(word + "es")
    elif word.endswith("y") and word[-2] not in _VOWELS:
        found.add(word[:-1] + "ies")
    else:
        found.add(word + "s")
    if word.endswith("y"):
        return found  # verbs in -y (pay, apply) inflect irregularly enough to leave alone
    if word.endswith("e") and not word.endswith("ee"):
        stems = {word[:-1]}
    elif _ends_cvc(word):
        stems = {word, word + word[-1]}  # both: reset -> resetting, open -> opening
    else:
        stems = {word}
    found.update(stem + suffix for stem in stems for suffix in ("ing", "ed"))
    return found - {word}


def _ends_cvc(word: str) -> bool:
    return (
        len(word) >= 3 and word[-1] not in _VOWELS | {"w", "x", "y"} and word[-2] in _VOWELS and word[-3] not in _VOWELS
    )


def extra_terms(*texts: str) -> str:
    """The forms of every word in the texts that the texts do not already contain, space separated."""
    words = {w for text in texts for w in _WORD.findall(text.lower()) if w not in ENGLISH_STOP_WORDS}
    extra = set().union(*(forms(w) for w in words)) - words if words else set()
    return " ".join(sorted(extra))


def add_to_search_index(index: dict, articles: Iterable[Article]) -> dict:
    """Give each English article's page entry in Material's search_index.json a field with its word forms."""
    by_url = {a.url: a for a in articles if a.lang == "en"}
    for doc in index.get("docs", []):
        article = by_url.get(doc.get("location", ""))
        if article is not None:
            doc[FIELD] = extra_terms(article.title, article.summary, *article.headings)
    index.setdefault("config", {}).setdefault("fields", {})[FIELD] = {"boost": FIELD_BOOST}
    return index
