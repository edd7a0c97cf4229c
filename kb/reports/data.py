"""The coverage report as data and as text: JSON (the stable contract), CSV, Markdown and the terminal summary.
(The HTML page is a template: kb.reports.page.)"""

from __future__ import annotations

import csv
import html
import io
import json

from feedback_widget.exports import defuse
from kb.coverage.model import FINDABLE_RANK, Figures, QuestionResult, Report

JSON_VERSION = 1


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def _figures(f: Figures) -> dict:
    return {
        "questions": f.questions,
        "volume": f.volume,
        "covered": f.covered,
        "likely": f.likely,
        "gaps": f.gaps,
        "covered_volume": f.covered_volume,
        "likely_volume": f.likely_volume,
        "gap_volume": f.gap_volume,
        "coverage_by_count": _pct(f.by_count),
        "coverage_by_volume": _pct(f.by_volume),
        "tagged_coverage_by_volume": _pct(f.tagged_by_volume),
    }


def _question(r: QuestionResult) -> dict:
    q = r.question
    return {
        "id": q.id,
        "question": q.question,
        "volume": q.volume,
        "category": q.category,
        "lang": q.lang,
        "status": r.status,
        "articles": [
            {
                "path": c.article.path,
                "id": c.article.id,
                "title": c.article.title,
                "score": round(c.score, 3),
                "rank": c.rank,
                "coverage": round(c.coverage, 3),
            }
            for c in r.candidates
        ],
        "hard_to_find": r.hard_to_find,
        "ranks": [{"wording": w, "rank": rank} for w, rank in r.ranks],
        "suggestion": r.suggestion,
    }


def to_dict(report: Report) -> dict:
    return {
        "version": JSON_VERSION,
        "summary": {
            **_figures(report.overall),
            "fail_under": report.fail_under,
            "gate_on": report.gate_on,
            "passed": report.passed,
        },
        "by_category": {name: _figures(f) for name, f in report.by_category.items()},
        "by_lang": {name: _figures(f) for name, f in report.by_lang.items()},
        "questions": [_question(r) for r in sorted(report.results, key=lambda r: (-r.question.volume, r.question.id))],
        "duplicates": [{"question": q.id, "articles": [a.path for a in arts]} for q, arts in report.duplicates],
        "orphans": [a.path for a in report.orphans],
        "stale": [
            {"path": a.path, "reviewed": a.reviewed.isoformat(), "days": days, "owner": a.owner}
            for a, days in report.stale
        ],
        "feedback": [
            {
                "article": h.article.id,
                "path": h.article.path,
                "helpful": h.votes.helpful,
                "not_helpful": h.votes.not_helpful,
                "rate": _pct(None if h.votes.rate is None else 100 * h.votes.rate),
            }
            for h in report.feedback
        ],
        "unhelpful": [h.article.id for h in report.unhelpful],
        "comments": [
            {"id": c.vote_id, "created": c.day.isoformat(), "article": c.article, "reason": c.reason, "comment": c.text}
            for c in (report.readers.comments if report.readers else ())
        ],
        "warnings": list(report.warnings),
    }


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2)


def to_csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "id",
            "question",
            "volume",
            "category",
            "lang",
            "status",
            "article",
            "score",
            "rank",
            "hard_to_find",
            "suggestion",
        ]
    )
    for row in to_dict(report)["questions"]:
        best = row["articles"][0] if row["articles"] else {}
        # Questions come from ticket exports and readers' searches: "=1+1" must stay text in a spreadsheet.
        writer.writerow(
            [
                defuse(cell)
                for cell in (
                    row["id"],
                    row["question"],
                    row["volume"],
                    row["category"],
                    row["lang"],
                    row["status"],
                    best.get("path", ""),
                    best.get("score", ""),
                    best.get("rank", ""),
                    row["hard_to_find"],
                    row["suggestion"],
                )
            ]
        )
    return out.getvalue()


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def gate_basis(report: Report) -> str:
    """What the gate counts, when it is not the headline figure itself."""
    return f" on tagged ({percent(report.overall.tagged_by_volume)})" if report.gate_on == "tagged" else ""


def headline(report: Report) -> str:
    o = report.overall
    if not o.questions:
        return "No common questions to measure: the questions file is empty."
    return (
        f"{o.questions} questions, {o.volume} tickets: {percent(o.by_volume)} of volume answered "
        f"({o.covered} covered, {o.likely} likely covered, {o.gaps} gaps; {percent(o.by_count)} by count; "
        f"gate {report.fail_under:g}%{gate_basis(report)}: {'pass' if report.passed else 'FAIL'})"
    )


def to_terminal(report: Report, top: int = 15) -> str:
    lines = [headline(report)]
    gaps = report.with_status("gap")
    if gaps:
        lines += [
            "",
            f"Top gaps by volume ({len(gaps)} in all):",
            f"{'volume':>7}  {'id':<34} question / best candidate",
        ]
        for r in gaps[:top]:
            best = f"  ~ {r.candidates[0].article.path}" if r.candidates else ""
            lines.append(f"{r.question.volume:>7}  {r.question.id:<34} {r.question.question}{best}")
    likely = report.with_status("likely")
    if likely:
        lines += ["", f"Likely covered, tag to add ({len(likely)}):"]
        lines += [f"{r.question.volume:>7}  {r.candidates[0].article.path}: {r.suggestion}" for r in likely[:top]]
    hard = report.hard_to_find
    if hard:
        lines += ["", f"Hard to find (covering article not in the top {FINDABLE_RANK} results) ({len(hard)}):"]
        lines += [f"{r.question.volume:>7}  {r.question.id:<34} rank {r.ranks[0][1] or '-'}" for r in hard[:top]]
    return "\n".join(lines)


def to_markdown(report: Report) -> str:
    o = report.overall
    lines = [
        "# Coverage report",
        "",
        headline(report),
        "",
        "| category | questions | answered (count) | answered (volume) |",
        "| --- | ---: | ---: | ---: |",
    ]
    for name, f in report.by_category.items():
        lines.append(f"| {_md(name)} | {f.questions} | {percent(f.by_count)} | {percent(f.by_volume)} |")
    lines += ["", "## Gaps", "", "| volume | question | best candidate |", "| ---: | --- | --- |"]
    for r in report.with_status("gap"):
        lines.append(
            f"| {r.question.volume} | {_md(r.question.question)} (`{r.question.id}`) | {_md(r.candidates[0].article.path) if r.candidates else ''} |"
        )
    lines += ["", "## Likely covered", "", "| volume | question | article | add |", "| ---: | --- | --- | --- |"]
    for r in report.with_status("likely"):
        lines.append(
            f"| {r.question.volume} | {_md(r.question.question)} | {_md(r.candidates[0].article.path)} | `{r.suggestion}` |"
        )
    if o.questions == 0:
        lines.append("\nThe questions file is empty.")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    return html.escape(text).replace("|", "\\|")
