"""The feedback digest for the product team (`kb feedback digest`): what readers said in a period, in words, as
Markdown or HTML to paste into an e-mail or a wiki. Readers' own text (comments, searches) is escaped in both."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from feedback_widget.summary import ArticleFeedback, FeedbackWindow
from feedback_widget.widget import reason_labels
from kb.content.kinds import question_kind
from kb.content.periods import is_period, period_dates, previous_period
from kb.model import Question
from kb.templates import render as render_template

_SINCE = re.compile(r"^(\d{1,4})([dw])$")
MIN_VOTES = 5  # an article needs this many votes in the window to be called unhelpful


@dataclass(frozen=True)
class Window:
    label: str  # "2026-Q4", "the last 30 days"
    start: dt.date
    end: dt.date
    previous_label: str
    previous_start: dt.date
    previous_end: dt.date


def window(period: str | None, since: str | None, today: dt.date) -> Window:
    """The digest's days from `--period 2026-Q4` or `--since 30d` / `8w`, and the window of the same length before."""
    if period is not None:
        if not is_period(period):
            raise ValueError(f"--period {period!r}: write a year, quarter, half or month, e.g. 2026-Q4")
        start, end = period_dates(period)
        before = previous_period(period)
        previous_start, previous_end = period_dates(before)
        return Window(period, start, end, before, previous_start, previous_end)
    match = _SINCE.match(since or "")
    if not match or int(match.group(1)) == 0:
        raise ValueError(f"--since {since!r}: write a number of days or weeks, e.g. 30d or 8w")
    days = int(match.group(1)) * (7 if match.group(2) == "w" else 1)
    start = today - dt.timedelta(days=days - 1)
    previous_end = start - dt.timedelta(days=1)
    return Window(
        f"the last {days} days",
        start,
        today,
        f"the {days} days before",
        previous_end - dt.timedelta(days=days - 1),
        previous_end,
    )


@dataclass(frozen=True)
class Digest:
    window: Window
    now: FeedbackWindow
    before: FeedbackWindow
    titles: dict[str, str]  # article id -> title
    requests: tuple[Question, ...] = ()  # questions of kind feature
    bugs: tuple[Question, ...] = ()  # questions of kind bug
    site_name: str = ""

    @property
    def change(self) -> float | None:
        """Points of helpful rate gained since the window before (None without votes in either)."""
        if self.now.rate is None or self.before.rate is None:
            return None
        return 100 * (self.now.rate - self.before.rate)

    @property
    def reasons(self) -> list[tuple[str, int, float]]:
        """(reason in words, votes, share of the votes that gave a reason)."""
        labels = reason_labels("en")
        total = sum(n for _, n in self.now.reasons)
        return [(labels.get(code, code), n, 100 * n / total) for code, n in self.now.reasons]

    @property
    def weakest(self) -> list[ArticleFeedback]:
        """Articles with at least MIN_VOTES votes in the window, least helpful first (at most 5 under 100%)."""
        rated = [a for a in self.now.articles if a.votes >= MIN_VOTES and (a.rate or 0) < 1]
        return sorted(rated, key=lambda a: (a.rate, -a.votes, a.article))[:5]

    def title(self, article: str) -> str:
        return self.titles.get(article, article)

    def reason(self, code: str | None) -> str:
        return reason_labels("en").get(code, code) if code else ""


def build_digest(
    win: Window,
    now: FeedbackWindow,
    before: FeedbackWindow,
    titles: dict[str, str],
    questions: Sequence[Question] = (),
    site_name: str = "",
) -> Digest:
    """Feature requests and bug reports among the questions: their `kind:`, else told from their wording."""

    def of_kind(kind: str) -> tuple[Question, ...]:
        found = [q for q in questions if question_kind(q.question, q.kind) == kind]
        return tuple(sorted(found, key=lambda q: (-q.volume, q.id)))

    return Digest(win, now, before, titles, of_kind("feature"), of_kind("bug"), site_name)


def _pct(rate: float | None) -> str:
    return "n/a" if rate is None else f"{100 * rate:.0f}%"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def trend_words(digest: Digest) -> str:
    change = digest.change
    before = digest.before
    if change is None:
        return f"no votes in {digest.window.previous_label} to compare with"
    direction = "up" if change > 0.5 else "down" if change < -0.5 else "about the same as"
    if direction == "about the same as":
        return f"about the same as {digest.window.previous_label} ({_pct(before.rate)} of {before.votes} votes)"
    return f"{direction} {abs(change):.0f} points from {digest.window.previous_label} ({_pct(before.rate)} of {before.votes} votes)"


def _md(text: str) -> str:
    """Reader's text inside a Markdown table cell: no HTML, no table breaks, no line breaks."""
    text = re.sub(r"\s+", " ", text).strip()
    text = re.sub(r"([\\`*_\[\]#])", r"\\\1", html.escape(text, quote=False))
    return text.replace("|", "\\|")


def to_markdown(digest: Digest) -> str:
    w, now = digest.window, digest.now
    name = f"{digest.site_name}: " if digest.site_name else ""
    lines = [
        f"# {name}what readers said in {w.label}",
        "",
        f"{_day(w.start)} to {_day(w.end)}.",
        "",
        f"**{_pct(now.rate)} of {now.votes} votes said the article helped**; {trend_words(digest)}.",
    ]
    if digest.reasons:
        lines += ["", "## Why articles did not help", "", "| reason | votes | share |", "| --- | ---: | ---: |"]
        lines += [f"| {label} | {n} | {share:.0f}% |" for label, n, share in digest.reasons]
    if digest.weakest:
        lines += ["", f"## Least helpful articles (at least {MIN_VOTES} votes)", ""]
        lines += ["| article | helpful | votes |", "| --- | ---: | ---: |"]
        lines += [f"| {_md(digest.title(a.article))} | {_pct(a.rate)} | {a.votes} |" for a in digest.weakest]
    if now.comments:
        lines += ["", "## Latest comments", "", "| day | article | reason | comment |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {c.day.isoformat()} | {_md(digest.title(c.article))} | {digest.reason(c.reason)} | {_md(c.text)} |"
            for c in now.comments
        ]
    if digest.requests or digest.bugs:
        lines += ["", "## Feature requests and bug reports from support tickets", ""]
        lines += ["| kind | tickets | question |", "| --- | ---: | --- |"]
        lines += [f"| feature request | {q.volume} | {_md(q.question)} |" for q in digest.requests]
        lines += [f"| bug report | {q.volume} | {_md(q.question)} |" for q in digest.bugs]
    if now.missed_searches:
        lines += ["", "## Searches that found nothing", "", "| searches | query |", "| ---: | --- |"]
        lines += [f"| {m.count} | {_md(m.query)} |" for m in now.missed_searches]
    if not now.votes and not now.missed_searches:
        lines += ["", f"No votes and no missed searches in {w.label}."]
    return "\n".join(lines) + "\n"


def to_html(digest: Digest, overrides: Sequence[Path | str] = ()) -> str:
    """A whole HTML document with inline styles only, to paste into an e-mail or a wiki."""
    return render_template(
        "feedback-digest.html",
        overrides,
        d=digest,
        pct=_pct,
        day=_day,
        trend=trend_words(digest),
        min_votes=MIN_VOTES,
    )
