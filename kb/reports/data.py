"""The coverage report as data and as text: JSON (the stable contract), CSV, Markdown and the terminal summary.
(The HTML page is a template: kb.reports.page.)"""

from __future__ import annotations

import csv
import html
import io
import json
import re

from feedback_widget.exports import defuse
from feedback_widget.widget import reason_labels
from kb.coverage.model import FINDABLE_RANK, Figures, QuestionResult, Report
from kb.reports.next_steps import as_lines, next_steps

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
        "product": f.product,
        "product_volume": f.product_volume,
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
        "volumes": {p: n for p, n in q.volumes if p},
        "searches": q.searches,
        "category": q.category,
        "lang": q.lang,
        "status": r.status,
        "kind": r.kind,
        "type": q.type,
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
        "tier": r.tier if r.status != "covered" else None,
        "evidence": {"matched": list(r.candidates[0].matched), "passage": r.candidates[0].passage}
        if r.status != "covered" and r.candidates
        else None,
    }


def to_dict(report: Report) -> dict:
    return {
        "version": JSON_VERSION,
        "semantic_ranking": report.semantic,
        "summary": {
            **_figures(report.overall),
            "period": report.period,
            "periods": list(report.periods),
            "fail_under": report.fail_under,
            "gate_on": report.gate_on,
            "passed": report.passed,
            "answered_in_other_language": len(report.answered_elsewhere),
        },
        "by_category": {name: _figures(f) for name, f in report.by_category.items()},
        "by_lang": {name: _figures(f) for name, f in report.by_lang.items()},
        "by_type": {name: _figures(f) for name, f in report.by_type.items()},
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
        "outdated_translations": [
            {
                "path": o.translation.path,
                "id": o.translation.id,
                "lang": o.translation.lang,
                "translated": o.translated.isoformat(),
                "source": {"path": o.source.path, "id": o.source.id, "lang": o.source.lang},
                "source_changed": o.source_changed.isoformat(),
                "basis": o.basis,
                "changes": list(o.changes),
            }
            for o in report.outdated_translations
        ],
        "answered_in_other_language": [
            {
                "id": f.question.id,
                "question": f.question.question,
                "lang": f.question.lang,
                "volume": f.question.volume,
                "article": {
                    "path": f.article.path,
                    "id": f.article.id,
                    "lang": f.article.lang,
                    "title": f.article.title,
                },
                "via": f.via.id if f.via else None,
                "translation": f.translation.path if f.translation else None,
                "action": f.action,
            }
            for f in report.answered_elsewhere
        ],
        "warnings": list(report.warnings),
        "audit": {"summary": report.audit, "skipped": [{"path": p, "reason": r} for p, r in report.skipped]}
        if report.audit
        else None,
    }


def to_json(report: Report) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2)


BOM = "\ufeff"  # so that Excel reads the file as UTF-8 (Chinese questions, names)


def to_csv(report: Report) -> str:
    """One row per question, for spreadsheets: a UTF-8 byte-order mark first, formula-like text defused."""
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
            defuse(cell)
            for cell in [
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
            ]
        )
    return BOM + out.getvalue()


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}%"


def gate_basis(report: Report) -> str:
    """What the gate counts, when it is not the headline figure itself."""
    if report.audit:
        return ""
    return f" on tagged + suggested ({percent(report.overall.by_volume)})" if report.gate_on == "answered" else ""


def headline(report: Report) -> str:
    """Confirmed answers first: only what a person tagged in `covers:` counts as answered; suggestions apart."""
    o = report.overall
    if not o.questions:
        return "No common questions to measure: the questions file is empty."
    gate = f"gate {report.fail_under:g}%{gate_basis(report)}: {'pass' if report.passed else 'FAIL'}"
    period = f" in {report.period}" if report.period else ""
    if report.audit:  # nobody tagged this folder: every answer is the engine's estimate
        return (
            f"Estimate: {o.questions} questions, {o.volume} tickets{period}: {percent(o.by_volume)} of volume probably "
            f"answered ({o.likely} suggested, {o.gaps} gaps; {percent(o.by_count)} by count; {gate})"
        )
    likely_share = None if not o.volume else 100.0 * o.likely_volume / o.volume
    return (
        f"{o.questions} questions, {o.volume} tickets{period}: {percent(o.tagged_by_volume)} of volume answered "
        f"({o.covered} confirmed in covers:, {o.gaps} gaps; {o.likely} suggestions to review would add "
        f"{percent(likely_share)}; {gate})"
    )


def to_terminal(report: Report, top: int = 15) -> str:
    lines = [headline(report), f"semantic ranking: {report.semantic}"] + ([report.audit] if report.audit else [])
    steps = as_lines(next_steps(report))
    if steps:
        lines += ["", "Next steps:"] + [f"  - {step}" for step in steps]
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
    product = report.with_status("product")
    if product:
        lines += ["", f"For the product team ({len(product)}): bug reports and feature requests no article answers"]
        lines += [
            f"{r.question.volume:>7}  {r.kind:<8} {r.question.id:<34} {r.question.question}" for r in product[:top]
        ]
    likely = report.with_status("likely")
    if likely:
        lines += [
            "",
            f"Suggestions to review ({len(likely)}), most tickets first: probably answered, not yet confirmed",
        ]
        for r in likely[:top]:
            best = r.candidates[0]
            lines.append(f"{r.question.volume:>7}  {r.question.id:<34} {r.question.question}")
            lines.append(
                f"{'':>9}probably answered by {best.article.path} ({r.tier}; words: {', '.join(best.matched) or '-'})"
            )
            if best.passage:
                lines.append(f'{"":>9}"{best.passage}"')
            if not report.audit:
                lines.append(f"{'':>9}kb coverage accept {r.question.id} {best.article.id}   (or reject)")
    hard = report.hard_to_find
    if hard:
        lines += ["", f"Hard to find (covering article not in the top {FINDABLE_RANK} results) ({len(hard)}):"]
        lines += [f"{r.question.volume:>7}  {r.question.id:<34} rank {r.ranks[0][1] or '-'}" for r in hard[:top]]
    elsewhere = report.answered_elsewhere
    if elsewhere:
        lines += ["", f"Answered only in another language: translations to write ({len(elsewhere)}):"]
        lines += [f"{f.question.volume:>7}  {f.question.id:<34} {f.action}" for f in elsewhere[:top]]
    outdated = report.outdated_translations
    if outdated:
        lines += ["", f"Translations older than their source ({len(outdated)}):"]
        lines += [
            f"  {o.translation.path} ({o.translated}): {o.source.path} changed {o.source_changed}"
            for o in outdated[:top]
        ]
    lines += _terminal_readers(report, top)
    return "\n".join(lines)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _terminal_readers(report: Report, top: int) -> list[str]:
    lines: list[str] = []
    words = reason_labels("en")
    if report.feedback:
        lines += ["", f"Reader feedback ({len(report.feedback)} articles with votes), least helpful first:"]
        rated = sorted(report.feedback, key=lambda h: (h.votes.rate if h.votes.rate is not None else 1, h.article.id))
        for h in rated[:top]:
            rate = percent(None if h.votes.rate is None else 100 * h.votes.rate)
            lines.append(f"{rate:>7}  {h.article.path:<50} {h.votes.helpful} yes, {h.votes.not_helpful} no")
    comments = report.readers.comments if report.readers else ()
    if comments:
        lines += ["", "Latest comments:"]
        for c in comments[:top]:
            reason = f" [{words.get(c.reason, c.reason)}]" if c.reason else ""
            lines.append(f"  {c.day.isoformat()}  {c.article}{reason}: {_one_line(c.text)}")
    missed = report.readers.missed_searches if report.readers else ()
    if missed:
        lines += ["", "Searches that found nothing:"]
        lines += [f"{m.count:>7}  {_one_line(m.query)} ({m.lang})" for m in missed[:top]]
    return lines


def to_markdown(report: Report) -> str:
    o = report.overall
    lines = ["# Coverage report", "", _md(headline(report)), ""]
    steps = as_lines(next_steps(report))
    if steps:
        lines += ["## Next steps", ""] + [f"- {_md(step)}" for step in steps] + [""]
    lines += [
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
    lines += [
        "",
        "## Suggestions to review",
        "",
        "| volume | question | probably answered by | add |",
        "| ---: | --- | --- | --- |",
    ]
    for r in report.with_status("likely"):
        lines.append(
            f"| {r.question.volume} | {_md(r.question.question)} | {_md(r.candidates[0].article.path)} | `{r.suggestion}` |"
        )
    words = reason_labels("en")
    if report.feedback:
        lines += [
            "",
            "## Reader feedback",
            "",
            "| article | helpful | not helpful | rate |",
            "| --- | ---: | ---: | ---: |",
        ]
        rated = sorted(report.feedback, key=lambda h: (h.votes.rate if h.votes.rate is not None else 1, h.article.id))
        for h in rated:
            rate = percent(None if h.votes.rate is None else 100 * h.votes.rate)
            lines.append(f"| {_md(h.article.path)} | {h.votes.helpful} | {h.votes.not_helpful} | {rate} |")
    comments = report.readers.comments if report.readers else ()
    if comments:
        lines += ["", "## Latest comments", "", "| day | article | reason | comment |", "| --- | --- | --- | --- |"]
        for c in comments:
            reason = words.get(c.reason, c.reason) if c.reason else ""
            lines.append(f"| {c.day.isoformat()} | {_md(c.article)} | {_md(reason)} | {_md(_one_line(c.text))} |")
    missed = report.readers.missed_searches if report.readers else ()
    if missed:
        lines += ["", "## Searches that found nothing", "", "| searches | query | language |", "| ---: | --- | --- |"]
        lines += [f"| {m.count} | {_md(_one_line(m.query))} | {m.lang} |" for m in missed]
    if o.questions == 0:
        lines.append("\nThe questions file is empty.")
    return "\n".join(lines) + "\n"


def _md(text: str) -> str:
    """Text in Markdown: no HTML runs, no Markdown markup, no table breaks (readers' text goes through here)."""
    text = re.sub(r"([\\`*_\[\]#])", r"\\\1", html.escape(text, quote=False))
    return text.replace("|", "\\|")
