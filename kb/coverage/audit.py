"""The coverage report for every door (the MkDocs plugin, `kb coverage`, benchmarks): of the help center itself,
or an audit of any folder of Markdown against any questions file."""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

from feedback_widget.summary import FeedbackSummary
from kb.content.articles import read_any_folder
from kb.content.config import SiteConfig
from kb.content.questions import latest_period, load_any_questions
from kb.coverage.analysis import analyse, untagged_questions
from kb.coverage.languages import with_other_languages, with_translations
from kb.coverage.model import ArticleHealth, Report
from kb.matching.matcher import Matcher, build_matcher
from kb.matching.semantic import PreparedRanker, SectionIndex, article_passages, default_cache_dir, prepare_ranker
from kb.model import Article, Question
from kb.problems import Problem

NO_MODEL = "off (no embedding model set: coverage.embedding_model in kb.yml or --embedding-model)"


class PendingSections:
    """The articles' sections on their way to being embedded: `result()` gives them, or None, and the status line.

    Made as soon as the articles and questions are read: when a text to embed is not in the vector caches, the model
    starts loading in the background while the caller builds the lexical matcher (kb.matching.semantic)."""

    def __init__(
        self, articles: list[Article], queries: list[str], spec: str | None, vector_cache: Path, enabled: bool = True
    ) -> None:
        self.articles = articles
        self.passages = article_passages(articles) if enabled and spec else []
        self.off = "off (--no-embeddings)" if not enabled else "" if spec else NO_MODEL
        self.prepared: PreparedRanker | None = None
        if not self.off:
            models = default_cache_dir() / "models"
            self.prepared = prepare_ranker(
                spec, models, vector_cache, passages=self.passages, queries=queries, cache_queries=True
            )
        self._result: tuple[SectionIndex | None, str] | None = None

    def result(self) -> tuple[SectionIndex | None, str]:
        if self._result is None:
            self._result = self._settle()
        return self._result

    def _settle(self) -> tuple[SectionIndex | None, str]:
        if self.prepared is None:
            return None, self.off
        ranker, status = self.prepared.result()
        if ranker is None:
            return None, status.reason.replace("off: ", "off (", 1) + ")"
        sections = SectionIndex(ranker, self.articles, self.passages)
        return sections, status.reason.replace("on: ", "on (", 1) + ")"


def start_sections(
    articles: list[Article],
    questions: list[Question],
    spec: str | None,
    vector_cache: Path,
    enabled: bool = True,
) -> PendingSections:
    """The sections of `articles` for ranking the suggestions of `questions` (those no article lists in covers:)."""
    queries = [q.question for q in untagged_questions(articles, questions)]
    return PendingSections(articles, queries, spec, vector_cache, enabled)


def site_report(
    config: SiteConfig,
    articles: list[Article],
    questions: list[Question],
    matcher: Matcher | None = None,
    warnings: Iterable[str] = (),
    feedback: FeedbackSummary | None = None,
    today: dt.date | None = None,
    embeddings: bool = True,
    semantic: tuple[SectionIndex | None, str] | None = None,
) -> Report:
    """The help center's report; `semantic` is the sections already embedded for this build, when there are."""
    pending = None
    if semantic is None:  # the model (when one is needed) loads while the matcher is built
        pending = start_sections(articles, questions, config.embedding_model, config.cache_dir / "vectors", embeddings)
    matcher = matcher or build_matcher(articles, config.index_dir, config.synonyms)
    sections, semantic_status = semantic if pending is None else pending.result()
    report = analyse(
        articles,
        questions,
        matcher,
        fail_under=config.fail_under,
        gate_on=config.gate_on,
        stale_after_days=config.stale_after_days,
        today=today,
        warnings=warnings,
        sections=sections,
    )
    report = replace(report, semantic=semantic_status, period=latest_period(questions))
    report = with_other_languages(with_translations(report, articles, config.articles_dir), articles)
    return with_feedback(report, articles, feedback) if feedback else report


def with_feedback(report: Report, articles: list[Article], feedback: FeedbackSummary) -> Report:
    """Attach what readers said: each article's votes, the latest comments and the missed searches."""
    votes = {a.article: a for a in feedback.articles}
    health = tuple(ArticleHealth(a, votes[a.id]) for a in articles if a.id in votes)
    return replace(report, feedback=health, readers=feedback)


def foreign_report(
    articles_dir: Path,
    questions_path: Path,
    fail_under: float,
    cache: Path | None = None,
    gate_on: str = "answered",
    embedding_model: str | None = None,
    embeddings: bool = True,
    columns: dict[str, str] | None = None,
) -> tuple[Report, list[Problem]]:
    """An estimate for a folder nobody tagged: every answer is a suggestion, gated on suggestions by default.
    `columns` names a questions CSV's headers (`parse_columns`)."""
    audit = read_any_folder(articles_dir)
    articles = audit.articles
    questions, problems = load_any_questions(questions_path, columns)
    # The model (when a text is not in the vector caches) loads in the background while the matcher is built.
    pending = start_sections(articles, questions, embedding_model, default_cache_dir() / "vectors", embeddings)
    if cache is None:
        with tempfile.TemporaryDirectory(prefix="kb-index-") as folder:
            matcher = build_matcher(articles, Path(folder) / "index")
    else:
        matcher = build_matcher(articles, cache)
    sections, semantic = pending.result()
    warnings = [str(p) for p in problems]
    report = analyse(
        articles,
        questions,
        matcher,
        fail_under=fail_under,
        gate_on=gate_on,
        same_language=audit.translated,  # a folder of translations answers each question in its language
        warnings=warnings,
        sections=sections,
    )
    return replace(report, audit=audit.summary, skipped=tuple(audit.skipped), semantic=semantic), problems
