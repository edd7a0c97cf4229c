"""What readers said, as the reports read it: one family of frozen records, declared once.

The endpoint's store returns these, and kb's coverage report and digest read them; nothing else crosses from the
votes to a report. Comments and missed searches are readers' own text: escape them wherever they are shown.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Comment:
    vote_id: int
    article: str
    day: dt.date
    reason: str | None
    text: str


@dataclass(frozen=True)
class ArticleFeedback:
    """How readers rated one article; `rate` is the share of votes that said it helped (0 to 1)."""

    article: str
    helpful: int
    not_helpful: int
    latest_comments: tuple[Comment, ...] = ()
    reasons: tuple[tuple[str, int], ...] = ()  # (reason code, "no" votes giving it), most given first

    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def rate(self) -> float | None:
        return self.helpful / self.votes if self.votes else None


@dataclass(frozen=True)
class MissedSearch:
    query: str
    lang: str
    count: int


@dataclass(frozen=True)
class FeedbackSummary:
    """Everything a report shows of readers: per-article counts, the latest comments, the missed searches."""

    articles: tuple[ArticleFeedback, ...] = ()
    comments: tuple[Comment, ...] = ()  # newest first
    missed_searches: tuple[MissedSearch, ...] = ()  # most frequent first


@dataclass(frozen=True)
class FeedbackWindow:
    """What readers said between two days (both included): the digest for people who never open the help center."""

    start: dt.date
    end: dt.date
    helpful: int = 0
    not_helpful: int = 0
    reasons: tuple[tuple[str, int], ...] = ()  # (reason code, votes), most given first
    articles: tuple[ArticleFeedback, ...] = ()  # votes per article in the window
    comments: tuple[Comment, ...] = ()  # newest first
    missed_searches: tuple[MissedSearch, ...] = ()  # most frequent first

    @property
    def votes(self) -> int:
        return self.helpful + self.not_helpful

    @property
    def rate(self) -> float | None:
        return self.helpful / self.votes if self.votes else None


def article_feedback(
    counts: Iterable[tuple[str, int, int]],
    comments: Iterable[Comment],
    reasons: Iterable[tuple[str, str, int]],
) -> list[ArticleFeedback]:
    """Per-article records from a store's three answers: (article, helpful, not helpful) rows in order, the latest
    comments, and (article, reason, votes) rows most given first; every store assembles its summary this way."""
    latest: dict[str, list[Comment]] = {}
    for comment in comments:
        latest.setdefault(comment.article, []).append(comment)
    given: dict[str, list[tuple[str, int]]] = {}
    for article, reason, n in reasons:
        given.setdefault(article, []).append((reason, n))
    return [
        ArticleFeedback(article, helpful, not_helpful, tuple(latest.get(article, ())), tuple(given.get(article, ())))
        for article, helpful, not_helpful in counts
    ]
