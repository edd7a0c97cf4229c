"""The article and question schemas, declared once as data.

Validation, the README's front matter reference (`kb schema`) and error messages all derive from these tables,
so a field is added, renamed or documented in one place.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from enum import Enum
from typing import Any

from kb.content.periods import EXAMPLE as PERIOD_EXAMPLE
from kb.content.periods import is_period, ordered
from kb.model import LANGUAGES
from kb.problems import did_you_mean

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._/-]*$")


class Kind(str, Enum):
    TEXT = "text"
    ID = "id"
    IDS = "list of ids"
    STRINGS = "list of text"
    DATE = "date"
    LANG = "language"
    CATEGORY = "category"
    COUNT = "whole number"
    VOLUMES = "periods and whole numbers"
    FLAG = "true or false"


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    doc: str
    required: bool = False
    example: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """What the site declares: checks of `category` and `lang` values use it. None means anything goes."""

    categories: frozenset[str] | None = None
    languages: frozenset[str] | None = frozenset(LANGUAGES)


ARTICLE_FIELDS: tuple[Field, ...] = (
    Field("title", Kind.TEXT, "Title shown in navigation, search and the page heading.", True, "Reset your password"),
    Field(
        "summary",
        Kind.TEXT,
        "One sentence shown in search suggestions and listings.",
        example="Get a reset link by email.",
    ),
    Field(
        "category",
        Kind.CATEGORY,
        "One of the category ids declared in `kb.yml`; places the article in navigation.",
        True,
        "account",
    ),
    Field(
        "section",
        Kind.ID,
        "One of its category's sections declared in `kb.yml`; groups articles in navigation and listings. An"
        " article in a folder named after a section (`articles/<category>/<section>/`) is in it without this key.",
        example="sign-in",
    ),
    Field(
        "covers",
        Kind.IDS,
        "Ids of the common questions (questions.yml) this article answers.",
        example="[forgot-password]",
    ),
    Field("tags", Kind.STRINGS, "Free keywords for readers; not used for coverage.", example="[password, sign-in]"),
    Field("lang", Kind.LANG, "`en` or `zh`; defaults to the site's `default_lang`.", example="en"),
    Field(
        "reviewed",
        Kind.DATE,
        "Date of the last review, YYYY-MM-DD; older than `stale_after_days` is stale.",
        example="2026-09-14",
    ),
    Field("owner", Kind.TEXT, "Who keeps the article up to date.", example="mei.chen"),
    Field(
        "id",
        Kind.ID,
        "Stable id kept across renames (votes and links use it); defaults to the path without `.md`.",
        example="reset-password",
    ),
    Field(
        "translation_of",
        Kind.ID,
        "Id of the article in the other language that this one translates; links the two pages and tells when the"
        " translation is older than its source.",
        example="account/reset-your-password",
    ),
    Field(
        "draft",
        Kind.FLAG,
        "`true`: checked and shown in `kb serve`'s preview, but not published, searched or counted in coverage.",
        example="true",
    ),
)

QUESTION_FIELDS: tuple[Field, ...] = (
    Field("id", Kind.ID, "Stable id that articles list in `covers:`.", True, "forgot-password"),
    Field("question", Kind.TEXT, "The question as customers ask it.", True, "I forgot my password, what now?"),
    Field("category", Kind.CATEGORY, "One of the category ids declared in `kb.yml`.", example="account"),
    Field(
        "volume",
        Kind.COUNT,
        "Tickets about it in the file's `period:`; ranks the gaps when that is the latest period. Defaults to 0.",
        example="420",
    ),
    Field(
        "volumes",
        Kind.VOLUMES,
        "Tickets per period (`kb questions import --period`); the latest period in the file ranks the gaps.",
        example="{2026-Q3: 120, 2026-Q4: 90}",
    ),
    Field(
        "searches",
        Kind.COUNT,
        "Site searches that found nothing and asked it (`--missed-searches`); never added to the volume.",
        example="12",
    ),
    Field(
        "variants",
        Kind.STRINGS,
        "Other ways customers ask it; used for search matching.",
        example="[reset link expired]",
    ),
    Field("lang", Kind.LANG, "`en` or `zh`; defaults to the site's `default_lang`.", example="en"),
    Field(
        "kind",
        Kind.TEXT,
        "`question` (how-to or problem), `bug` or `feature`; told from the wording when left out. Bugs and "
        "feature requests with no article are listed for the product team, not as gaps.",
        example="feature",
    ),
    Field(
        "type", Kind.TEXT, "The support team's own sorting, shown as a breakdown in the report.", example="after-sales"
    ),
    Field(
        "not_answered_by",
        Kind.IDS,
        "Articles a support lead said do not answer it (`kb coverage reject`): never suggested again.",
        example="[payments/refund-policy]",
    ),
    Field(
        "translation_of",
        Kind.ID,
        "Id of the same question in another language; when only that one is answered, the coverage report lists"
        " the article to translate.",
        example="forgot-password",
    ),
)
QUESTION_KINDS = ("question", "bug", "feature")


def check_value(field: Field, value: Any, vocabulary: Vocabulary) -> tuple[Any, str, str]:
    """Convert and check one value. Returns (value, message, hint); message is empty when the value is good."""
    kind = field.kind
    if kind is Kind.TEXT:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if not isinstance(value, str) or not value.strip():
            return None, f"'{field.name}' must be non-empty text", f"e.g. {field.name}: {field.example}"
        return value.strip(), "", ""
    if kind is Kind.ID:
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            return (
                None,
                f"'{field.name}' must be an id of lowercase letters, digits and '-', got {value!r}",
                f"e.g. {field.name}: {field.example}",
            )
        return value, "", ""
    if kind in (Kind.IDS, Kind.STRINGS):
        if value is None:
            return (), "", ""
        if not isinstance(value, list):
            return None, f"'{field.name}' must be a list", f"write {field.name}: {field.example}"
        bad = [v for v in value if not isinstance(v, (str, int)) or isinstance(v, bool) or not str(v).strip()]
        if bad:
            return None, f"'{field.name}' must hold only text, got {bad[0]!r}", f"write {field.name}: {field.example}"
        return tuple(str(v).strip() for v in value), "", ""
    if kind is Kind.DATE:
        if isinstance(value, dt.datetime):
            return value.date(), "", ""
        if isinstance(value, dt.date):
            return value, "", ""
        try:
            return dt.date.fromisoformat(str(value)), "", ""
        except ValueError:
            return None, f"'{field.name}' is not a valid date: {value!r}", "write YYYY-MM-DD, e.g. 2026-09-14"
    if kind is Kind.LANG:
        if vocabulary.languages is None and isinstance(value, str) and value.strip():
            return value.strip(), "", ""
        if value not in (vocabulary.languages or ()):
            return (
                None,
                f"unknown language {value!r} in '{field.name}'",
                did_you_mean(str(value), vocabulary.languages or ()),
            )
        return value, "", ""
    if kind is Kind.CATEGORY:
        if not isinstance(value, str):
            return (
                None,
                f"'{field.name}' must be a category id, got {value!r}",
                did_you_mean("", vocabulary.categories or ()),
            )
        if vocabulary.categories is not None and value not in vocabulary.categories:
            return None, f"unknown category '{value}'", did_you_mean(value, vocabulary.categories)
        return value, "", ""
    if kind is Kind.COUNT:
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return (
                None,
                f"'{field.name}' must be a whole number of 0 or more, got {value!r}",
                f"e.g. {field.name}: {field.example}",
            )
        return value, "", ""
    if kind is Kind.FLAG:
        if not isinstance(value, bool):
            return None, f"'{field.name}' must be true or false, got {value!r}", f"e.g. {field.name}: {field.example}"
        return value, "", ""
    if kind is Kind.VOLUMES:
        if not isinstance(value, dict):
            return None, f"'{field.name}' must map periods to ticket counts", f"e.g. {field.name}: {field.example}"
        volumes = {}
        for period, count in value.items():
            period = str(period)
            if not is_period(period):
                return (
                    None,
                    f"'{field.name}': {period!r} is not a period",
                    f"write a year, quarter, half or month, e.g. {PERIOD_EXAMPLE}, 2026-H2, 2026-11",
                )
            if isinstance(count, bool) or not isinstance(count, int) or count < 0:
                return (
                    None,
                    f"'{field.name}': {period} must be a whole number of 0 or more, got {count!r}",
                    f"e.g. {field.name}: {field.example}",
                )
            volumes[period] = count
        return ordered(volumes), "", ""
    raise AssertionError(f"unhandled kind {kind}")


def reference_table(fields: tuple[Field, ...]) -> str:
    """The Markdown table that documents a schema (the README embeds the output of `kb schema`)."""
    rows = ["| key | type | required | meaning | example |", "| --- | --- | --- | --- | --- |"]
    for f in fields:
        rows.append(f"| `{f.name}` | {f.kind.value} | {'yes' if f.required else 'no'} | {f.doc} | `{f.example}` |")
    return "\n".join(rows)
