"""Which common questions a new article's title might answer, for `kb new`."""

from __future__ import annotations

from collections import Counter

from kb.matching.analysis import terms
from kb.model import Question


def likely_questions(title: str, questions: list[Question], limit: int = 5) -> list[Question]:
    """Questions whose wording shares the most terms with the title, most tickets first among equals.

    Words found in more than a tenth of the questions ("get", "course") say nothing about which one is meant.
    """
    asked_terms = [set().union(*(terms(t) for t in (q.question, *q.variants))) for q in questions]
    counts = Counter(term for asked in asked_terms for term in asked)
    common = {term for term, n in counts.items() if len(questions) >= 10 and n * 10 > len(questions)}
    wanted = set(terms(title)) - common
    scored = []
    for q, asked in zip(questions, asked_terms):
        asked = asked - common
        overlap = len(wanted & asked)
        if overlap:
            scored.append((overlap / len(wanted | asked), q.volume, q))
    scored.sort(key=lambda s: (-s[0], -s[1]))
    return [q for _, _, q in scored[:limit]]
