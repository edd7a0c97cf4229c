"""Synthetic help centers for benchmarks: N articles and M questions, deterministic for a given seed.

Each article is about one topic (a few rare words) written with common help-center words, so posting lists have
realistic lengths: a handful of documents for topic words, most documents for common ones.
"""

from __future__ import annotations

import random
from pathlib import Path

from kb.model import Article, Question

COMMON = (
    "account settings open click choose select page menu button email payment course video lesson app mobile "
    "subscription plan card error message screen profile download upload browser device phone network update "
    "option change save help support team month year order price refund certificate quiz progress"
).split()
FILLER = "the a to your you then and of in on for with if is it this that when after before from can will".split()
CATEGORIES = ("account", "payments", "courses", "video", "mobile", "privacy")
SECTION_SIZE = 60  # articles per section on average: sections hold 20 to 100 articles, as in real help centers


def _word(rng: random.Random) -> str:
    return "".join(rng.choice("bcdfghjklmnprstvwz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))


def topics(count: int, seed: int = 7) -> list[list[str]]:
    rng = random.Random(seed)
    return [[_word(rng) for _ in range(4)] for _ in range(count)]


def _sentence(rng: random.Random, topic: list[str]) -> str:
    words = [
        rng.choice(topic) if rng.random() < 0.25 else rng.choice(COMMON if rng.random() < 0.6 else FILLER)
        for _ in range(rng.randint(8, 16))
    ]
    return " ".join(words).capitalize() + "."


def _section_counts(count: int) -> list[int]:
    """How many sections each category has for `count` articles (one per SECTION_SIZE articles, at least one)."""
    per_category = [len(range(k, count, len(CATEGORIES))) for k in range(len(CATEGORIES))]
    return [max(1, round(m / SECTION_SIZE)) for m in per_category]


def section_of(i: int, count: int) -> str:
    """The section of article `i`: each category's articles cut into consecutive runs of about SECTION_SIZE."""
    k, position = i % len(CATEGORIES), i // len(CATEGORIES)
    members = len(range(k, count, len(CATEGORIES)))
    return f"s{position * _section_counts(count)[k] // members + 1:02d}"


def sections(count: int) -> dict[str, list[str]]:
    """{category: its section ids} for a corpus of `count` articles."""
    return {c: [f"s{j + 1:02d}" for j in range(n)] for c, n in zip(CATEGORIES, _section_counts(count))}


def articles(
    count: int, seed: int = 11, topic_list: list[list[str]] | None = None, with_sections: bool = True
) -> list[Article]:
    """`count` articles over six categories, each category cut into sections of about 60 (their folders); without
    sections, the categories' folders hold their articles directly (the corpus before sections)."""
    rng = random.Random(seed)
    topic_list = topic_list or topics(count)
    result = []
    for i in range(count):
        topic = topic_list[i % len(topic_list)]
        paragraphs = [
            "\n".join(_sentence(rng, topic) for _ in range(rng.randint(3, 6))) for _ in range(rng.randint(3, 5))
        ]
        headings = tuple(f"{rng.choice(COMMON).capitalize()} {topic[j % 4]}" for j in range(3))
        body = "\n\n".join(f"## {h}\n\n{p}" for h, p in zip(headings, paragraphs))
        result.append(
            Article(
                id=f"a{i:05d}",
                path=f"{CATEGORIES[i % 6]}/{section_of(i, count) + '/' if with_sections else ''}a{i:05d}.md",
                title=f"{topic[0].capitalize()} {rng.choice(COMMON)} {topic[1]}",
                lang="en",
                body=body,
                summary=_sentence(rng, topic),
                category=CATEGORIES[i % 6],
                section=section_of(i, count) if with_sections else "",
                headings=headings,
            )
        )
    return result


def questions(count: int, article_count: int, seed: int = 13, gap_share: float = 0.2) -> list[Question]:
    """Questions about the articles' topics, and a share about topics no article has."""
    rng = random.Random(seed)
    known = topics(article_count)
    unknown = topics(max(50, count // 10), seed=seed + 1)
    result = []
    for i in range(count):
        topic = rng.choice(unknown if rng.random() < gap_share else known)
        words = [rng.choice(topic), rng.choice(COMMON), rng.choice(topic), rng.choice(FILLER), rng.choice(COMMON)]
        variants = tuple(" ".join(rng.sample(words, 3)) for _ in range(rng.randint(0, 2)))
        result.append(
            Question(
                f"q{i:05d}", f"How do I {' '.join(words)}?", "en", CATEGORIES[i % 6], rng.randint(1, 500), variants
            )
        )
    return result


def write_site(
    folder: Path, count: int, with_coverage: bool, question_count: int = 200, with_sections: bool = True
) -> Path:
    """A MkDocs help center on disk (kb.yml, mkdocs.yml, articles, questions.yml); returns mkdocs.yml."""
    import yaml

    docs = folder / "articles"
    for a in articles(count, with_sections=with_sections):
        path = docs / a.path
        path.parent.mkdir(parents=True, exist_ok=True)
        front = {"title": a.title, "summary": a.summary, "category": a.category, "reviewed": "2026-10-01"}
        path.write_text("---\n" + yaml.safe_dump(front) + "---\n\n" + a.body + "\n", encoding="utf-8")
    (docs / "index.md").write_text("# Help\n", encoding="utf-8")
    qs = [
        {"id": q.id, "question": q.question, "category": q.category, "volume": q.volume}
        for q in questions(question_count, count)
    ]
    (folder / "questions.yml").write_text(yaml.safe_dump({"questions": qs}, allow_unicode=True), encoding="utf-8")
    (folder / "kb.yml").write_text(
        "articles: articles\nquestions: questions.yml\ncategories:\n"
        + "".join(
            f"  - id: {c}\n    title: {c.capitalize()}\n"
            + ("    sections:\n" if with_sections else "")
            + "".join(f"      - id: {s}\n        title: {c.capitalize()} part {s[1:]}\n" for s in ids if with_sections)
            for c, ids in sections(count).items()
        )
        + "coverage:\n  fail_under: 0\n",
        encoding="utf-8",
    )
    plugins = "  - search\n  - kb\n" + ("  - kb-coverage\n" if with_coverage else "")
    mkdocs = folder / "mkdocs.yml"
    mkdocs.write_text(
        f"site_name: Bench\ndocs_dir: articles\ntheme:\n  name: material\n  features: [navigation.prune]\nplugins:\n{plugins}",
        encoding="utf-8",
    )
    return mkdocs
