"""What readers said, for people and for other reports: per-article helpfulness and the latest comments."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from .sqlite_store import SqliteStore
from .store import ArticleFeedback


def read_summary(db: Path, comments: int = 3) -> dict[str, ArticleFeedback]:
    """Per-article {helpful, not_helpful, rate, latest_comments} by article id; empty when there is no database yet.

    Comments are the readers' own text: escape them wherever they are shown as HTML.
    """
    if not Path(db).is_file():
        return {}
    store = SqliteStore(Path(db), writes=False)  # works while the endpoint runs
    try:
        return {a.article: a for a in store.summary(comments)}
    finally:
        store.close()


def for_coverage_report(db: Path | None, latest: int = 20) -> dict | None:
    """Votes in the shape the coverage engine takes (kb.engine.with_feedback), or None without a database.

    {"articles": {id: (helpful, not_helpful)}, "comments": [{"created", "article", "reason", "comment"}, newest first]}
    """
    if db is None or not Path(db).is_file():
        return None
    summary = read_summary(db, comments=5)
    comments = sorted(
        ({"id": c.vote_id, "created": c.day.isoformat(), "article": a.article, "reason": c.reason, "comment": c.text} for a in summary.values() for c in a.latest_comments),
        key=lambda c: -c["id"],
    )[:latest]
    return {"articles": {a.article: (a.helpful, a.not_helpful) for a in summary.values()}, "comments": comments}


def missed_searches(db: Path | None, days: int = 90, limit: int = 20) -> list[tuple[str, int]]:
    """The most frequent searches that found nothing in the last `days` days: (query, count); [] without a database."""
    if db is None or not Path(db).is_file():
        return []
    store = SqliteStore(Path(db), writes=False)
    try:
        return [(query, count) for query, _, count in store.missed_searches(days, limit)]
    finally:
        store.close()


def missed_searches_by_lang(db: Path, days: int = 90, limit: int = 200) -> dict[str, list[tuple[str, int]]]:
    """Missed searches of the last `days` days by language: {lang: [(query, count), most frequent first]}."""
    store = SqliteStore(Path(db), writes=False)
    try:
        found: dict[str, list[tuple[str, int]]] = {}
        for query, lang, count in store.missed_searches(days, limit):
            found.setdefault(lang, []).append((query, count))
        return found
    finally:
        store.close()


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
