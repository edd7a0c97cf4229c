"""Reading readers' votes and missed searches for the report, when a feedback database is configured."""

from __future__ import annotations

from pathlib import Path


def read_feedback(db: Path | None) -> dict | None:
    if db is None or not db.is_file():
        return None
    from feedback_widget.report import feedback_for_report

    return feedback_for_report(db)


def read_missed_searches(db: Path | None) -> list[tuple[str, int]]:
    if db is None or not db.is_file():
        return []
    from feedback_widget.report import missed_searches

    return missed_searches(db)
