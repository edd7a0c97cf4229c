"""What the endpoint needs from a database, as an interface: SQLite today, another database later.

Writes come in batches (the group-commit writer hands over every vote waiting at once), so a store can make a
whole batch durable with one commit. Reads return plain frozen objects.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from .misses import SearchMiss
from .summary import ArticleFeedback, MissedSearch
from .votes import Vote


@dataclass(frozen=True)
class StoredVote:
    """A vote as kept: what the reader said, when, and nothing about who they are."""

    id: int
    article: str
    helpful: bool
    reason: str | None
    comment: str | None
    day: dt.date
    created_at: dt.datetime


def is_postgres_url(db: object) -> bool:
    """Whether `--db` names a PostgreSQL database (postgres_store.py) rather than a SQLite file."""
    return isinstance(db, str) and db.startswith(("postgresql://", "postgres://"))


@dataclass(frozen=True)
class Probe:
    """Not a reader's record: a small real write that /healthz sends through the writer to see that writes work."""


@dataclass(frozen=True)
class StoreStats:
    votes: int
    articles: int
    comments: int
    first_day: dt.date | None
    last_day: dt.date | None
    schema_version: int


class FeedbackStore(Protocol):
    def write(self, records: Sequence[Vote | SearchMiss | Probe]) -> list[int]:
        """Make a writer batch durable: each vote's id, 0 for each missed search and probe (a small real write that
        raises whatever a vote's write would meet now). Only the writer thread calls this."""

    def add_votes(self, votes: Sequence[Vote]) -> list[int]:
        """Make the votes durable in one transaction; their ids in order. Only the writer thread calls this."""

    def missed_searches(self, days: int = 90, limit: int = 20, until: dt.date | None = None) -> list[MissedSearch]:
        """Searches that found nothing in the `days` days up to `until` (default today), most frequent first."""

    def summary(self, comments: int = 3) -> list[ArticleFeedback]:
        """Per-article counts, with each article's latest `comments` comments."""

    def export(self) -> Iterator[StoredVote]:
        """Every vote, oldest first, read lazily so a large export needs little memory."""

    def stats(self) -> StoreStats: ...

    def close(self) -> None: ...
