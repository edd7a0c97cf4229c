"""The coverage engine on a small help center whose answers are known."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from kb.coverage.analysis import analyse
from kb.matching.matcher import build_matcher
from kb.model import Article, Question
from kb.reports.data import to_csv, to_dict, to_terminal
from kb.reports.page import render


def article(aid, title, body, covers=(), lang="en", reviewed=dt.date(2026, 10, 1), category="account"):
    return Article(
        id=aid,
        path=f"{aid}.md",
        title=title,
        lang=lang,
        body=body,
        category=category,
        covers=tuple(covers),
        reviewed=reviewed,
    )


ARTICLES = [
    article(
        "reset-password",
        "Reset your password",
        "Open Settings > Password and click Forgot password. We email a reset link valid for 24 hours.",
        ["forgot-password"],
    ),
    article(
        "refunds",
        "Request a refund",
        "You can get your money back within 14 days of purchase. Open Purchases and choose Request refund.",
        ["refund"],
    ),
    article(
        "refunds-old",
        "Refund rules",
        "Refunds are paid to the card used for the purchase within 5 business days.",
        ["refund"],
        reviewed=dt.date(2025, 1, 1),
    ),
    article(
        "certificate",
        "Download your certificate",
        "When you finish every lesson of a course, open My courses and click Download certificate as PDF.",
        category="courses",
    ),
    article(
        "subtitles",
        "Turn on subtitles",
        "Click the CC button under the video player and choose the subtitle language.",
        category="video",
    ),
    article(
        "zh-password",
        "忘记密码怎么办",
        "在登录页点击忘记密码，输入手机号，收到验证码后设置新密码。",
        ["zh-forgot"],
        lang="zh",
    ),
]

QUESTIONS = [
    Question("forgot-password", "I forgot my password", "en", "account", 300, ("cant log in",)),
    Question("refund", "How do I get my money back?", "en", "payments", 200),
    Question("certificate", "Where can I download my certificate?", "en", "courses", 120),
    Question("paypal", "Can I pay with PayPal?", "en", "payments", 80),
    Question("zh-forgot", "密码忘了", "zh", "account", 50),
    Question("zh-transfer", "可以把课程转给别人吗", "zh", "courses", 40),
]


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    matcher = build_matcher(ARTICLES, tmp_path_factory.mktemp("index"))
    return analyse(ARTICLES, QUESTIONS, matcher, fail_under=80, stale_after_days=180, today=dt.date(2026, 11, 23))


def status(report, qid):
    return next(r for r in report.results if r.question.id == qid)


def test_tagged_questions_are_covered(report):
    assert status(report, "forgot-password").status == "covered"
    assert status(report, "zh-forgot").status == "covered"


def test_untagged_answered_question_is_likely_with_the_line_to_add(report):
    result = status(report, "certificate")
    assert result.status == "likely"
    assert result.candidates[0].article.id == "certificate"
    assert result.suggestion == "covers: [certificate]"


def test_unanswered_questions_are_gaps(report):
    assert status(report, "paypal").status == "gap"
    assert status(report, "zh-transfer").status == "gap"


def test_a_variant_alone_does_not_make_an_unrelated_article_likely(tmp_path):
    # The variant "video player" is all in the subtitles article; the question itself has none of its words.
    question = Question(
        "dark-theme", "Is there a dark theme for studying at night?", "en", "video", 10, ("video player",)
    )
    matcher = build_matcher(ARTICLES, tmp_path / "index")
    alone = analyse(ARTICLES, [Question("v", "video player", "en", "video", 10)], matcher)
    assert alone.results[0].status == "likely" and alone.results[0].candidates[0].article.id == "subtitles"
    result = analyse(ARTICLES, [question], matcher).results[0]
    assert result.status == "gap"
    assert "subtitles" not in [c.article.id for c in result.candidates]


def test_figures_by_volume_count_category_and_language(report):
    o = report.overall
    assert (o.questions, o.volume, o.covered, o.likely, o.gaps) == (6, 790, 3, 1, 2)
    assert o.by_volume == pytest.approx(100 * 670 / 790)
    assert o.by_count == pytest.approx(100 * 4 / 6)
    assert report.by_lang["zh"].by_volume == pytest.approx(100 * 50 / 90)
    assert report.by_category["payments"].gap_volume == 80
    assert o.tagged_by_volume == pytest.approx(100 * 550 / 790)
    assert not report.passed  # the gate counts confirmed answers only: 69.6% < 80


def test_gate_fails_with_shortfall_and_top_gaps(tmp_path):
    matcher = build_matcher(ARTICLES, tmp_path / "index")
    failing = analyse(ARTICLES, QUESTIONS, matcher, fail_under=90, gate_on="answered")
    assert not failing.passed
    message = failing.failure_message()
    assert "coverage with suggestions 84.8% of ticket volume is 5.2 points under fail_under 90%" in message
    assert message.endswith("top gaps: paypal (80), zh-transfer (40)")


def test_the_default_gate_counts_confirmed_answers_only(tmp_path):
    matcher = build_matcher(ARTICLES, tmp_path / "index")
    answered = analyse(ARTICLES, QUESTIONS, matcher, fail_under=80, gate_on="answered")
    tagged = analyse(ARTICLES, QUESTIONS, matcher, fail_under=80)
    assert tagged.gate_on == "tagged"
    assert answered.passed and not tagged.passed  # 84.8% with suggestions, but only 550 of 790 tickets (69.6%) tagged
    message = tagged.failure_message()
    assert message.startswith("coverage 69.6% of ticket volume is 10.4 points under fail_under 80%")
    assert message.endswith("; 1 suggestions to review count once accepted (kb coverage accept QUESTION ARTICLE)")
    terminal = to_terminal(tagged)
    assert terminal.startswith("6 questions, 790 tickets: 69.6% of volume answered (3 confirmed in covers:, 2 gaps; ")
    assert "1 suggestions to review would add 15.2%; gate 80%: FAIL)" in terminal
    assert "gate 80% on tagged + suggested (84.8%): pass" in to_terminal(answered)
    assert json.loads(json.dumps(to_dict(tagged)))["summary"]["gate_on"] == "tagged"
    assert analyse(ARTICLES, QUESTIONS, matcher, fail_under=65, gate_on="tagged").passed


def test_findability_ranks_each_wording(report):
    result = status(report, "forgot-password")
    assert result.ranks[0] == ("I forgot my password", 1)
    assert not result.hard_to_find


def test_duplicates_stale_and_orphans(report):
    assert [(q.id, [a.id for a in arts]) for q, arts in report.duplicates] == [("refund", ["refunds", "refunds-old"])]
    assert [(a.id, days) for a, days in report.stale] == [("refunds-old", 691)]
    assert [a.id for a in report.orphans] == ["subtitles"]


def test_empty_question_list_says_so(tmp_path):
    empty = analyse(ARTICLES, [], build_matcher(ARTICLES, tmp_path / "index"))
    assert empty.overall.by_volume is None and empty.passed
    assert "the questions file is empty" in to_terminal(empty)
    assert "The questions file is empty" in render(empty, {})


def test_json_contract(report):
    data = json.loads(json.dumps(to_dict(report)))
    assert set(data["summary"]) >= {
        "questions",
        "volume",
        "coverage_by_count",
        "coverage_by_volume",
        "fail_under",
        "passed",
    }
    row = next(q for q in data["questions"] if q["id"] == "refund")
    assert {"id", "question", "volume", "status", "articles"} <= set(row)
    assert row["status"] == "covered"
    assert [set(a) >= {"path", "score", "rank"} for a in row["articles"]] == [True, True]
    assert row["articles"][0]["rank"] <= row["articles"][1]["rank"]
    assert to_csv(report).splitlines()[0].startswith("\ufeffid,question,volume,category,lang,status,article,score,rank")


def test_report_page_escapes_everything(tmp_path):
    evil = [article("x", "<script>alert(1)</script>", "payments refund", ["q"], reviewed=dt.date(2020, 1, 1))]
    questions = [
        Question("q", "payments refund", "en", "", 5),
        Question("g", "<img src=x onerror=alert(1)> <b>gap</b>", "en", "", 5),
    ]
    page = render(analyse(evil, questions, build_matcher(evil, tmp_path / "index")), {})
    assert "<script>" not in page and "<img" not in page and "<b>gap" not in page
    assert "&lt;script&gt;" in page and "&lt;img src=x" in page


def test_index_updates_only_changed_articles(tmp_path):
    from kb.matching.index import ArticleIndex

    folder = tmp_path / "index"
    _, first = ArticleIndex.build(ARTICLES, folder)
    assert (first.added, first.updated, first.removed) == (6, 0, 0)
    edited = [ARTICLES[0].__class__(**{**ARTICLES[0].__dict__, "body": "New text"}), *ARTICLES[1:5]]
    _, second = ArticleIndex.build(edited, folder)
    assert (second.added, second.updated, second.removed) == (0, 1, 1)
    _, third = ArticleIndex.build(edited, folder)
    assert (third.added, third.updated, third.removed) == (0, 0, 0)


def test_feedback_flags_unhelpful_articles_and_the_questions_they_alone_answer(report):
    import datetime as dt

    from feedback_widget.summary import ArticleFeedback, Comment, FeedbackSummary
    from kb.coverage.audit import with_feedback

    votes = {"reset-password": (5, 15), "refunds": (40, 2), "refunds-old": (1, 1), "zh-password": (3, 7)}
    comment = Comment(7, "reset-password", dt.date(2026, 11, 20), "outdated", "<b>old</b> screens")
    summary = FeedbackSummary(tuple(ArticleFeedback(a, *counts) for a, counts in votes.items()), (comment,))
    rated = with_feedback(report, ARTICLES, summary)
    assert [h.article.id for h in rated.unhelpful] == ["reset-password", "zh-password"]  # refunds-old: too few votes
    assert [r.question.id for r in rated.answered_only_by_unhelpful] == ["forgot-password", "zh-forgot"]
    page = render(rated, {})
    assert "&lt;b&gt;old&lt;/b&gt; screens" in page and "<b>old" not in page
    assert "Under 85% with at least 10 votes" in page
    assert "It is out of date" in page  # the reason in words, not its code


def test_a_help_centers_own_synonyms_join_the_matching(tmp_path):
    articles = [
        article("sso", "Sign in with your company account", "Use the company sign-in button and your work password.")
    ]
    questions = [Question("okta", "Can I log on with Okta?", "en", volume=1)]
    plain = analyse(articles, questions, build_matcher(articles, tmp_path / "a"))
    own = analyse(articles, questions, build_matcher(articles, tmp_path / "b", synonyms=(("okta", "company account"),)))
    assert plain.results[0].confidence < own.results[0].confidence
    assert own.results[0].status == "likely"


def test_synonyms_setting_is_checked(kb, site):
    site.write("kb.yml", (site.root / "kb.yml").read_text(encoding="utf-8") + "synonyms:\n  - [refund]\n")
    result = kb("check", cwd=site.root)
    assert result.code == 1
    assert "'synonyms' must be a list of groups of two or more words" in result.err


def test_volumes_per_period_rank_by_the_latest_and_show_their_trend(tmp_path):
    from kb.content.config import SiteConfig
    from kb.content.questions import load_questions
    from kb.content.schema import Vocabulary
    from kb.coverage.audit import site_report

    path = tmp_path / "questions.yml"
    path.write_text(
        "period: 2026-Q3\nquestions:\n"
        "  - id: paypal\n    question: Can I pay with PayPal?\n    category: payments\n    volume: 300\n"
        "    volumes: {2026-Q4: 10}\n"
        "  - id: transfer\n    question: Can I pay by bank transfer?\n    category: payments\n    volume: 20\n"
        "    volumes: {2026-Q4: 200}\n"
        "  - id: subtitles\n    question: Are there subtitles?\n    volume: 50\n"
        "  - id: cash\n    question: Can I pay cash?\n    volumes:\n      2026-Q3: 0\n      2026-Q4: 5\n    searches: 40\n",
        encoding="utf-8",
    )
    questions, problems = load_questions(path, Vocabulary(None))
    assert problems == []
    by_id = {q.id: q for q in questions}
    assert by_id["paypal"].volumes == (("2026-Q3", 300), ("2026-Q4", 10)) and by_id["paypal"].volume == 10
    assert by_id["subtitles"].volume == 0  # no tickets in 2026-Q4, the latest period
    assert by_id["cash"].volume == 5 and by_id["cash"].searches == 40  # searches never added to the volume
    config = SiteConfig(tmp_path, tmp_path / "articles", path, fail_under=0)
    report = site_report(config, ARTICLES, questions, build_matcher(ARTICLES, tmp_path / "index"))
    assert report.period == "2026-Q4" and report.periods == ("2026-Q3", "2026-Q4")
    assert [r.question.id for r in report.with_status("gap")][:2] == ["transfer", "paypal"]
    assert report.overall.volume == 215
    assert report.category_trends()["payments"] == (320, 210)
    data = to_dict(report)
    assert data["summary"]["period"] == "2026-Q4" and data["summary"]["periods"] == ["2026-Q3", "2026-Q4"]
    assert next(q for q in data["questions"] if q["id"] == "cash")["searches"] == 40
    page = render(report, {"payments": "Payments"})
    assert "Tickets by category across periods" in page and "320 → 210" in page
    assert '<svg class="kb-spark"' in page and "<title>2026-Q3: 20, 2026-Q4: 200</title>" in page and "+900%" in page


def test_a_bad_period_in_volumes_is_an_error_with_its_line(tmp_path):
    from kb.content.questions import load_questions
    from kb.content.schema import Vocabulary

    path = tmp_path / "questions.yml"
    path.write_text("questions:\n  - id: a\n    question: A\n    volumes: {Q4: 3}\n", encoding="utf-8")
    _, problems = load_questions(path, Vocabulary(None))
    assert [(p.line, p.message) for p in problems] == [(4, "'volumes': 'Q4' is not a period")]


@pytest.fixture(scope="module")
def rated(report):
    from feedback_widget.summary import ArticleFeedback, Comment, FeedbackSummary, MissedSearch
    from kb.coverage.audit import with_feedback

    votes = {"reset-password": (5, 15), "refunds": (40, 2)}
    reasons = {"reset-password": (("outdated", 9), ("unclear", 4))}
    comment = Comment(7, "reset-password", dt.date(2026, 11, 20), "outdated", "<b>old</b> | screens\nsee *this*")
    missed = (MissedSearch("wechat pay", "en", 12), MissedSearch("=cmd|' /c calc'!A1", "en", 3))
    articles = tuple(ArticleFeedback(a, *counts, reasons=reasons.get(a, ())) for a, counts in votes.items())
    return with_feedback(report, ARTICLES, FeedbackSummary(articles, (comment,), missed))


def test_next_steps_come_first_in_every_report(rated):
    from kb.reports.data import to_markdown

    text = to_terminal(rated)
    assert text.index("Next steps:") < text.index("Top gaps by volume")
    assert "  - Write an article for 'Can I pay with PayPal?' (paypal): 80 tickets, +10.1 points" in text
    assert "  - Check certificate.md answers certificate, then: kb coverage accept certificate certificate" in text
    assert (
        "  - Rework reset-password.md: 25% helpful of 20 votes; readers say: It is out of date (9); "
        "It is hard to understand (4)"
    ) in text
    assert "  - Review refunds-old.md: last reviewed 691 days ago" in text
    assert "  - Readers searched 'wechat pay' 12 times and found nothing" in text
    md = to_markdown(rated)
    assert md.index("## Next steps") < md.index("| category |") < md.index("## Gaps")
    assert "- Write an article for 'Can I pay with PayPal?' (paypal): 80 tickets, +10.1 points" in md
    page = render(rated, {})
    assert page.index("Next steps") < page.index("By language") < page.index("Gaps (")
    assert "<strong>+10.1 points</strong>" in page and "It is out of date (9)" in page


def test_terminal_and_markdown_reports_carry_feedback_and_missed_searches(rated):
    from kb.reports.data import to_markdown

    text = to_terminal(rated)
    assert "Reader feedback (2 articles with votes), least helpful first:" in text
    assert "  25.0%  reset-password.md" in text
    assert "  2026-11-20  reset-password [It is out of date]: <b>old</b> | screens see *this*" in text
    assert "Searches that found nothing:" in text and "     12  wechat pay (en)" in text
    md = to_markdown(rated)
    assert "## Reader feedback" in md and "| reset-password.md | 5 | 15 | 25.0% |" in md
    assert (
        "| 2026-11-20 | reset-password | It is out of date | &lt;b&gt;old&lt;/b&gt; \\| screens see \\*this\\* |" in md
    )
    assert "<b>" not in md and "outdated |" not in md
    assert "| 12 | wechat pay | en |" in md


def test_csv_opens_in_excel_and_runs_no_formula(tmp_path):
    questions = [
        Question("f", '=HYPERLINK("http://x","click")', "en", "", 5),
        Question("g", "-2 lessons missing", "en", "", 4),
        Question("z", "证书在哪里下载", "zh", "", 3),
    ]
    text = to_csv(analyse(ARTICLES, questions, build_matcher(ARTICLES, tmp_path / "index")))
    assert text.startswith("\ufeffid,question,volume")
    rows = list(__import__("csv").reader(text.lstrip("\ufeff").splitlines()))
    cells = {row[0]: row[1] for row in rows[1:]}
    assert cells == {"f": '\'=HYPERLINK("http://x","click")', "g": "'-2 lessons missing", "z": "证书在哪里下载"}


def test_evidence_names_the_questions_words_the_article_has_and_its_sentence_holding_most():
    from kb.coverage.analysis import evidence

    proxy = article(
        "nginx",
        "Nginx",
        "Nginx is a web server. To serve Nginx under a subpath, set the base URL in the networking settings.\n\n"
        "Issue 1 of the proxy guide covers version 10.4.1 and its bugs.",
    )
    matched, passage = evidence("[Issue] nginx with subpath reverse proxy fails on v10.4.1", proxy)
    # The bracket tag and the version are what a customer pastes around the question, not its words.
    assert matched == ("nginx", "subpath", "proxy")
    assert passage == "To serve Nginx under a subpath, set the base URL in the networking settings."


def test_evidence_quotes_a_whole_sentence_with_its_links_as_their_text():
    from kb.coverage.analysis import evidence

    glibc = article(
        "manual",
        "Manual install",
        "Unpack the archive.\nIf the log says version GLIBC_2.28 not found, see [the FAQ](../faq/howto.md#glibc-2.28) "
        "and download the musl build of release 3.8.0 instead. Then start it.\n",
    )
    _, passage = evidence("version `GLIBC_2.28' not found", glibc)
    assert passage == (
        "If the log says version GLIBC_2.28 not found, see the FAQ and download the musl build of release 3.8.0 instead."
    )


def test_evidence_shows_a_chinese_questions_words_one_by_one():
    from kb.coverage.analysis import evidence

    clam = article("clam", "病毒扫描", "安装 ClamAV 服务后，在工具箱中开启病毒扫描。", lang="zh")
    matched, passage = evidence("[BUG] 安装ClamAV服务问题", clam)
    assert matched == ("安装", "ClamAV", "服务")  # not the whole run 安装ClamAV服务问题
    assert passage == "安装 ClamAV 服务后，在工具箱中开启病毒扫描。"
