"""What readers said, for people and for other reports: per-article helpfulness, comments, missed searches."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from .migrate import SchemaTooNew
from .sqlite_store import SqliteStore, StoreError
from .summary import ArticleFeedback, Comment, FeedbackSummary, FeedbackWindow, MissedSearch

T = TypeVar("T")


class FeedbackUnreadable(Exception):
    """The feedback database is there but cannot be read: not SQLite, damaged, or from a newer kb."""


def read_summary(db: Path, comments: int = 3) -> dict[str, ArticleFeedback]:
    """Per-article counts and latest comments by article id; empty when there is no database yet."""
    if not Path(db).is_file():
        return {}
    return _reading(Path(db), lambda store: {a.article: a for a in store.summary(comments)})


def read_feedback(db: Path | None, comments: int = 20, days: int = 90, misses: int = 20) -> FeedbackSummary | None:
    """Everything a report shows of readers, or None when there is no database yet."""
    if db is None or not Path(db).is_file():
        return None
    articles, found = _reading(
        Path(db), lambda store: (tuple(store.summary(comments=5)), tuple(store.missed_searches(days, misses)))
    )
    latest = sorted((c for a in articles for c in a.latest_comments), key=lambda c: -c.vote_id)[:comments]
    return FeedbackSummary(articles, tuple(latest), found)


def read_window(db: Path | None, start: dt.date, end: dt.date, comments: int = 10, misses: int = 10) -> FeedbackWindow:
    """The votes, reasons, comments and missed searches from `start` to `end` (both included); an empty window
    without a database."""
    if db is None or not Path(db).is_file():
        return FeedbackWindow(start, end)
    counts: dict[str, list[int]] = {}
    reasons: Counter[str] = Counter()
    said: list[Comment] = []

    def read(store: SqliteStore) -> tuple[MissedSearch, ...]:
        for vote in store.export():
            if not start <= vote.day <= end:
                continue
            counts.setdefault(vote.article, [0, 0])[0 if vote.helpful else 1] += 1
            if not vote.helpful and vote.reason:
                reasons[vote.reason] += 1
            if vote.comment:
                said.append(Comment(vote.id, vote.article, vote.day, vote.reason, vote.comment))
        return tuple(store.missed_searches((end - start).days, misses, until=end))

    found = _reading(Path(db), read)  # a damaged database is FeedbackUnreadable, as for every other reader
    articles = tuple(ArticleFeedback(article, h, n) for article, (h, n) in sorted(counts.items()))
    return FeedbackWindow(
        start,
        end,
        sum(a.helpful for a in articles),
        sum(a.not_helpful for a in articles),
        tuple(sorted(reasons.items(), key=lambda item: (-item[1], item[0]))),
        articles,
        tuple(sorted(said, key=lambda c: -c.vote_id)[:comments]),
        found,
    )


def missed_searches(db: Path | None, days: int = 90, limit: int = 20) -> list[MissedSearch]:
    """The most frequent searches that found nothing in the last `days` days; [] without a database."""
    if db is None or not Path(db).is_file():
        return []
    return _reading(Path(db), lambda store: store.missed_searches(days, limit))


def _reading(db: Path, read: Callable[[SqliteStore], T]) -> T:
    """`read` on the store opened read-only (it works while the endpoint runs), or FeedbackUnreadable saying why."""
    try:
        store = SqliteStore(db, writes=False)
        try:
            return read(store)
        finally:
            store.close()
    except SchemaTooNew as exc:
        raise FeedbackUnreadable(f"{db}: {exc}") from None
    except (StoreError, sqlite3.Error) as exc:
        reason = str(exc).removeprefix(f"{db}: ")
        raise FeedbackUnreadable(
            f"{db}: cannot read the feedback database ({reason}); restore it from a backup, or move it aside "
            "and the endpoint starts a new one"
        ) from None


def stats_table(articles: Iterable[ArticleFeedback]) -> str:
    """A plain-text table, least helpful first: those are the articles to rework."""
    rows = sorted(articles, key=lambda a: (a.rate if a.rate is not None else 1.0, -a.votes, a.article))
    if not rows:
        return "no votes yet"
    width = max(len("article"), *(len(a.article) for a in rows))
    lines = [f"{'article':<{width}}  {'helpful':>7}  {'not helpful':>11}  {'rate':>5}"]
    lines += [f"{a.article:<{width}}  {a.helpful:>7}  {a.not_helpful:>11}  {_percent(a.rate):>5}" for a in rows]
    helpful, not_helpful = sum(a.helpful for a in rows), sum(a.not_helpful for a in rows)
    total = helpful + not_helpful
    lines.append(f"{len(rows)} articles, {total} votes, {_percent(helpful / total if total else None)} helpful")
    return "\n".join(lines)


def _percent(rate: float | None) -> str:
    return "-" if rate is None else f"{rate:.0%}"
