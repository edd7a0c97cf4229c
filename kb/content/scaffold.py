"""`kb new`: a new draft article (`draft: true`) with the questions it might answer. Its placeholder text passes
`kb check` but fails `kb check --strict` and the build until the writer replaces it."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from kb.content.articles import PLACEHOLDERS
from kb.content.config import SiteConfig
from kb.content.text import text_id
from kb.model import Article, Question
from kb.problems import KbError, Problem, did_you_mean

SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


def article_path(
    config: SiteConfig, title: str, category: str, lang: str, slug: str | None, section: str | None = None
) -> Path:
    """Where a new article goes: `<category>/<slug>.md`, or `<category>/<section>/<slug>.md` in one of the
    category's sections (its folder places it there), under the language's folder when not the default one."""
    declared = config.category(category)
    if declared is None:
        raise KbError(
            Problem(
                "kb.yml", 0, f"unknown category '{category}'", did_you_mean(category, [c.id for c in config.categories])
            )
        )
    if section is not None and declared.section(section) is None:
        raise KbError(_unknown_section(section, category, [s.id for s in declared.sections]))
    name = _file_name(slug) or text_id(title, "article")
    folder = config.articles_dir / (lang if lang != config.default_lang else "") / category / (section or "")
    return folder / f"{name}.md"


def translation_path(config: SiteConfig, source: Article, lang: str, slug: str | None) -> Path:
    """Where the translation of `source` into `lang` goes: the source's own folder, moved under `lang`'s folder
    (`account/sign-in/x.md` gives `zh/account/sign-in/x.md`, and back), so that it is in the same section."""
    folder = source.path.rsplit("/", 1)[0] if "/" in source.path else ""
    if source.lang != config.default_lang and (folder == source.lang or folder.startswith(f"{source.lang}/")):
        folder = folder[len(source.lang) :].lstrip("/")
    name = _file_name(slug or source.path.rsplit("/", 1)[-1].removesuffix(".md"))
    return config.articles_dir / (lang if lang != config.default_lang else "") / folder / f"{name}.md"


def _file_name(slug: str | None) -> str | None:
    if slug is not None and not SLUG.match(slug):
        raise KbError(
            Problem(
                "--slug",
                0,
                f"'{slug}' is not a file name kb can use",
                "lowercase letters, digits and '-', e.g. refunds",
            )
        )
    return slug


def _unknown_section(section: str, category: str, declared: list[str]) -> Problem:
    if not declared:
        return Problem(
            "--section",
            0,
            f"category '{category}' has no sections",
            f"declare them under '{category}' in kb.yml (sections: [{{id: ..., title: ...}}]), or leave out --section",
        )
    close = did_you_mean(section, declared)
    listed = f"its sections: {', '.join(declared)}"
    return Problem(
        "--section",
        0,
        f"unknown section '{section}' in category '{category}'",
        f"{close} {listed}" if close.startswith("did you mean") else listed,
    )


def render_article(
    title: str, category: str, lang: str, suggestions: list[Question], today: dt.date, owner: str = ""
) -> str:
    quoted = title.replace('"', '\\"')
    lines = ["---", f'title: "{quoted}"', f"category: {category}", f"lang: {lang}", "draft: true", "covers: []"]
    for q in suggestions:
        lines.append(f"# might cover: {q.id} ({q.volume} tickets): {q.question}")
    lines.append(f"reviewed: {today.isoformat()}")
    if owner:
        lines.append(f"owner: {owner}")
    lines += ["---", ""]
    answer, first, second = PLACEHOLDERS["zh" if lang == "zh" else "en"]
    lines += [answer, "", "## 操作步骤" if lang == "zh" else "## Steps", "", first, second, ""]
    return "\n".join(lines)


def render_translation(source: Article, lang: str, questions: list[Question], owner: str = "") -> str:
    """A translation of `source` to write in place: its front matter linked by translation_of:, its text to
    translate. No reviewed: date yet: until the translator sets one, git's dates say whether it is current."""
    quoted = source.title.replace('"', '\\"')
    lines = ["---", f'title: "{quoted}"  # translate']
    if source.summary:
        summary = source.summary.replace('"', '\\"')
        lines.append(f'summary: "{summary}"  # translate')
    lines.append(f"category: {source.category}")
    if source.section and "section" in source.line_of:  # else its folder, which the translation's mirrors, says it
        lines.append(f"section: {source.section}")
    lines += [f"lang: {lang}", f"translation_of: {source.id}", "covers: []"]
    for q in sorted(questions, key=lambda q: -q.volume)[:5]:
        lines.append(f"# might cover: {q.id} ({q.volume} tickets): {q.question}")
    lines.append("# reviewed: YYYY-MM-DD  (set it when the translation is done)")
    if owner:
        lines.append(f"owner: {owner}")
    lines += ["---", "", source.body.lstrip("\n")]
    return "\n".join(lines)
