"""A reader's vote: the request body declared once, as data, and turned into a `Vote` or a clear refusal.

The declaration below drives validation and the error messages alike, so the API and its docs cannot drift apart.
"""

from __future__ import annotations

import json
import re
from collections.abc import Container
from dataclasses import dataclass, field
from typing import Any

REASONS = ("outdated", "unclear", "not_solved", "missing")
COMMENT_MAX_CHARS = 1000
# The widget sends 32 hex digits; other clients may use any short URL-safe id.
CLIENT_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # tab, newline and carriage return are fine
_TYPE_NAMES = {bool: "true or false", str: "a string"}


@dataclass(frozen=True)
class VoteField:
    name: str
    type: type
    required: bool = False
    choices: tuple[str, ...] = ()
    max_chars: int | None = None
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""
    meaning: str = ""


VOTE_FIELDS: tuple[VoteField, ...] = (
    VoteField("article", str, required=True, max_chars=200, meaning="the article's stable id, as in kb-articles.json"),
    VoteField("helpful", bool, required=True, meaning="true for 'Yes', false for 'No'"),
    VoteField("reason", str, choices=REASONS, meaning="why the article did not help (votes that say no only)"),
    VoteField("comment", str, max_chars=COMMENT_MAX_CHARS, meaning="the reader's own words, kept as plain text"),
    VoteField(
        "client",
        str,
        pattern=CLIENT_ID,
        pattern_hint="8 to 64 letters, digits, '-' or '_'",
        meaning="a random id the browser keeps, so repeated votes count once",
    ),
)


@dataclass(frozen=True)
class Vote:
    article: str
    helpful: bool
    reason: str | None = None
    comment: str | None = None
    # Who cast it, for counting a reader once per article and day: the browser's client id, else the IP address.
    # Held in memory only; the store keeps nothing of it but a day-salted hash, erased when the day is over.
    voter: str = field(default="", repr=False)


class VoteRefused(Exception):
    """A request the endpoint refuses, with the HTTP status (and headers) that say why."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def parse_vote(body: bytes, articles: Container[str], remote: str) -> Vote:
    """The vote in a JSON request body, or `VoteRefused` (400 unreadable, 422 readable but wrong).

    `remote` (the client's IP address) stands in for the reader when the body names no client id.
    """
    values = check_body(body, VOTE_FIELDS, '{"article": "...", "helpful": true}')
    if values["article"] not in articles:
        raise VoteRefused(422, f"article '{values['article']}' is not in this help center")
    if values["reason"] is not None and values["helpful"]:
        raise VoteRefused(422, "reason: only a vote that says no has a reason")
    client = values["client"]
    return Vote(
        values["article"],
        values["helpful"],
        values["reason"],
        values["comment"],
        f"client:{client}" if client else f"ip:{remote}",
    )


def check_body(body: bytes, fields: tuple[VoteField, ...], example: str) -> dict[str, Any]:
    """The JSON object in `body`, each declared field checked; unknown fields and other shapes refused."""
    data = _decode(body)
    if not isinstance(data, dict):
        raise VoteRefused(422, f"expected a JSON object such as {example}")
    names = [f.name for f in fields]
    unknown = sorted(set(data) - set(names))
    if unknown:
        raise VoteRefused(422, f"unknown field '{unknown[0]}' (expected: {', '.join(names)})")
    return {f.name: _check(f, data.get(f.name)) for f in fields}


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("a field appears twice")
    return result


_DECODER = json.JSONDecoder(object_pairs_hook=_no_duplicates)  # built once: json.loads would build one per call


def _decode(body: bytes) -> Any:
    try:
        return _DECODER.decode(body.decode("utf-8"))  # JSON between systems is UTF-8 (RFC 8259)
    # RecursionError: a few KB of nested brackets is enough to exhaust the parser's stack.
    except (ValueError, RecursionError) as exc:
        raise VoteRefused(400, f"the body is not valid JSON: {exc}") from None


def _check(spec: VoteField, value: Any) -> Any:
    if isinstance(value, str) and not spec.required:
        value = value.strip() or None  # an empty optional field is the same as leaving it out
    if value is None:
        if spec.required:
            raise VoteRefused(422, f"{spec.name}: required ({spec.meaning})")
        return None
    if type(value) is not spec.type:  # not isinstance: JSON true must not pass as a number, nor 1 as true
        raise VoteRefused(422, f"{spec.name}: expected {_TYPE_NAMES[spec.type]}, got {_json_type(value)}")
    if isinstance(value, str):
        _check_text(spec, value)
    if spec.choices and value not in spec.choices:
        raise VoteRefused(422, f"{spec.name}: expected one of {', '.join(spec.choices)}")
    if spec.max_chars is not None and len(value) > spec.max_chars:
        raise VoteRefused(422, f"{spec.name}: at most {spec.max_chars} characters")
    if spec.pattern is not None and not spec.pattern.fullmatch(value):
        raise VoteRefused(422, f"{spec.name}: expected {spec.pattern_hint}")
    if spec.required and value == "":
        raise VoteRefused(422, f"{spec.name}: must not be empty")
    return value


def _check_text(spec: VoteField, value: str) -> None:
    # JSON may carry lone surrogates ("\ud800") and control characters that no reader typed; both break storage
    # or display downstream, so they are refused here rather than cleaned up silently.
    if _CONTROL.search(value):
        raise VoteRefused(422, f"{spec.name}: contains control characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise VoteRefused(422, f"{spec.name}: is not valid Unicode text") from None


def _json_type(value: Any) -> str:
    names = {
        bool: "true/false",
        int: "a number",
        float: "a number",
        str: "a string",
        list: "an array",
        dict: "an object",
    }
    return names.get(type(value), type(value).__name__)
