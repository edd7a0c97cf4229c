"""The coverage report page of the built site: plain HTML with an inline SVG chart (no JavaScript, no CDN).

Every value that comes from articles, questions or readers is escaped; links are relative to the page.
"""

from __future__ import annotations

from html import escape

from .coverage import Figures, QuestionResult, Report
from .model import Article
from .report_output import gate_basis, percent

BAR_WIDTH = 360


def _link(article: Article, base: str) -> str:
    return f'<a href="{escape(base + article.url)}">{escape(article.title)}</a>'


def chart(by_category: dict[str, Figures], titles: dict[str, str], gate: float) -> str:
    """Horizontal bars: share of each category's ticket volume answered, with the gate as a line."""
    rows = [(titles.get(name, name), f) for name, f in by_category.items()]
    label_w, row_h = 210, 26
    height = row_h * len(rows) + 30
    width = label_w + BAR_WIDTH + 70
    parts = [f'<svg class="kb-chart" role="img" aria-labelledby="kb-chart-title" viewBox="0 0 {width} {height}" width="100%" xmlns="http://www.w3.org/2000/svg">', '<title id="kb-chart-title">Answered share of ticket volume by category</title>']
    for i, (title, f) in enumerate(rows):
        y = 10 + i * row_h
        share = f.by_volume or 0.0
        bar = BAR_WIDTH * share / 100
        colour = "#2e7d32" if share >= gate else "#c62828"
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end" font-size="12" fill="currentColor">{escape(title)}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{BAR_WIDTH}" height="18" fill="#9e9e9e" fill-opacity="0.2"/>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{bar:.1f}" height="18" fill="{colour}"><title>{escape(title)}: {percent(f.by_volume)} of {f.volume} tickets</title></rect>')
        parts.append(f'<text x="{label_w + BAR_WIDTH + 6}" y="{y + 14}" font-size="12" fill="currentColor">{percent(f.by_volume)}</text>')
    gate_x = label_w + BAR_WIDTH * gate / 100
    parts.append(f'<line x1="{gate_x:.1f}" y1="4" x2="{gate_x:.1f}" y2="{height - 18}" stroke="currentColor" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{gate_x:.1f}" y="{height - 4}" text-anchor="middle" font-size="11" fill="currentColor">gate {gate:g}%</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def _table(headers: list[str], rows: list[list[str]], empty: str) -> str:
    if not rows:
        return f"<p><em>{escape(empty)}</em></p>"
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"  # no class: Material styles it


def _question(r: QuestionResult) -> str:
    return f'{escape(r.question.question)}<br><code>{escape(r.question.id)}</code>'


def render(report: Report, titles: dict[str, str], base: str = "../", missed_searches: list[tuple[str, int]] | None = None) -> str:
    """The page body (HTML inside the page's Markdown). `base` leads from the page to the site root."""
    o = report.overall
    status = "pass" if report.passed else "below the gate"
    out = ['<div class="kb-report">']
    if not o.questions:
        out.append("<p><strong>The questions file is empty</strong>: add common questions to measure coverage.</p></div>")
        return "\n".join(out)
    out += [
        f'<p class="kb-report__headline"><strong>{percent(o.by_volume)}</strong> of ticket volume answered · gate {report.fail_under:g}%{gate_basis(report)}: {status}</p>',
        f"<p>{o.questions} common questions, {o.volume} tickets: {o.covered} covered, {o.likely} likely covered, {o.gaps} gaps "
        f"({percent(o.by_count)} answered by count; {percent(o.tagged_by_volume)} of volume tagged in <code>covers:</code>).</p>",
    ]
    out.append(chart(report.by_category, titles, report.fail_under))
    lang_rows = [[escape(lang), str(f.questions), percent(f.by_count), percent(f.by_volume)] for lang, f in report.by_lang.items()]
    out += ["<h2>By language</h2>", _table(["language", "questions", "answered (count)", "answered (volume)"], lang_rows, "")]
    gaps = report.with_status("gap")
    out += [f"<h2>Gaps ({len(gaps)})</h2>", "<p>Common questions no article answers, most tickets first.</p>"]
    out.append(_table(["volume", "question", "best candidate (not an answer)"], [[str(r.question.volume), _question(r), _link(r.candidates[0].article, base) if r.candidates else ""] for r in gaps], "No gaps."))
    likely = report.with_status("likely")
    out += [f"<h2>Likely covered ({len(likely)})</h2>", "<p>An article seems to answer these but does not list them in <code>covers:</code>. Check it and add the line.</p>"]
    out.append(_table(["volume", "question", "article", "line to add"], [[str(r.question.volume), _question(r), _link(r.candidates[0].article, base), f"<code>{escape(r.suggestion)}</code>"] for r in likely], "None."))
    hard = report.hard_to_find
    out += [f"<h2>Hard to find ({len(hard)})</h2>", "<p>Covered, but the covering article is not in the top 3 results when customers type the question.</p>"]
    out.append(_table(["volume", "question", "article", "rank per wording"], [[str(r.question.volume), _question(r), _link(r.candidates[0].article, base), "<br>".join(f"{escape(w)}: {rank or 'not found'}" for w, rank in r.ranks)] for r in hard], "None."))
    out.append(_feedback(report, base))
    if missed_searches:
        out += ["<h2>Searches that found nothing</h2>", _table(["searches", "query"], [[str(n), escape(q)] for q, n in missed_searches], "")]
    out += ["<h2>Questions covered by several articles</h2>", _table(["question", "articles"], [[escape(q.id), "<br>".join(_link(a, base) for a in arts)] for q, arts in report.duplicates], "None.")]
    out += ["<h2>Stale articles</h2>", _table(["article", "last reviewed", "days", "owner"], [[_link(a, base), a.reviewed.isoformat(), str(d), escape(a.owner)] for a, d in report.stale], "None.")]
    out += ["<h2>Articles that answer no common question</h2>", _table(["article"], [[_link(a, base)] for a in report.orphans], "None.")]
    if report.warnings:
        out += ["<h2>Warnings</h2>", "<ul>" + "".join(f"<li><code>{escape(w)}</code></li>" for w in report.warnings) + "</ul>"]
    out.append("</div>")
    return "\n".join(out)


def _feedback(report: Report, base: str) -> str:
    if not report.feedback:
        return "<h2>Reader feedback</h2><p><em>No votes yet.</em></p>"
    rows = [[_link(h.article, base), str(h.helpful), str(h.not_helpful), percent(h.rate)] for h in sorted(report.feedback, key=lambda h: (h.rate if h.rate is not None else 101))]
    out = ["<h2>Reader feedback</h2>", _table(["article", "helpful", "not helpful", "rate"], rows, "")]
    out += [f"<h3>Under {report.target_rate:g}% with at least {report.min_votes} votes</h3>", _table(["article", "rate", "votes"], [[_link(h.article, base), percent(h.rate), str(h.votes)] for h in report.unhelpful], "None.")]
    weak = report.answered_only_by_unhelpful
    out += ["<h3>Questions answered only by such articles</h3>", _table(["volume", "question"], [[str(r.question.volume), _question(r)] for r in weak], "None.")]
    if report.comments:
        out += ["<h3>Latest comments</h3>", _table(["when", "article", "reason", "comment"], [[escape(str(c.get("created", ""))), escape(str(c.get("article", ""))), escape(str(c.get("reason") or "")), escape(str(c.get("comment") or ""))] for c in report.comments], "")]
    return "\n".join(out)
