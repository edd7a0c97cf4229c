"""The report page renders from its template, and a site's theme folder can override the template."""

from __future__ import annotations

from kb.coverage.analysis import analyse
from kb.matching.matcher import build_matcher
from kb.model import Question
from kb.reports.page import render
from tests.coverage.test_coverage import ARTICLES


def _report(tmp_path):
    questions = [
        Question("refund", "How do I get my money back?", "en", volume=5),
        Question("tv", "Watch on my TV", "en", volume=3),
    ]
    return analyse(ARTICLES, questions, build_matcher(ARTICLES, tmp_path / "index"))


def test_the_shipped_template_renders_the_report(tmp_path):
    page = render(_report(tmp_path), {})
    assert page.startswith('<div class="kb-report">') or '<div class="kb-report">' in page
    assert "<h2>Gaps (" in page and "<svg" in page


def test_a_theme_folder_overrides_the_template(tmp_path):
    overrides = tmp_path / "overrides"
    (overrides / "kb").mkdir(parents=True)
    (overrides / "kb" / "coverage-report.html").write_text(
        '<section class="ours">{{ report.overall.questions }} questions, gate {{ report.fail_under }}</section>',
        encoding="utf-8",
    )
    page = render(_report(tmp_path), {}, overrides=[overrides])
    assert page == '<section class="ours">2 questions, gate 80.0</section>'
    assert '<div class="kb-report">' in render(_report(tmp_path), {}, overrides=[tmp_path / "no-such-folder"])


def test_values_are_escaped_by_the_template(tmp_path):
    questions = [Question("x", "<script>alert(1)</script> refund", "en", volume=1)]
    page = render(analyse(ARTICLES, questions, build_matcher(ARTICLES, tmp_path / "index")), {})
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
