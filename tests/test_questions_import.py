"""`kb questions import`: CSV exports from ticketing systems merged into questions.yml."""

from __future__ import annotations

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
    assert len(chinese) == 1 and chinese[0]["id"].startswith("q-") and chinese[0]["volume"] == 7
    assert "2 added, 0 updated" in result.out


def test_import_adds_volume_to_matching_question_or_variant_and_keeps_comments(kb, site):
    site.write("tickets.csv", "question,count\nI forgot my password!,5\nReset link expired,3\n")
    assert kb("questions", "import", "tickets.csv", cwd=site.root).code == 0
    assert load(site)["forgot-password"]["volume"] == 128
    assert (site.root / "questions.yml").read_text(encoding="utf-8").startswith("# Support's common questions\n")
    assert kb("check", cwd=site.root).code == 0


def test_import_into_question_without_volume(kb, site):
    site.write("questions.yml", "questions:\n  - id: a\n    question: Where is my invoice\n")
    site.write("tickets.csv", "question,count\nwhere is my invoice?,4\n")
    assert kb("questions", "import", "tickets.csv", cwd=site.root).code == 0
    assert load(site)["a"]["volume"] == 4


def test_column_mapping_for_other_headers(kb, site):
    site.write("export.csv", "Subject,Tickets,Queue\nHow do I change my email,9,account\n")
    assert kb("questions", "import", "export.csv", cwd=site.root).code == 1  # no "question" column
    result = kb(
        "questions", "import", "export.csv", "--columns", "question=Subject,count=Tickets,category=Queue", cwd=site.root
    )
    assert result.code == 0, result.err
    assert load(site)["how-do-i-change-my-email"]["volume"] == 9


def test_missing_question_column_names_headers(kb, site):
    site.write("export.csv", "Subject,Tickets\nX,1\n")
    result = kb("questions", "import", "export.csv", cwd=site.root)
    assert result.code == 1
    assert (
        "export.csv:1: error: no 'question' column; the header has: Subject, Tickets (name the columns with --columns"
        in result.err
    )


def test_bad_count_names_the_line_and_writes_nothing(kb, site):
    before = (site.root / "questions.yml").read_text(encoding="utf-8")
    site.write("tickets.csv", "question,count\nGood one,3\nBad one,lots\n")
    result = kb("questions", "import", "tickets.csv", cwd=site.root)
    assert result.code == 1
    assert "tickets.csv:3: error: count 'lots' is not a whole number of 0 or more" in result.err
    assert (site.root / "questions.yml").read_text(encoding="utf-8") == before


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


def test_unknown_category_is_dropped_with_a_warning(kb, site):
    site.write("tickets.csv", "question,count,category\nWhy was I charged twice,6,billing\n")
    result = kb("questions", "import", "tickets.csv", cwd=site.root)
    assert result.code == 0
    assert "tickets.csv:2: warning: category 'billing' is not declared in kb.yml" in result.err
    assert "category" not in load(site)["why-was-i-charged-twice"]
    assert kb("check", cwd=site.root).code == 0


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
    assert questions["paypal"] == {"id": "paypal", "question": "paypal", "volume": 5, "lang": "en"}
    assert questions["forgot-password"]["volume"] == 124  # "reset link expired" is a variant of it
    chinese = [q for q in questions.values() if q["question"] == "花呗"]
    assert chinese and chinese[0]["lang"] == "zh" and chinese[0]["volume"] == 2
    assert not any(q["question"] == "typo once" for q in questions.values())  # searched once: left out
    assert kb("check", cwd=site.root).code == 0


def test_missed_searches_without_a_database_is_a_usage_error(kb, site):
    result = kb("questions", "import", "--missed-searches", cwd=site.root)
    assert result.code == 2 and "no feedback database yet" in result.err
    assert kb("questions", "import", cwd=site.root).code == 2


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
