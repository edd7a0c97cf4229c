"""The coverage report for every door (the MkDocs plugin, `kb coverage`, benchmarks): of the help center itself,
or an audit of any folder of Markdown against any questions file."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from feedback_widget.summary import FeedbackSummary
from kb.content.articles import load_any_folder
from kb.content.config import SiteConfig
from kb.content.questions import latest_period, load_any_questions
from kb.content.site import outdated_translations
from kb.coverage.analysis import analyse
from kb.coverage.model import ArticleHealth, Report
from kb.matching.matcher import Matcher, build_matcher
from kb.model import Article, Question
from kb.problems import Problem


def site_report(
    config: SiteConfig,
    articles: list[Article],
    questions: list[Question],
    matcher: Matcher | None = None,
    warnings: Iterable[str] = (),
    feedback: FeedbackSummary | None = None,
    today: dt.date | None = None,
) -> Report:
    report = analyse(
        articles,
        questions,
        matcher or build_matcher(articles, config.index_dir, config.synonyms),
        fail_under=config.fail_under,
        gate_on=config.gate_on,
        stale_after_days=config.stale_after_days,
        today=today,
        warnings=warnings,
    )
    report = replace(report, period=latest_period(questions), translations=tuple(outdated_translations(articles)))
    return with_feedback(report, articles, feedback) if feedback else report


def with_feedback(report: Report, articles: list[Article], feedback: FeedbackSummary) -> Report:
    """Attach what readers said: each article's votes, the latest comments and the missed searches."""
    votes = {a.article: a for a in feedback.articles}
    health = tuple(ArticleHealth(a, votes[a.id]) for a in articles if a.id in votes)
    return replace(report, feedback=health, readers=feedback)


def foreign_report(
    articles_dir: Path, questions_path: Path, fail_under: float, cache: Path | None = None, gate_on: str = "answered"
) -> tuple[Report, list[Problem]]:
    articles, problems = load_any_folder(articles_dir)
    questions, found = load_any_questions(questions_path)
    problems += found
    if cache is None:
        with tempfile.TemporaryDirectory(prefix="kb-index-") as folder:
            matcher = build_matcher(articles, Path(folder) / "index")
    else:
        matcher = build_matcher(articles, cache)
    warnings = [str(p) for p in problems]
    report = analyse(
        articles, questions, matcher, fail_under=fail_under, gate_on=gate_on, same_language=False, warnings=warnings
    )
    return report, problems
