"""`kb new`: a new article that passes `kb check` from the start, with the questions it might answer."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from .config import SiteConfig
from .model import Question
from .problems import KbError, Problem, did_you_mean
from .text import slugify, text_id

_ASCII_WORD = re.compile(r"[a-z0-9]{3,}")
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")
_STOP = {"the", "and", "how", "can", "what", "why", "does", "with", "for", "you", "your", "are", "not", "get", "from", "this", "that", "there"}


def _terms(text: str) -> set[str]:
    text = text.casefold()
    words = {w[:5] for w in _ASCII_WORD.findall(text) if w not in _STOP}  # a crude stem: 'refunds' ~ 'refund'
    for run in _CJK_RUN.findall(text):
        words |= {run[i : i + 2] for i in range(max(1, len(run) - 1))}
    return words


def likely_questions(title: str, questions: list[Question], limit: int = 5) -> list[Question]:
    """Questions whose wording shares the most terms with the title, most tickets first among equals."""
    wanted = _terms(title)
    scored = []
    for q in questions:
        terms = set().union(*(_terms(t) for t in (q.question, *q.variants)))
        overlap = len(wanted & terms)
        if overlap:
            scored.append((overlap / len(wanted | terms), q.volume, q))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    return [q for _, _, q in scored[:limit]]


def article_path(config: SiteConfig, title: str, category: str, lang: str, slug: str | None) -> Path:
    if config.category(category) is None:
        raise KbError(Problem("kb.yml", 0, f"unknown category '{category}'", did_you_mean(category, [c.id for c in config.categories])))
    name = slug or slugify(title) or text_id(title, "article")
    folder = config.articles_dir / (lang if lang != config.default_lang else "") / category
    return folder / f"{name}.md"


def render_article(title: str, category: str, lang: str, suggestions: list[Question], today: dt.date, owner: str = "") -> str:
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
        lines += ["Answer the question in one or two sentences first.", "", "## Steps", "", "1. First step.", "2. Second step.", ""]
    return "\n".join(lines)
