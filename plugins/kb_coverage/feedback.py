"""Readers' votes and missed searches for the report, read from the feedback endpoint's database when there is one."""

from __future__ import annotations

from pathlib import Path

LATEST_COMMENTS = 20


def read_feedback(db: Path | None) -> dict | None:
    """{"articles": {id: (helpful, not_helpful)}, "comments": [newest first]} or None without a database."""
    if db is None or not db.is_file():
        return None
    from feedback_widget.reports import read_summary

    summary = read_summary(db, comments=5)
    comments = sorted(
        ({"created": c.day.isoformat(), "article": a.article, "reason": c.reason, "comment": c.text, "id": c.vote_id} for a in summary.values() for c in a.latest_comments),
        key=lambda c: -c["id"],
    )[:LATEST_COMMENTS]
    return {"articles": {a.article: (a.helpful, a.not_helpful) for a in summary.values()}, "comments": comments}


def read_missed_searches(db: Path | None) -> list[tuple[str, int]]:
    if db is None or not db.is_file():
        return []
    try:
        from feedback_widget.reports import missed_searches
    except ImportError:
        return []
    return missed_searches(db)
