"""`kb new`: a new article that passes `kb check` from the start (kb.matching.questions finds what it might answer)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from kb.content.config import SiteConfig
from kb.content.text import slugify, text_id
from kb.model import Article, Question
from kb.problems import KbError, Problem, did_you_mean


def article_path(config: SiteConfig, title: str, category: str, lang: str, slug: str | None) -> Path:
    if config.category(category) is None:
        raise KbError(
            Problem(
                "kb.yml", 0, f"unknown category '{category}'", did_you_mean(category, [c.id for c in config.categories])
            )
        )
    name = slug or slugify(title) or text_id(title, "article")
    folder = config.articles_dir / (lang if lang != config.default_lang else "") / category
    return folder / f"{name}.md"


def render_article(
    title: str, category: str, lang: str, suggestions: list[Question], today: dt.date, owner: str = ""
) -> str:
    quoted = title.replace('"', '\\"')
    lines = ["---", f'title: "{quoted}"', f"category: {category}", f"lang: {lang}", "covers: []"]
    for q in suggestions:
        lines.append(f"# might cover: {q.id} ({q.volume} tickets): {q.question}")
    lines.append(f"reviewed: {today.isoformat()}")
    if owner:
        lines.append(f"owner: {owner}")
    lines += ["---", ""]
    if lang == "zh":
        lines += ["先用一两句话直接回答问题。", "", "## 操作步骤", "", "1. 第一步。", "2. 第二步。", ""]
    else:
        lines += [
            "Answer the question in one or two sentences first.",
            "",
            "## Steps",
            "",
            "1. First step.",
            "2. Second step.",
            "",
        ]
    return "\n".join(lines)


def render_translation(source: Article, lang: str, questions: list[Question], owner: str = "") -> str:
    """A translation of `source` to write in place: its front matter linked by translation_of:, its text to
    translate. No reviewed: date yet: until the translator sets one, git's dates say whether it is current."""
    quoted = source.title.replace('"', '\\"')
    lines = ["---", f'title: "{quoted}"  # translate']
    if source.summary:
        summary = source.summary.replace('"', '\\"')
        lines.append(f'summary: "{summary}"  # translate')
    lines += [f"category: {source.category}", f"lang: {lang}", f"translation_of: {source.id}", "covers: []"]
    for q in sorted(questions, key=lambda q: -q.volume)[:5]:
        lines.append(f"# might cover: {q.id} ({q.volume} tickets): {q.question}")
    lines.append("# reviewed: YYYY-MM-DD  (set it when the translation is done)")
    if owner:
        lines.append(f"owner: {owner}")
    lines += ["---", "", source.body.lstrip("\n")]
    return "\n".join(lines)
