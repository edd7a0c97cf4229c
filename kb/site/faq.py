"""The FAQ zone on each language's home: the most asked common questions that have a confirmed article.

Kept by the ticket data at every build: questions.yml's volumes (the latest period's ticket counts) order the
questions, an article's `covers:` confirms the answer, and the question is shown in the customers' words (its
`question`), linking to that article. One question per article (its most asked), so the zone is not one article
many times over; questions of the page's language only. A home page asks for the zone with FAQ_MARKER.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from kb.model import Article, Question
from kb.templates import render as render_template

FAQ_MARKER = "<!-- kb:faq -->"
FAQ_SIZE = 8
_HEADING = {"en": "Most asked questions", "zh": "常见问题"}


@dataclass(frozen=True)
class FaqEntry:
    question: Question
    article: Article


def faq_entries(
    articles: Iterable[Article], questions: Iterable[Question], lang: str, limit: int = FAQ_SIZE
) -> list[FaqEntry]:
    """The `limit` most asked questions in `lang` with an article of that language confirmed to answer them (one
    question per article), most tickets first; ties by question id, so the zone is stable from build to build."""
    answering: dict[str, Article] = {}
    for article in sorted((a for a in articles if a.lang == lang), key=lambda a: a.path):
        for qid in article.covers:
            answering.setdefault(qid, article)
    ranked = sorted((q for q in questions if q.lang == lang and q.id in answering), key=lambda q: (-q.volume, q.id))
    entries: list[FaqEntry] = []
    shown: set[str] = set()
    for question in ranked:
        article = answering[question.id]
        if article.id in shown or article.id in question.not_answered_by:
            continue
        shown.add(article.id)
        entries.append(FaqEntry(question, article))
        if len(entries) == limit:
            break
    return entries


def faq_html(
    articles: Iterable[Article],
    questions: Iterable[Question],
    lang: str,
    base: str,
    overrides: Sequence[Path | str] = (),
) -> str:
    """The zone's HTML (template `kb/faq.html`); empty when no question has a confirmed article."""
    entries = faq_entries(articles, questions, lang)
    if not entries:
        return ""
    heading = _HEADING.get(lang, _HEADING["en"])
    return render_template("faq.html", overrides, heading=heading, entries=entries, base=base)
