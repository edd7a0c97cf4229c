"""`kb questions import`: CSV exports from ticketing systems merged into questions.yml."""

from __future__ import annotations

import pytest
import yaml


def load(site):
    return {q["id"]: q for q in yaml.safe_load((site.root / "questions.yml").read_text(encoding="utf-8"))["questions"]}


def test_import_adds_questions_with_generated_ids_and_sums_duplicates(kb, site):
    site.write(
        "tickets.csv",
        "question,count,category\nCan I pay with PayPal?,30,payments\ncan i pay with paypal,12,\n忘记了用户名,7,account\n",
    )
    result = kb("questions", "import", "tickets.csv", cwd=site.root)
    assert result.code == 0, result.err
    questions = load(site)
    assert questions["can-i-pay-with-paypal"] == {
        "id": "can-i-pay-with-paypal",
        "question": "Can I pay with PayPal?",
        "category": "payments",
        "volume": 42,
    }
    chinese = [q for q in questions.values() if q["question"] == "忘记了用户名"]
    # Its id spells it in pinyin, word by word, so a support lead can tell it from the others.
    assert len(chinese) == 1 and chinese[0]["id"] == "wangji-le-yonghuming" and chinese[0]["volume"] == 7
    assert "2 added, 0 updated" in result.out


def test_a_subjects_opening_or_closing_tags_are_not_part_of_its_id(kb, site):
    site.write(
        "tickets.csv",
        "question,count\n[BUG] Export fails on large files,3\n【求助】忘记了用户名,2\nStuck at login [Question],1\n"
        "Use the [Beta] channel,1\n",
    )
    assert kb("questions", "import", "tickets.csv", cwd=site.root).code == 0
    ids = {q["question"]: qid for qid, q in load(site).items()}
    assert ids["[BUG] Export fails on large files"] == "export-fails-on-large-files"
    assert ids["【求助】忘记了用户名"] == "wangji-le-yonghuming"
    assert ids["Stuck at login [Question]"] == "stuck-at-login"
    assert ids["Use the [Beta] channel"] == "use-the-beta-channel"  # a tag inside the question is one of its words


def test_import_sets_the_volume_of_a_matching_question_or_variant_and_keeps_comments(kb, site):
    site.write("tickets.csv", "question,count\nI forgot my password!,5\nReset link expired,3\n")
    result = kb("questions", "import", "tickets.csv", cwd=site.root)
    assert result.code == 0
    assert "updated  forgot-password" in result.out and "volume: 120 -> 8" in result.out
    assert load(site)["forgot-password"]["volume"] == 8  # the export's figure, not added to the old one
    assert (site.root / "questions.yml").read_text(encoding="utf-8").startswith("# Support's common questions\n")
    assert kb("check", cwd=site.root).code == 0


def test_import_into_question_without_volume(kb, site):
    site.write("questions.yml", "questions:\n  - id: a\n    question: Where is my invoice\n")
    site.write("tickets.csv", "question,count\nwhere is my invoice?,4\n")
    assert kb("questions", "import", "tickets.csv", cwd=site.root).code == 0
    assert load(site)["a"]["volume"] == 4


def test_column_mapping_for_other_headers(kb, site):
    site.write("export.csv", "Betreff,Anzahl,Queue\nHow do I change my email,9,account\n")
    assert kb("questions", "import", "export.csv", cwd=site.root).code == 1  # no column kb knows for the question
    result = kb(
        "questions", "import", "export.csv", "--columns", "question=Betreff,count=Anzahl,category=Queue", cwd=site.root
    )
    assert result.code == 0, result.err
    assert load(site)["how-do-i-change-my-email"]["volume"] == 9


def test_missing_question_column_names_headers(kb, site):
    site.write("export.csv", "Betreff,Anzahl\nX,1\n")
    result = kb("questions", "import", "export.csv", cwd=site.root)
    assert result.code == 1
    assert (
        "export.csv:1: error: no 'question' column; the header has: Betreff, Anzahl (name the columns with --columns"
        in result.err
    )


@pytest.mark.parametrize(
    "header, question, count",
    [
        ("Subject,Tickets", "Subject", "Tickets"),
        ("\ufeffTicket Subject,Group,# Tickets", "Ticket Subject", "# Tickets"),
        ("Summary,Number_of_tickets,Description", "Summary", "Number_of_tickets"),
        ("标题,工单数", "标题", "工单数"),
    ],
)
def test_a_ticket_exports_own_headers_are_recognised_and_named(kb, site, header, question, count):
    columns = header.lstrip("\ufeff").split(",")
    row = ["How do I change my email" if c == question else "7" if c == count else "other" for c in columns]
    site.write("export.csv", header + "\n" + ",".join(row) + "\n")
    result = kb("questions", "import", "export.csv", cwd=site.root)
    assert result.code == 0, result.err
    assert load(site)["how-do-i-change-my-email"]["volume"] == 7
    assert (
        f"warning: read column '{question.lstrip(chr(0xFEFF))}' as the question and '{count}' as the count"
        in result.err
    )


def test_a_type_column_gives_new_questions_their_type_and_leaves_existing_ones_theirs(kb, site):
    site.write(
        "export.csv",
        "Subject,Tickets,Ticket type\n"
        "How do I change my email,7,Product use\n"
        "how do I change my email?,2,\n"
        "Refund not received,4,After-sales\n",
    )
    result = kb("questions", "import", "export.csv", cwd=site.root)
    assert result.code == 0, result.err
    assert (
        "read column 'Subject' as the question and 'Tickets' as the count and 'Ticket type' as the type" in result.err
    )
    rows = load(site)
    assert (rows["how-do-i-change-my-email"]["type"], rows["how-do-i-change-my-email"]["volume"]) == ("Product use", 9)
    assert rows["refund-not-received"]["type"] == "After-sales"
    site.write("export.csv", "question,count,type\nRefund not received,5,Technical\n")
    assert kb("questions", "import", "export.csv", cwd=site.root).code == 0
    assert (load(site)["refund-not-received"]["type"], load(site)["refund-not-received"]["volume"]) == (
        "After-sales",
        5,
    )


def test_a_column_named_question_wins_over_a_ticket_subject(kb, site):
    site.write("export.csv", "Subject,Question,Count\nRe: help,How do I change my email,3\n")
    result = kb("questions", "import", "export.csv", cwd=site.root)
    assert result.code == 0, result.err
    assert load(site)["how-do-i-change-my-email"]["volume"] == 3
    assert "read column" not in result.err


def test_bad_rows_are_skipped_with_one_warning_naming_their_lines(kb, site):
    site.write(
        "tickets.csv",
        "question,count\nGood one,3\nBad one,lots\n,7\nAnother good one,2\nThird bad,abc\n",
    )
    result = kb("questions", "import", "tickets.csv", cwd=site.root)
    assert result.code == 0, result.err
    warnings = [line for line in result.err.splitlines() if "warning" in line]
    assert warnings == [
        "tickets.csv:3: warning: skipped 3 rows: line 3 (count 'lots' is not a whole number of 0 or more); "
        "line 4 (empty question); line 6 (count 'abc' is not a whole number of 0 or more) "
        "(fix those rows and import again: rows already imported keep their figures)"
    ]
    questions = load(site)
    assert questions["good-one"]["volume"] == 3 and questions["another-good-one"]["volume"] == 2
    assert "bad-one" not in questions and "third-bad" not in questions


def test_gbk_csv_from_excel_is_detected(kb, site):
    (site.root / "tickets.csv").write_bytes("question,count\n怎么申请退款,25\n".encode("gbk"))
    result = kb("questions", "import", "tickets.csv", "--lang", "zh", cwd=site.root)
    assert result.code == 0, result.err
    assert "read it as GB18030" in result.err
    added = [q for q in load(site).values() if q["question"] == "怎么申请退款"]
    assert added and added[0]["volume"] == 25 and added[0]["lang"] == "zh"


def test_utf8_bom_and_thousands_separators(kb, site):
    (site.root / "tickets.csv").write_bytes('\ufeffquestion,count\nWhere is my certificate,"1,204"\n'.encode("utf-8"))
    assert kb("questions", "import", "tickets.csv", cwd=site.root).code == 0
    assert load(site)["where-is-my-certificate"]["volume"] == 1204


def test_unknown_category_is_dropped_with_one_warning_and_its_count(kb, site):
    site.write(
        "tickets.csv",
        "question,count,category\nWhy was I charged twice,6,billing\nWhere is my invoice,2,Billing\nNo refund yet,1,billing\n",
    )
    result = kb("questions", "import", "tickets.csv", cwd=site.root)
    assert result.code == 0
    warnings = [line for line in result.err.splitlines() if "warning" in line]
    assert len(warnings) == 1  # one per unknown category, whatever its rows and their case
    assert warnings[0].startswith(
        "tickets.csv:2: warning: category 'billing' is not declared in kb.yml: 3 rows imported without a category"
        " (map it with --category-map 'billing=ID'; "
    )
    assert "category" not in load(site)["why-was-i-charged-twice"]
    assert kb("check", cwd=site.root).code == 0


def test_categories_match_whatever_their_case_or_through_a_map(kb, site):
    site.write(
        "tickets.csv",
        "question,count,category\nHow do I change my email,4,Account\nWhy was I charged twice,6,BILLING\n"
        "Where is my invoice,2,Invoices\n",
    )
    mapping = ["--category-map", "billing=payments", "--category-map", "Invoices=Payments"]
    result = kb("questions", "import", "tickets.csv", *mapping, cwd=site.root)
    assert result.code == 0, result.err
    assert "warning" not in result.err
    questions = load(site)
    assert questions["how-do-i-change-my-email"]["category"] == "account"
    assert questions["why-was-i-charged-twice"]["category"] == "payments"
    assert questions["where-is-my-invoice"]["category"] == "payments"
    bad = kb("questions", "import", "tickets.csv", "--category-map", "Billing", cwd=site.root)
    assert bad.code == 2 and "bad category mapping 'Billing'" in bad.err


def test_language_is_detected_per_row_unless_given(kb, site):
    site.write("tickets.csv", "question,count\n发票抬头写错了,5\nWhere is my invoice,2\n")
    assert kb("questions", "import", "tickets.csv", cwd=site.root).code == 0
    questions = load(site)
    chinese = next(q for q in questions.values() if q["question"] == "发票抬头写错了")
    assert chinese["lang"] == "zh"
    assert "lang" not in questions["where-is-my-invoice"]  # the site's default language
    site.write("more.csv", "question,count\nWifi 不稳定,1\n")
    assert kb("questions", "import", "more.csv", "--lang", "en", cwd=site.root).code == 0
    assert next(q for q in load(site).values() if q["question"] == "Wifi 不稳定")["lang"] == "en"


def test_reply_and_forward_prefixes_are_stripped(kb, site):
    site.write(
        "tickets.csv",
        "question,count\nRe: Can I pay with PayPal?,3\nFwd: RE: can I pay with paypal,2\nAW: Rechnung fehlt,1\n"
        "回复：发票抬头写错了,4\n转发: 发票抬头写错了？,1\n",
    )
    result = kb("questions", "import", "tickets.csv", cwd=site.root)
    assert result.code == 0, result.err
    questions = load(site)
    assert questions["can-i-pay-with-paypal"]["question"] == "Can I pay with PayPal?"
    assert questions["can-i-pay-with-paypal"]["volume"] == 5
    assert questions["rechnung-fehlt"]["question"] == "Rechnung fehlt"
    chinese = [q for q in questions.values() if q.get("lang") == "zh" and "发票" in q["question"]]
    assert [(q["question"], q["volume"]) for q in chinese] == [("发票抬头写错了", 5)]


def test_the_same_question_in_other_words_merges_into_the_existing_one_and_is_reported(kb, site):
    site.write(
        "questions.yml",
        (site.root / "questions.yml").read_text(encoding="utf-8")
        + "  - id: dark-mode\n    question: Is there a dark mode?\n    volume: 10\n"
        + "  - id: zh-invoice\n    question: 发票抬头写错了怎么办？\n    volume: 3\n    lang: zh\n",
    )
    site.write(
        "tickets.csv",
        "question,count\nDo you have a dark mode,4\nRe: I forgot my password!!,6\n发票抬头写错了怎么办?,2\n",
    )
    result = kb("questions", "import", "tickets.csv", cwd=site.root)
    assert result.code == 0, result.err
    assert "merged   'Do you have a dark mode' (line 2) into dark-mode" in result.out
    assert "0 added, 3 updated" in result.out
    questions = load(site)
    assert questions["dark-mode"]["volume"] == 4 and questions["forgot-password"]["volume"] == 6
    assert questions["zh-invoice"]["volume"] == 2  # the same words with a half-width question mark
    assert "merged   '发票" not in result.out  # the same words: not reported as other words


def test_dry_run_writes_nothing(kb, site):
    before = (site.root / "questions.yml").read_text(encoding="utf-8")
    site.write("tickets.csv", "question,count\nNew question,1\n")
    result = kb("questions", "import", "tickets.csv", "--dry-run", cwd=site.root)
    assert result.code == 0 and "added    new-question" in result.out
    assert (site.root / "questions.yml").read_text(encoding="utf-8") == before


def test_import_creates_questions_file(kb, site):
    (site.root / "questions.yml").unlink()
    site.write("tickets.csv", "question,count\nFirst,1\n")
    assert kb("questions", "import", "tickets.csv", cwd=site.root).code == 0
    assert load(site)["first"]["volume"] == 1


def test_bad_column_mapping_is_usage_error(kb, site):
    site.write("tickets.csv", "question,count\nA,1\n")
    result = kb("questions", "import", "tickets.csv", "--columns", "subject", cwd=site.root)
    assert result.code == 2
    assert "bad column mapping 'subject'" in result.err


def test_missed_searches_become_candidate_questions(kb, site):
    import sqlite3

    from feedback_widget.sqlite_store import SqliteStore

    db = site.root / "feedback.sqlite3"
    site.write("kb.yml", (site.root / "kb.yml").read_text(encoding="utf-8") + "feedback:\n  db: feedback.sqlite3\n")
    SqliteStore(db).close()
    with sqlite3.connect(db) as con:
        con.executemany(
            "INSERT INTO search_misses (day, lang, query, count) VALUES (?, ?, ?, ?)",
            [
                ("2026-11-20", "en", "paypal", 3),
                ("2026-11-21", "en", "paypal", 2),
                ("2026-11-21", "en", "reset link expired", 4),
                ("2026-11-21", "zh", "花呗", 2),
                ("2026-11-21", "en", "typo once", 1),
            ],
        )
    dry = kb("questions", "import", "--missed-searches", "--dry-run", cwd=site.root)
    assert dry.code == 0 and "added    paypal" in dry.out
    assert "paypal" not in load(site)
    result = kb("questions", "import", "--missed-searches", cwd=site.root)
    assert result.code == 0, result.err
    questions = load(site)
    assert questions["paypal"] == {"id": "paypal", "question": "paypal", "searches": 5, "lang": "en"}
    # "reset link expired" is a variant of it: the searches are counted apart, never added to ticket volume
    assert questions["forgot-password"]["volume"] == 120 and questions["forgot-password"]["searches"] == 4
    chinese = [q for q in questions.values() if q["question"] == "花呗"]
    assert chinese and chinese[0]["lang"] == "zh" and chinese[0]["searches"] == 2 and "volume" not in chinese[0]
    again = kb("questions", "import", "--missed-searches", cwd=site.root)
    assert "0 added, 0 updated, 3 unchanged" in again.out  # paypal, 花呗 and forgot-password, as they are
    assert load(site)["forgot-password"] == questions["forgot-password"]
    assert not any(q["question"] == "typo once" for q in questions.values())  # searched once: left out
    assert kb("check", cwd=site.root).code == 0


def test_missed_searches_without_a_database_is_a_usage_error(kb, site):
    result = kb("questions", "import", "--missed-searches", cwd=site.root)
    assert result.code == 2 and "no feedback database yet" in result.err
    assert kb("questions", "import", cwd=site.root).code == 2


# Periods


def test_a_period_sets_its_volumes_and_importing_the_same_file_again_changes_nothing(kb, site):
    site.write("questions.yml", "period: 2026-Q3\n" + (site.root / "questions.yml").read_text(encoding="utf-8"))
    site.write("q4.csv", "question,count\nI forgot my password,90\nreset link expired,5\nCan I pay with PayPal?,30\n")
    first = kb("questions", "import", "q4.csv", "--period", "2026-Q4", cwd=site.root)
    assert first.code == 0, first.err
    assert "updated  forgot-password" in first.out and "volume 2026-Q4: none -> 95" in first.out
    after_first = (site.root / "questions.yml").read_text(encoding="utf-8")
    questions = load(site)
    assert questions["forgot-password"]["volume"] == 120  # 2026-Q3, the file's own period, kept
    assert questions["forgot-password"]["volumes"] == {"2026-Q4": 95}
    assert questions["can-i-pay-with-paypal"]["volumes"] == {"2026-Q4": 30}
    assert questions["refund"] == {**questions["refund"], "volume": 80} and "volumes" not in questions["refund"]
    second = kb("questions", "import", "q4.csv", "--period", "2026-Q4", cwd=site.root)
    # the PayPal question was added by the first import: the second one finds it and leaves it as it is
    assert second.code == 0 and "0 added, 0 updated, 2 unchanged" in second.out, second.out
    assert (site.root / "questions.yml").read_text(encoding="utf-8") == after_first
    assert kb("check", "--strict", cwd=site.root).code == 0


def test_a_corrected_export_replaces_that_periods_figures_only(kb, site):
    site.write("q4.csv", "question,count\nI forgot my password,90\n")
    assert kb("questions", "import", "q4.csv", "--period", "2026-Q4", cwd=site.root).code == 0
    site.write("q1.csv", "question,count\nI forgot my password,70\n")
    assert kb("questions", "import", "q1.csv", "--period", "2027-Q1", cwd=site.root).code == 0
    site.write("q4.csv", "question,count\nI forgot my password,85\n")  # the corrected Q4 export
    result = kb("questions", "import", "q4.csv", "--period", "2026-Q4", cwd=site.root)
    assert "volume 2026-Q4: 90 -> 85" in result.out
    assert load(site)["forgot-password"]["volumes"] == {"2026-Q4": 85, "2027-Q1": 70}
    text = (site.root / "questions.yml").read_text(encoding="utf-8")
    assert "volumes: {2026-Q4: 85, 2027-Q1: 70}" in text


def test_a_block_volumes_mapping_is_rewritten_in_place(kb, site):
    site.write(
        "questions.yml",
        "questions:\n  - id: a\n    question: Where is my invoice\n    volumes:\n      2026-Q3: 4\n      2026-Q4: 6\n"
        "    lang: en\n  - id: b\n    question: Other\n",
    )
    site.write("t.csv", "question,count\nwhere is my invoice?,9\n")
    assert kb("questions", "import", "t.csv", "--period", "2026-Q4", cwd=site.root).code == 0
    assert load(site)["a"] == {
        "id": "a",
        "question": "Where is my invoice",
        "volumes": {"2026-Q3": 4, "2026-Q4": 9},
        "lang": "en",
    }
    assert load(site)["b"] == {"id": "b", "question": "Other"}


def test_a_period_must_look_like_one(kb, site):
    site.write("t.csv", "question,count\nA,1\n")
    result = kb("questions", "import", "t.csv", "--period", "last quarter", cwd=site.root)
    assert result.code == 2 and "e.g. 2026-Q4" in result.err
    result = kb("questions", "import", "--missed-searches", "--period", "2026-Q4", cwd=site.root)
    assert result.code == 2 and "count of their own" in result.err


def test_a_new_file_takes_the_period_of_its_first_import(kb, site):
    (site.root / "questions.yml").unlink()
    site.write("t.csv", "question,count\nFirst,3\n")
    assert kb("questions", "import", "t.csv", "--period", "2026-Q4", cwd=site.root).code == 0
    text = (site.root / "questions.yml").read_text(encoding="utf-8")
    assert text.startswith("period: 2026-Q4\nquestions:\n") and load(site)["first"]["volume"] == 3


def test_importing_the_same_export_twice_leaves_every_volume_unchanged(kb, site):
    site.write(
        "tickets.csv",
        "question,count,category\nI forgot my password,130,account\nCan I pay with PayPal?,30,payments\n"
        "Re: can I pay with paypal,4,payments\n忘记密码怎么办,45,account\n",
    )
    assert kb("questions", "import", "tickets.csv", cwd=site.root).code == 0
    once = (site.root / "questions.yml").read_text(encoding="utf-8")
    assert load(site)["forgot-password"]["volume"] == 130 and load(site)["can-i-pay-with-paypal"]["volume"] == 34
    again = kb("questions", "import", "tickets.csv", cwd=site.root)
    assert again.code == 0 and "0 added, 0 updated, 3 unchanged" in again.out
    assert (site.root / "questions.yml").read_text(encoding="utf-8") == once


# Control characters: kept out of questions.yml and of everything kb prints.

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[31mCan I pay\x07 with\x0b PayPal?\x1b[0m\u202e"


def test_control_characters_in_a_ticket_export_do_not_come_in_nor_reach_the_terminal(kb, site):
    site.write("tickets.csv", f"question,count\n{HOSTILE},7\n")
    dry = kb("questions", "import", "tickets.csv", "--dry-run", cwd=site.root)
    assert dry.code == 0, dry.err
    printed = dry.out + dry.err
    assert "Can I pay with PayPal?" in printed
    assert not [c for c in printed if ord(c) < 32 and c not in "\n\t" or 0x7F <= ord(c) <= 0x9F or c == "\u202e"]
    assert kb("questions", "import", "tickets.csv", cwd=site.root).code == 0
    written = (site.root / "questions.yml").read_text(encoding="utf-8")
    assert "question: Can I pay with PayPal?" in written and "\x1b" not in written and "\\e" not in written


def test_kb_prints_no_control_characters_from_the_content(kb, site):
    # YAML can carry them in double quotes; kb check, kb coverage (every format a terminal shows) print them.
    site.write(
        "questions.yml",
        'questions:\n  - id: paypal\n    question: "\\e]0;pwned\\a\\e[31mCan I pay with PayPal?\\e[0m"\n    volume: 5\n',
    )
    site.article("account/x.md", '---\ntitle: "Pay\\e[2J"\ncategory: "acount\\a"\n---\nBody\n')
    runs = [
        kb("check", cwd=site.root),
        kb(
            "coverage",
            cwd=site.root,
        ),
        kb("coverage", "--format", "markdown", cwd=site.root),
        kb("coverage", "--format", "csv", cwd=site.root),
    ]
    site.article("account/x.md", '---\ntitle: "Pay\\e[2J"\ncategory: account\n---\nBody\n')
    runs += [kb("coverage", cwd=site.root), kb("coverage", "--format", "markdown", cwd=site.root)]
    for run in runs:
        printed = run.out + run.err
        assert "\x1b" not in printed and "\x07" not in printed, printed
    assert "unknown category 'acount'" in runs[0].err
    assert "Can I pay with PayPal?" in runs[4].out


def test_rendered_html_has_no_control_characters(site):
    from kb.content.articles import parse_article
    from kb.content.config import load_config
    from kb.site.navigation import category_listing, safe_title

    config = load_config(site.config)
    article = load_article(site, config, parse_article)
    html = category_listing([article], config, "en", "./")
    assert "Pay" in html and "\x1b" not in html and "\x07" not in html
    assert str(safe_title("Pay\x1b[2J\x07 <b>")) == "Pay &lt;b&gt;"


def load_article(site, config, parse_article):
    from kb.content.articles import ArticleRules

    text = '---\ntitle: "Pay\\e[2J\\a"\ncategory: account\n---\nBody\n'
    rules = ArticleRules(vocabulary=config.vocabulary, default_lang="en")
    article, problems = parse_article(text, "account/x.md", "articles/account/x.md", rules)
    assert article is not None, problems
    return article


def test_problem_messages_carry_no_control_characters_wherever_they_are_printed():
    from kb.problems import Problem

    problem = Problem("questions.yml", 3, "unknown category 'acc\x1b[2Jount\x07'", "did you mean 'account'?")
    assert str(problem) == "questions.yml:3: error: unknown category 'account' (did you mean 'account'?)"


def test_the_issue_s_dark_mode_example_merges_but_other_questions_on_the_topic_stay_apart(kb, site):
    site.write(
        "questions.yml",
        (site.root / "questions.yml").read_text(encoding="utf-8")
        + "  - id: dark-mode\n    question: Does the app have a dark mode?\n    volume: 55\n",
    )
    site.write(
        "tickets.csv",
        "question,count\nDo you offer a dark mode?,7\nDark mode on Windows,3\nIs there an app?,2\nIs there a website?,1\n",
    )
    result = kb("questions", "import", "tickets.csv", cwd=site.root)
    assert result.code == 0, result.err
    assert "merged   'Do you offer a dark mode?' (line 2) into dark-mode" in result.out
    questions = load(site)
    assert questions["dark-mode"]["volume"] == 7
    assert {"dark-mode-on-windows", "is-there-an-app", "is-there-a-website"} <= set(questions)
