"""Coverage across languages: a question only an article in another language answers is listed as a translation
to write, ranked by ticket volume."""

from __future__ import annotations

import json

QUESTIONS = """\
questions:
  - id: forgot-password
    question: I forgot my password
    category: account
    volume: 120
  - id: refund
    question: How do I get my money back?
    category: payments
    volume: 80
  - id: zh-refund
    question: 怎么申请退款
    category: payments
    volume: 300
    lang: zh
    translation_of: refund
  - id: zh-gift
    question: 礼品卡怎么用
    category: payments
    volume: 20
    lang: zh
"""

REFUND = """\
---
title: Get your money back
category: payments
covers: [refund, zh-gift]
---

Ask for a refund within 14 days of buying a course, in Settings > Orders.
"""


def test_questions_answered_only_in_another_language_are_translations_to_write(kb, site):
    site.write("questions.yml", QUESTIONS)
    site.article("payments/refund.md", REFUND)
    result = kb("coverage", "--format", "json", cwd=site.root)
    data = json.loads(result.out)
    elsewhere = data["answered_in_other_language"]
    assert [(e["id"], e["via"], e["article"]["id"], e["action"]) for e in elsewhere] == [
        # a Chinese question whose English twin (translation_of:) an English article covers
        ("zh-refund", "refund", "payments/refund", "kb new --translate payments/refund --lang zh"),
        # a Chinese question an English article lists in covers: itself
        ("zh-gift", None, "payments/refund", "kb new --translate payments/refund --lang zh"),
    ]
    assert data["summary"]["answered_in_other_language"] == 2
    statuses = {q["id"]: q["status"] for q in data["questions"]}
    assert statuses["zh-refund"] == "gap" and statuses["zh-gift"] == "covered"  # the figures are unchanged
    assert "zh-refund" in kb("coverage", cwd=site.root).out.split("translations to write (2):", 1)[1]

    # Once the translation exists and covers its question, nothing is left to write for it.
    site.article(
        "zh/payments/refund.md",
        "---\ntitle: 申请退款\ncategory: payments\nlang: zh\ntranslation_of: payments/refund\n"
        "covers: [zh-refund]\n---\n\n购买后十四天内可以申请退款。\n",
    )
    data = json.loads(kb("coverage", "--format", "json", cwd=site.root).out)
    [gift] = data["answered_in_other_language"]
    assert gift["id"] == "zh-gift" and gift["translation"] == "zh/payments/refund.md"
    assert gift["action"] == "add zh-gift to covers: in zh/payments/refund.md"


def test_a_question_translation_of_names_a_question_in_another_language(kb, site):
    text = QUESTIONS.replace("translation_of: refund", "translation_of: refunds") + (
        "  - id: refund-2\n    question: Refund please\n    translation_of: refund\n"
    )
    site.write("questions.yml", text)
    result = kb("check", cwd=site.root)
    assert (
        "questions.yml:15: warning: translation_of names no question: 'refunds' (did you mean 'refund'?)" in result.err
    )
    assert "questions.yml:23: warning: translation_of 'refund' is in the same language (en)" in result.err


def test_the_sample_lists_its_translations_to_write(report_folder):
    data = json.loads((report_folder / "coverage.json").read_text(encoding="utf-8"))
    ids = [e["id"] for e in data["answered_in_other_language"]]
    assert ids[:2] == ["zh-student-discount", "zh-change-email"]
    page = (report_folder / "index.html").read_text(encoding="utf-8")
    assert "Answered only in another language (" in page and "kb new --translate payments/student-discount" in page
