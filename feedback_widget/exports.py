"""Every vote as CSV or JSON, produced in chunks so an export of any size streams in little memory."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from itertools import islice

from .store import StoredVote

COLUMNS = ("id", "article", "helpful", "reason", "comment", "day", "created_at")
_CHUNK = 500
# A spreadsheet runs a cell starting with one of these as a formula; comments are the reader's free text.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def as_dict(vote: StoredVote) -> dict:
    return {
        "id": vote.id,
        "article": vote.article,
        "helpful": vote.helpful,
        "reason": vote.reason,
        "comment": vote.comment,
        "day": vote.day.isoformat(),
        "created_at": vote.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def csv_chunks(votes: Iterable[StoredVote]) -> Iterator[str]:
    """A header line, then the votes; text that a spreadsheet would run as a formula is prefixed with '."""
    yield _csv_lines([COLUMNS])
    for chunk in _chunks(votes):
        yield _csv_lines([_csv_row(vote) for vote in chunk])


def json_chunks(votes: Iterable[StoredVote]) -> Iterator[str]:
    """One JSON array of vote objects, in pieces."""
    yield "["
    separator = ""
    for chunk in _chunks(votes):
        yield separator + ",".join(json.dumps(as_dict(vote), ensure_ascii=False) for vote in chunk)
        separator = ","
    yield "]"


def _csv_row(vote: StoredVote) -> list:
    row = as_dict(vote)
    row["helpful"] = "yes" if vote.helpful else "no"
    return [defuse(row[column]) for column in COLUMNS]


def defuse(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a string it would run as a formula gets a leading '; None is empty."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return "" if value is None else value


def _csv_lines(rows: list) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


def _chunks(votes: Iterable[StoredVote]) -> Iterator[list[StoredVote]]:
    iterator = iter(votes)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk
