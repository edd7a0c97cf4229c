"""Translations: an article names its source in another language with `translation_of:`.

Here: the checks `kb check` and the build make of those links, the groups of articles that are one another's
translations (the language switcher uses them), and which translations are older than their source.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kb.content.history import GitHistory
from kb.model import Article
from kb.problems import Problem, Severity, did_you_mean


def check_translations(articles: list[Article], shown_root: str) -> list[Problem]:
    """Each `translation_of:` must name an existing article in another language that is itself no translation,
    and a source has at most one translation per language."""
    by_id = {a.id: a for a in articles}
    problems: list[Problem] = []
    taken: dict[tuple[str, str], Article] = {}
    for article in articles:
        source_id = article.translation_of
        if not source_id:
            continue
        shown, line = f"{shown_root}/{article.path}", article.line_of.get("translation_of", 1)
        source = by_id.get(source_id)
        if source is None:
            problems.append(
                Problem(shown, line, f"translation_of names no article: '{source_id}'", did_you_mean(source_id, by_id))
            )
            continue
        if source.lang == article.lang:
            problems.append(
                Problem(
                    shown,
                    line,
                    f"translation_of '{source_id}' is in the same language ({article.lang}) as this article",
                    "name the article in the other language that this one translates",
                )
            )
            continue
        if source.translation_of:
            problems.append(
                Problem(
                    shown,
                    line,
                    f"translation_of '{source_id}' is itself a translation (of '{source.translation_of}')",
                    f"name the original: translation_of: {source.translation_of}",
                )
            )
            continue
        first = taken.setdefault((source_id, article.lang), article)
        if first is not article:
            problems.append(
                Problem(
                    shown,
                    line,
                    f"'{source_id}' already has a {article.lang} translation: {first.path}",
                    "one translation per language: remove translation_of from one of them",
                )
            )
    return problems


def translation_groups(articles: list[Article]) -> dict[str, dict[str, Article]]:
    """For each article id, the articles that are the same article in each language (itself included).

    Links that `check_translations` rejects are left out, so a broken link never leads a reader astray."""
    by_id = {a.id: a for a in articles}
    groups: dict[str, dict[str, Article]] = {}
    for article in articles:
        source = by_id.get(article.translation_of) if article.translation_of else None
        if source is None or source.lang == article.lang or source.translation_of:
            continue
        group = groups.setdefault(source.id, {source.lang: source})
        group.setdefault(article.lang, article)
    found: dict[str, dict[str, Article]] = {}
    for group in groups.values():
        for member in group.values():
            found[member.id] = group
    return found


@dataclass(frozen=True)
class OutOfDate:
    """A translation older than its source, and what changed in the source since."""

    translation: Article
    source: Article
    translated: dt.date  # when the translation was last reviewed (or committed)
    source_changed: dt.date  # when the source was
    basis: str  # "reviewed" (both front matters say) or "git" (the files' last commits)
    changes: tuple[str, ...] = ()  # subject lines of the source's commits since the translation, newest first


def outdated_translations(
    articles: list[Article], articles_dir: Path, history: Callable[[Path], GitHistory] = GitHistory
) -> list[OutOfDate]:
    """Translations whose source changed after them: by their `reviewed:` dates when both have one, else by the
    dates of the files' last commits. A pair whose dates are unknown (no git, uncommitted files) is left out."""
    by_id = {a.id: a for a in articles}
    git = history(articles_dir)
    found = []
    for article in sorted(articles, key=lambda a: a.path):
        source = by_id.get(article.translation_of) if article.translation_of else None
        if source is None or source.lang == article.lang:
            continue
        if article.reviewed is not None and source.reviewed is not None:
            basis = "reviewed"
            translated = dt.datetime.combine(article.reviewed, dt.time())
            changed = dt.datetime.combine(source.reviewed, dt.time())
        else:
            basis = "git"
            translated_at = git.last_commit(articles_dir / article.path)
            changed_at = git.last_commit(articles_dir / source.path)
            if translated_at is None or changed_at is None:
                continue
            translated, changed = translated_at, changed_at
        if changed <= translated:
            continue
        # Since the translation's review day; after its own commit (which may have touched the source too).
        since = translated if basis == "reviewed" else translated + dt.timedelta(seconds=1)
        changes = git.subjects_since(articles_dir / source.path, since)
        found.append(OutOfDate(article, source, translated.date(), changed.date(), basis, changes))
    return found


def freshness_problems(outdated: list[OutOfDate], shown_root: str) -> list[Problem]:
    """`kb check`'s warnings for translations older than their source."""
    problems = []
    for item in outdated:
        article = item.translation
        changes = "; ".join(f'"{_short(s)}"' for s in item.changes[:2]) + (" ..." if len(item.changes) > 2 else "")
        hint = f"update it from {item.source.path} and its reviewed: date"
        if changes:
            hint += f"; source changes since: {changes}"
        problems.append(
            Problem(
                f"{shown_root}/{article.path}",
                article.line_of.get("translation_of", 1),
                f"translation is out of date: its source '{item.source.id}' changed on {item.source_changed}, after"
                f" this translation ({item.translated}, by {item.basis} date)",
                hint,
                Severity.WARNING,
            )
        )
    return problems


def _short(subject: str, limit: int = 72) -> str:
    return subject if len(subject) <= limit else subject[: limit - 1].rstrip() + "…"
