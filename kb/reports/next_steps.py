"""What to do this week, from a coverage report: the first thing every report shows (page, terminal, Markdown)."""

from __future__ import annotations

from dataclasses import dataclass

from feedback_widget.widget import reason_labels
from kb.content.translations import OutOfDate
from kb.coverage.model import ArticleHealth, QuestionResult, Report
from kb.model import Article

TOP = 5


@dataclass(frozen=True)
class Gap:
    result: QuestionResult
    points: float  # points of answered ticket volume an article for it would add


@dataclass(frozen=True)
class Unhelpful:
    health: ArticleHealth
    reasons: tuple[tuple[str, int], ...]  # (reason in words, votes)


@dataclass(frozen=True)
class NextSteps:
    gaps: tuple[Gap, ...]
    to_review: tuple[QuestionResult, ...]  # likely covered: a covers: line to check and add
    unhelpful: tuple[Unhelpful, ...]
    stale: tuple[tuple[Article, int], ...]
    missed: tuple = ()  # the most frequent searches that found nothing
    translations: tuple[OutOfDate, ...] = ()  # translations older than their source
    audit: bool = False  # another folder's estimate: no covers: to write, so nothing to accept

    def __bool__(self) -> bool:
        return bool(self.gaps or self.to_review or self.unhelpful or self.stale or self.missed or self.translations)


def next_steps(report: Report, top: int = TOP) -> NextSteps:
    total = report.overall.volume
    gaps = tuple(Gap(r, 100 * r.question.volume / total if total else 0.0) for r in report.with_status("gap")[:top])
    words = reason_labels("en")
    unhelpful = tuple(
        Unhelpful(h, tuple((words.get(code, code), n) for code, n in h.votes.reasons[:2]))
        for h in report.unhelpful[:top]
    )
    stale = tuple(sorted(report.stale, key=lambda item: -item[1])[:top])
    missed = tuple(report.readers.missed_searches[:3]) if report.readers else ()
    likely = tuple(report.with_status("likely")[:top])
    return NextSteps(
        gaps, likely, unhelpful, stale, missed, tuple(report.outdated_translations[:top]), audit=bool(report.audit)
    )


def as_lines(steps: NextSteps) -> list[str]:
    """The next steps as plain sentences (the terminal and Markdown reports indent or list them)."""
    lines = []
    for g in steps.gaps:
        q = g.result.question
        lines.append(f"Write an article for '{q.question}' ({q.id}): {q.volume} tickets, +{g.points:.1f} points")
    for r in steps.to_review:
        best = r.candidates[0].article
        if steps.audit:
            lines.append(f"Check {best.path} answers '{r.question.question}' ({r.question.id})")
        else:
            lines.append(
                f"Check {best.path} answers {r.question.id}, then: kb coverage accept {r.question.id} {best.id}"
            )
    for u in steps.unhelpful:
        why = "; ".join(f"{label} ({n})" for label, n in u.reasons) or "no reason given"
        rate = f"{100 * u.health.votes.rate:.0f}%" if u.health.votes.rate is not None else "n/a"
        lines.append(
            f"Rework {u.health.article.path}: {rate} helpful of {u.health.votes.votes} votes; readers say: {why}"
        )
    for o in steps.translations:
        lines.append(
            f"Update the translation {o.translation.path} ({o.translated}): {o.source.path} changed on "
            f"{o.source_changed}, after it"
        )
    for article, days in steps.stale:
        owner = f" ({article.owner})" if article.owner else ""
        lines.append(f"Review {article.path}{owner}: last reviewed {days} days ago")
    for m in steps.missed:
        lines.append(f"Readers searched '{m.query}' {m.count} times and found nothing: an article, or a variant?")
    return lines
