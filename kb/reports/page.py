"""The coverage report page: the template `kb/coverage-report.html` with what it needs (kb.templates)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from feedback_widget.widget import reason_labels
from kb.coverage.model import FINDABLE_RANK, Figures, Report
from kb.reports.data import gate_basis
from kb.reports.next_steps import next_steps
from kb.templates import render as render_template

BAR_WIDTH = 360
LABEL_WIDTH = 210
ROW_HEIGHT = 26


@dataclass(frozen=True)
class Bar:
    title: str
    y: int
    share: float | None
    volume: int
    length: float
    colour: str


@dataclass(frozen=True)
class Chart:
    """Horizontal bars: the share of each category's ticket volume answered, with the gate as a line."""

    bars: tuple[Bar, ...]
    gate_x: float
    width: int = LABEL_WIDTH + BAR_WIDTH + 70
    label_width: int = LABEL_WIDTH
    bar_width: int = BAR_WIDTH

    @property
    def height(self) -> int:
        return ROW_HEIGHT * len(self.bars) + 30


def chart(by_category: dict[str, Figures], titles: dict[str, str], gate: float) -> Chart:
    bars = []
    for i, (name, f) in enumerate(by_category.items()):
        share = f.by_volume or 0.0
        colour = "#2e7d32" if share >= gate else "#c62828"
        bars.append(
            Bar(titles.get(name, name), 10 + i * ROW_HEIGHT, f.by_volume, f.volume, BAR_WIDTH * share / 100, colour)
        )
    return Chart(tuple(bars), LABEL_WIDTH + BAR_WIDTH * gate / 100)


@dataclass(frozen=True)
class Spark:
    """A small line of volumes across periods (inline SVG), with its figures in words for screen readers."""

    points: str
    label: str
    change: str
    width: int = 90
    height: int = 22


def sparkline(values: tuple[int, ...], periods: tuple[str, ...]) -> Spark | None:
    """None with fewer than two periods: there is no trend to draw."""
    if len(values) < 2:
        return None
    top = max(values) or 1
    step = (Spark.width - 4) / (len(values) - 1)
    points = " ".join(
        f"{2 + i * step:.1f},{Spark.height - 3 - (Spark.height - 6) * v / top:.1f}" for i, v in enumerate(values)
    )
    before, last = values[-2], values[-1]
    change = f"{100 * (last - before) / before:+.0f}%" if before else ("new" if last else "")
    return Spark(points, ", ".join(f"{p}: {v}" for p, v in zip(periods, values)), change)


def render(report: Report, titles: dict[str, str], base: str = "../", overrides: Sequence[Path | str] = ()) -> str:
    """The page body (HTML inside the page's Markdown). `base` leads from the page to the site root; `overrides`
    are theme folders that may hold the site's own `kb/coverage-report.html`."""
    return render_template(
        "coverage-report.html",
        overrides,
        report=report,
        titles=titles,
        base=base,
        chart=chart(report.by_category, titles, report.fail_under),
        gate_basis=gate_basis(report),
        findable_rank=FINDABLE_RANK,
        reasons=reason_labels("en"),
        trend=lambda values: sparkline(values, report.periods),
        steps=next_steps(report),
    )
