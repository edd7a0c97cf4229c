"""One entry point to the coverage engine for every door (the MkDocs plugin, `kb coverage`, benchmarks)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
import tempfile
from collections.abc import Iterable
from pathlib import Path

from .analysis import CJK
from .config import SiteConfig
from .content import ArticleRules, load_articles, load_questions
from .coverage import ArticleHealth, Report, analyse
from .matcher import Matcher
from .model import Article, Question
from .problems import KbError, Problem
from .questions_import import DEFAULT_COLUMNS, decode_csv, merge_rows, read_rows
from .schema import Vocabulary
from .search_index import ArticleIndex
from .text import text_id, unique_id



def cache_folder(config: SiteConfig) -> Path:
    return config.root / ".kb-cache" / "index"


def build_matcher(articles: list[Article], cache: Path, synonyms: tuple[tuple[str, ...], ...] = ()) -> Matcher:
    index, _ = ArticleIndex.build(articles, cache)
    return Matcher(index.stats(), synonyms=synonyms)


def site_report(
    config: SiteConfig,
    articles: list[Article],
    questions: list[Question],
    matcher: Matcher | None = None,
    warnings: Iterable[str] = (),
    feedback: dict | None = None,
    today: dt.date | None = None,
) -> Report:
    report = analyse(
        articles,
        questions,
        matcher or build_matcher(articles, cache_folder(config), config.synonyms),
        fail_under=config.fail_under,
        gate_on=config.gate_on,
        stale_after_days=config.stale_after_days,
        today=today,
        warnings=warnings,
    )
    return with_feedback(report, articles, feedback) if feedback else report


def with_feedback(report: Report, articles: list[Article], feedback: dict) -> Report:
    """Attach readers' votes: `feedback` = {"articles": {id: (helpful, not_helpful)}, "comments": [...]}."""
    votes = feedback.get("articles", {})
    health = tuple(ArticleHealth(a, *votes[a.id]) for a in articles if a.id in votes)
    return replace(report, feedback=health, comments=tuple(feedback.get("comments", ())))


def detect_lang(text: str) -> str:
    """zh when a good part of the text is Chinese, else en: for folders and files that do not say."""
    cjk = len(CJK.findall(text))
    return "zh" if cjk and cjk * 4 >= len(text.replace(" ", "")) else "en"


def foreign_articles(folder: Path) -> tuple[list[Article], list[Problem]]:
    """Any folder of Markdown: front matter optional, title from it, else the first heading, else the file name."""
    articles, problems = load_articles(folder, ArticleRules(Vocabulary(None, None), "en", require_front_matter=False))
    detected = [a if "lang" in a.line_of else replace(a, lang=detect_lang(a.title + a.body[:2000])) for a in articles]
    return detected, problems


def foreign_questions(path: Path) -> tuple[list[Question], list[Problem]]:
    """Our questions YAML, or a CSV with a `question` column and an optional `count`."""
    if path.suffix.lower() == ".csv":
        text, _ = decode_csv(path, None)
        rows = merge_rows(read_rows(text, str(path), DEFAULT_COLUMNS))
        taken: set[str] = set()
        questions = []
        for row in rows:
            qid = unique_id(text_id(row.question), taken)
            taken.add(qid)
            questions.append(Question(qid, row.question, detect_lang(row.question), row.category, row.count, line=row.line))
        return questions, []
    if not path.is_file():
        raise KbError(Problem(str(path), 0, "questions file not found"))
    questions, problems = load_questions(path, Vocabulary(None, None), "en")
    return questions, problems


def foreign_report(articles_dir: Path, questions_path: Path, fail_under: float, cache: Path | None = None, gate_on: str = "answered") -> tuple[Report, list[Problem]]:
    articles, problems = foreign_articles(articles_dir)
    questions, found = foreign_questions(questions_path)
    problems += found
    if cache is None:
        with tempfile.TemporaryDirectory(prefix="kb-index-") as folder:
            matcher = build_matcher(articles, Path(folder) / "index")
    else:
        matcher = build_matcher(articles, cache)
    return analyse(articles, questions, matcher, fail_under=fail_under, gate_on=gate_on, same_language=False, warnings=[str(p) for p in problems]), problems
