"""What the coverage report says about the help center's languages: translations older than their source."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from kb.content.translations import outdated_translations
from kb.coverage.model import Report
from kb.model import Article


def with_translations(report: Report, articles: list[Article], articles_dir: Path) -> Report:
    """The report with the out-of-date translations (by reviewed: dates, else git), most behind first."""
    outdated = outdated_translations(articles, articles_dir)
    outdated.sort(key=lambda o: (o.translated - o.source_changed, o.translation.path))
    return replace(report, outdated_translations=tuple(outdated))
