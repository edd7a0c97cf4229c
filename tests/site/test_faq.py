"""The FAQ zone on each language's home, kept by the ticket data."""

from __future__ import annotations

import re
from dataclasses import replace

from kb.content.config import load_config
from kb.content.site import load_site
from kb.model import Article, Question
from kb.site.faq import FAQ_SIZE, faq_entries, faq_html
from tests.conftest import REPO


def article(aid: str, covers: tuple[str, ...], lang: str = "en") -> Article:
    return Article(id=aid, path=f"{aid}.md", title=aid.title(), category="c", lang=lang, covers=covers)


QUESTIONS = [
    Question(id="refund", question="How do I get my money back?", lang="en", volume=80),
    Question(id="password", question="i forgot my password", lang="en", volume=120),
    Question(id="reset-expired", question="Reset link expired", lang="en", volume=95),
    Question(id="no-article", question="Can I pay in bitcoin?", lang="en", volume=500),
    Question(id="zh-refund", question="怎么申请退款？", lang="zh", volume=300),
]
ARTICLES = [
    article("reset-password", ("password", "reset-expired")),
    article("request-refund", ("refund",)),
    article("zh-request-refund", ("zh-refund",), lang="zh"),
]


def test_most_asked_questions_with_a_confirmed_article_first_one_per_article():
    entries = faq_entries(ARTICLES, QUESTIONS, "en")
    assert [(e.question.id, e.article.id) for e in entries] == [
        ("password", "reset-password"),  # 120 tickets; "reset-expired" (95) has the same article
        ("refund", "request-refund"),
    ]  # "no-article" is asked most but nothing answers it


def test_each_language_lists_its_own_questions():
    assert [e.question.id for e in faq_entries(ARTICLES, QUESTIONS, "zh")] == ["zh-refund"]


def test_the_zone_follows_the_volumes_and_covers_of_this_build():
    busier = [replace(q, volume=1000) if q.id == "refund" else q for q in QUESTIONS]
    assert [e.question.id for e in faq_entries(ARTICLES, busier, "en")] == ["refund", "password"]
    no_longer = [replace(a, covers=()) if a.id == "request-refund" else a for a in ARTICLES]
    assert [e.question.id for e in faq_entries(no_longer, QUESTIONS, "en")] == ["password"]
    rejected = [replace(q, not_answered_by=("request-refund",)) if q.id == "refund" else q for q in QUESTIONS]
    assert [e.question.id for e in faq_entries(ARTICLES, rejected, "en")] == ["password"]


def test_the_zone_links_each_question_to_its_article_in_customers_words():
    html = faq_html(ARTICLES, QUESTIONS, "en", "../")
    assert '<a href="../request-refund/">How do I get my money back?</a>' in html
    assert faq_html(ARTICLES, QUESTIONS[3:4], "en", "") == ""  # nothing answered: no empty zone


def test_the_sample_homes_list_the_most_asked_questions(sample_site):
    config = load_config(REPO / "kb.yml")
    content = load_site(config)
    for lang, home in (("en", "index.html"), ("zh", "zh/index.html")):
        html = (sample_site / home).read_text(encoding="utf-8")
        zone = re.search(r'<section class="kb-faq".*?</section>', html, re.S)
        assert zone, home
        links = re.findall(r'<li><a href="([^"]+)">([^<]+)</a></li>', zone.group(0))
        expected = faq_entries(content.articles, content.questions, lang)
        assert len(links) == len(expected) == FAQ_SIZE
        prefix = "../" if lang == "zh" else ""
        assert [href for href, _ in links] == [prefix + e.article.url for e in expected]
        volumes = [e.question.volume for e in expected]
        assert volumes == sorted(volumes, reverse=True)
        top = max(
            (q for q in content.questions if q.lang == lang and any(q.id in a.covers for a in content.articles)),
            key=lambda q: q.volume,
        )
        assert links[0][1].replace("&#39;", "'") == top.question
