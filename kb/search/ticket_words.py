"""The ticket data in the site's browser search: customers' words in each article's search entry.

Support's common questions (questions.yml: each `question` and its `variants`) are written the way customers
write; an article that covers a question (`covers:`, which also holds the suggestions a lead accepted) answers
those words. The build gives each article's page entry in Material's search_index.json a field of its own with the
words of the questions it covers, their other English forms and the support synonyms of the words (and of the
title's), weighted below the title and above the body. Chinese is segmented with jieba as Material's search plugin
segments the pages, so the browser finds the same words.

Landing pages (the homes, category and contact pages: `index.md` files) get a low document boost: their text
mentions every subject in passing, and they must never rank above the articles that answer the question.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.content.text import CJK
from kb.matching.analysis import terms
from kb.matching.synonyms import GROUPS
from kb.model import Article, Question
from kb.search.scope import location_path
from kb.search.word_forms import extra_terms

FIELD = "kb_questions"
FIELD_BOOST = 300.0  # below a title match (1,000), above the word forms (100) and the body (1)
LANDING_BOOST = 0.01  # a landing page's whole entry, against 1 for an article
SEPARATOR = "\u200b"  # how Material's search plugin joins jieba's words (mkdocs.yml's search separator has it)
_HAN_RUN = re.compile(r"[\u3400-\u9fff]+")
_LATIN_WORD = re.compile(r"[a-z0-9][a-z0-9'’]*")


def _segment(text: str) -> str:
    """Chinese runs cut into jieba's words, each surrounded by the separator (as the search plugin does)."""
    import jieba

    def cut(match: re.Match) -> str:
        return SEPARATOR + SEPARATOR.join(jieba.cut(match.group(0))) + SEPARATOR

    return _HAN_RUN.sub(cut, text)


def _latin_words(text: str) -> list[str]:
    return [w.replace("'", "").replace("’", "") for w in _LATIN_WORD.findall(text.lower())]


def _norm(word: str) -> str:
    """A word as a search term (stemmed), or itself when it is a stop word."""
    found = terms(word)
    return found[0] if found else word


def _contains(words: list[str], phrase: list[str]) -> bool:
    """Whether `phrase` occurs in `words` as consecutive words."""
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


def synonyms_of(texts: Iterable[str], groups: tuple[tuple[str, ...], ...]) -> list[str]:
    """Every phrase of each synonym group one of whose phrases the texts contain (English phrases compared as
    search terms, so "refunds" counts for "refund"; Chinese ones as text)."""
    texts = list(texts)
    sequences = [[_norm(w) for w in _latin_words(text)] for text in texts]
    joined = " ".join(texts)
    found: list[str] = []
    for group in groups:
        for phrase in group:
            if CJK.search(phrase):
                hit = phrase in joined
            else:
                needed = [_norm(w) for w in _latin_words(phrase)]
                hit = bool(needed) and any(_contains(words, needed) for words in sequences)
            if hit:
                found += [p for p in group if p not in found]
                break
    return found


def question_text(article: Article, questions: dict[str, Question], groups: tuple[tuple[str, ...], ...]) -> str:
    """The search field's text for an article: its covered questions' wording, word forms and synonyms."""
    wording = [t for qid in article.covers if (q := questions.get(qid)) for t in (q.question, *q.variants)]
    if not wording:
        return ""
    synonyms = synonyms_of([article.title, *wording], groups)
    latin = [w for text in wording + synonyms for w in _latin_words(text)]
    parts = [" ".join(dict.fromkeys(latin))]
    parts.append(extra_terms(" ".join(latin)))
    han = [text for text in wording + synonyms if CJK.search(text)]
    if han:
        parts.append(_segment(" ".join(_HAN_RUN.findall(" ".join(han)))))
    return " ".join(p for p in parts if p.strip())


def add_questions_to_index(
    index: dict,
    articles: Iterable[Article],
    questions: Iterable[Question],
    synonyms: tuple[tuple[str, ...], ...] = (),
    landing_urls: Iterable[str] = (),
) -> dict:
    """Material's search_index.json with each article's page entry given its customers' words (FIELD) and each
    landing page's entries (the page and its sections) a low boost."""
    by_id = {q.id: q for q in questions}
    groups = GROUPS + tuple(synonyms)
    by_url = {a.url: a for a in articles}
    landing = set(landing_urls)
    for doc in index.get("docs", []):
        location = doc.get("location", "")
        page = location_path(location)
        if page in landing:
            doc["boost"] = LANDING_BOOST
        article = by_url.get(location)
        if article is not None:
            text = question_text(article, by_id, groups)
            if text:
                doc[FIELD] = text
    index.setdefault("config", {}).setdefault("fields", {})[FIELD] = {"boost": FIELD_BOOST}
    return index
