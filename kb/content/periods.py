"""Reporting periods of ticket volumes: `2026-Q4`, `2026-H2`, `2026-11` or `2026`, ordered by when they end."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

PERIOD = re.compile(r"^(\d{4})(?:-(?:Q([1-4])|H([12])|(0[1-9]|1[0-2])))?$")
EXAMPLE = "2026-Q4"
UNNAMED = ""  # the period of a plain `volume:` in a questions file that names none


def is_period(text: object) -> bool:
    return isinstance(text, str) and PERIOD.match(text) is not None


def period_key(period: str) -> tuple[int, int, int]:
    """(year, last month, span) so that periods sort by their end; an unnamed period comes before all."""
    match = PERIOD.match(period)
    if not match:
        return (0, 0, 0)
    year, quarter, half, month = match.groups()
    if quarter:
        return (int(year), 3 * int(quarter), 3)
    if half:
        return (int(year), 6 * int(half), 6)
    if month:
        return (int(year), int(month), 1)
    return (int(year), 12, 12)


def latest(periods: Iterable[str]) -> str:
    """The period that ends last (UNNAMED when there is none)."""
    return max(periods, key=period_key, default=UNNAMED)


def ordered(volumes: dict[str, int]) -> tuple[tuple[str, int], ...]:
    return tuple(sorted(volumes.items(), key=lambda item: period_key(item[0])))


def period_dates(period: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period."""
    year, last_month, span = period_key(period)
    if not year:
        raise ValueError(f"{period!r} is not a period")
    first_month = last_month - span + 1
    start = dt.date(year, first_month, 1)
    end = dt.date(year + last_month // 12, last_month % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def previous_period(period: str) -> str:
    """The period of the same length just before: 2026-Q1 -> 2025-Q4, 2026-11 -> 2026-10, 2026 -> 2025."""
    year, last_month, span = period_key(period)
    if not year:
        raise ValueError(f"{period!r} is not a period")
    month = last_month - span
    if month <= 0:
        year, month = year - 1, month + 12
    if span == 12:
        return str(year)
    if span == 6:
        return f"{year}-H{month // 6}"
    if span == 3:
        return f"{year}-Q{month // 3}"
    return f"{year}-{month:02d}"
