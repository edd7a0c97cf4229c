"""Loading articles and common questions into the model, collecting every problem on the way."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from kb.content.schema import ARTICLE_FIELDS, Field, Vocabulary, check_value
from kb.content.text import detect_lang
from kb.content.textfile import read_text
from kb.content.yamltext import Located, parse_yaml
from kb.model import Article, Question
from kb.problems import KbError, Problem, Severity, did_you_mean

_FENCE = re.compile(r"^(---|\.\.\.)\s*$")
_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_HTML = re.compile(r"<[A-Za-z/!?]|&(#[0-9]+|#x[0-9A-Fa-f]+|[A-Za-z][A-Za-z0-9]*);")  # a tag, a comment or an entity
_CODE_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class Content:
    articles: list[Article] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class ArticleRules:
    """How strict loading is: our own help center requires front matter; someone else's folder may have none."""

    vocabulary: Vocabulary = Vocabulary()
    default_lang: str = "en"
    require_front_matter: bool = True


def split_front_matter(text: str, shown: str) -> tuple[Located | None, str, int, list[Problem]]:
    """Split `---` front matter from the body. Returns (front matter, body, body's first line, problems)."""
    lines = text.splitlines(keepends=True)
    if not lines or not _FENCE.match(lines[0]) or lines[0].startswith("..."):
        return None, text, 1, []
    for index in range(1, len(lines)):
        if _FENCE.match(lines[index]):
            located, problems = parse_yaml("".join(lines[1:index]), shown, first_line=2)
            return located, "".join(lines[index + 1 :]), index + 2, problems
    raise KbError(Problem(shown, 1, "front matter is not closed", "add a line with '---' after the front matter"))


def headings_of(body: str) -> tuple[str, ...]:
    found, in_code = [], False
    for line in body.splitlines():
        if _CODE_FENCE.match(line):
            in_code = not in_code
        elif not in_code and (match := _HEADING.match(line)):
            found.append(match.group(2))
    return tuple(found)


def _title_from_body(body: str) -> str:
    for line in body.splitlines():
        match = _HEADING.match(line)
        if match and len(match.group(1)) == 1:
            return match.group(2)
    return ""


def parse_article(text: str, relpath: str, shown: str, rules: ArticleRules) -> tuple[Article | None, list[Problem]]:
    located, body, body_line, problems = split_front_matter(text, shown)
    if located is None:
        if rules.require_front_matter:
            return None, [
                Problem(shown, 1, "article has no front matter", "start the file with '---', 'title: ...', '---'")
            ]
        located = Located({}, 1)
    meta = located.value if located.value is not None else {}
    if not isinstance(meta, dict):
        return None, problems + [
            Problem(shown, 2, "front matter must be a mapping of keys to values", "e.g. title: Reset your password")
        ]
    values = check_fields(
        meta, located, ARTICLE_FIELDS, rules.vocabulary, shown, problems, enforce_required=rules.require_front_matter
    )
    title = values.get("title")
    if title is None and not rules.require_front_matter:
        title = _title_from_body(body) or Path(relpath).stem.replace("-", " ").replace("_", " ").capitalize()
    if title is None:
        return None, problems
    if "title" in located.key_lines and isinstance(title, str) and _HTML.search(title):
        problems.append(
            Problem(
                shown,
                located.line_of("title"),
                "the title contains HTML; readers see it as text, tags and all",
                "write the title as plain words",
                Severity.WARNING,
            )
        )
    if problems and any(p.is_error for p in problems):
        return None, problems
    stem = relpath[:-3] if relpath.endswith(".md") else relpath
    article = Article(
        id=values.get("id") or stem,
        path=relpath,
        title=title,
        lang=values.get("lang") or rules.default_lang,
        body=body,
        summary=values.get("summary", ""),
        category=values.get("category", ""),
        covers=values.get("covers", ()),
        tags=values.get("tags", ()),
        reviewed=values.get("reviewed"),
        owner=values.get("owner", ""),
        headings=headings_of(body),
        line_of={**located.key_lines, "body": body_line},
    )
    return article, problems


def check_fields(
    meta: dict,
    located: Located,
    fields: tuple[Field, ...],
    vocabulary: Vocabulary,
    shown: str,
    problems: list[Problem],
    enforce_required: bool = True,
) -> dict:
    by_name = {f.name: f for f in fields}
    values = {}
    for key in meta:
        if key not in by_name:
            problems.append(
                Problem(
                    shown,
                    located.line_of(str(key)),
                    f"unknown key '{key}'",
                    did_you_mean(str(key), by_name),
                    Severity.WARNING,
                )
            )
    for f in fields:
        if f.name not in meta or meta[f.name] is None:
            if f.required and enforce_required:
                problems.append(
                    Problem(shown, located.line, f"missing required key '{f.name}'", f"add '{f.name}: {f.example}'")
                )
            continue
        value, message, hint = check_value(f, meta[f.name], vocabulary)
        if message:
            problems.append(Problem(shown, located.line_of(f.name), message, hint))
        else:
            values[f.name] = value
    return values


def is_landing_page(relpath: str) -> bool:
    """`index.md` files are landing pages (home, language homes), not articles."""
    return relpath == "index.md" or relpath.endswith("/index.md")


def markdown_files(folder: Path) -> list[Path]:
    return sorted(
        p for p in folder.rglob("*.md") if not any(part.startswith((".", "_")) for part in p.relative_to(folder).parts)
    )


def load_articles(
    folder: Path, rules: ArticleRules, shown_root: str | None = None
) -> tuple[list[Article], list[Problem]]:
    if not folder.is_dir():
        raise KbError(
            Problem(
                shown_root or str(folder),
                0,
                "articles folder not found",
                "check the 'articles' setting in kb.yml or --articles",
            )
        )
    articles: list[Article] = []
    problems: list[Problem] = []
    seen: dict[str, Article] = {}
    for path in markdown_files(folder):
        relpath = path.relative_to(folder).as_posix()
        if is_landing_page(relpath):
            continue
        shown = f"{shown_root}/{relpath}" if shown_root else str(path)
        try:
            article, found = parse_article(read_text(path, shown), relpath, shown, rules)
        except KbError as exc:
            problems.extend(exc.problems)
            continue
        problems.extend(found)
        if article is None:
            continue
        if article.id in seen:
            first = seen[article.id]
            problems.append(
                Problem(
                    shown,
                    article.line_of.get("id", 1),
                    f"duplicate article id '{article.id}'",
                    f"also used by {first.path}; give one of them another 'id'",
                )
            )
            continue
        seen[article.id] = article
        articles.append(article)
    return articles, problems


def load_any_folder(folder: Path) -> tuple[list[Article], list[Problem]]:
    """Any folder of Markdown as it is: front matter optional, title from it, else the first heading, else the file
    name; the language detected when the front matter does not say."""
    articles, problems = load_articles(folder, ArticleRules(Vocabulary(None, None), "en", require_front_matter=False))
    detected = [a if "lang" in a.line_of else replace(a, lang=detect_lang(a.title + a.body[:2000])) for a in articles]
    return detected, problems
