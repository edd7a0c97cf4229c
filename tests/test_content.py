"""Every bad input in an article or the questions file: the message, the line and the exit code."""

from __future__ import annotations

import pytest


def check(kb, site):
    return kb("check", cwd=site.root)


def test_clean_site_passes(kb, site):
    result = check(kb, site)
    assert result.code == 0, result.err
    assert "1 articles, 3 questions: 0 errors, 0 warnings" in result.out


def test_a_broken_questions_file_is_the_only_problem_reported(kb, site):
    site.write("questions.yml", "questions:\n  - id: forgot-password\n    question: [How do I\n")
    result = check(kb, site)
    assert result.code == 1
    problems = [line for line in result.err.splitlines() if ": error: " in line]
    assert len(problems) == 1 and problems[0].startswith("questions.yml:3: error: malformed YAML"), result.err
    assert "unknown question id" not in result.err


# One bad file each: (file, its text, what `kb check` must print). Articles live in articles/account/.
ERRORS = [
    (
        "x.md",
        "---\ntitle: X\n---\n",
        ["articles/account/x.md:2: error: missing required key 'category' (add 'category: account')"],
    ),
    (
        "untitled.md",
        "---\ncategory: account\n---\nBody\n",
        ["articles/account/untitled.md:2: error: missing required key 'title' (add 'title: Reset your password')"],
    ),
    ("bare.md", "# Just a heading\n", ["articles/account/bare.md:1: error: article has no front matter"]),
    (
        "x.md",
        "---\ntitle: X\nsummary: s\ncategory: acount\n---\n",
        ["articles/account/x.md:4: error: unknown category 'acount' (did you mean 'account'?)"],
    ),
    (
        "x.md",
        "---\ntitle: X\ncategory: account\ncovers: [forgot-password\nowner: me\n---\n",
        ["articles/account/x.md:4: error: malformed YAML"],
    ),
    (
        "x.md",
        "---\ntitle: X\n\nBody without the closing line\n",
        ["articles/account/x.md:1: error: front matter is not closed (add a line with '---' after the front matter)"],
    ),
    (
        "x.md",
        "---\ntitle: X\ncovers: forgot-password\nlang: fr\n---\n",
        [
            "articles/account/x.md:3: error: 'covers' must be a list (write covers: [forgot-password])",
            "articles/account/x.md:4: error: unknown language 'fr'",
        ],
    ),
    *(
        (
            "x.md",
            f"---\ntitle: X\nreviewed: {value}\n---\n",
            [
                f"articles/account/x.md:3: error: 'reviewed' is not a valid date: '{value}' (write YYYY-MM-DD, e.g. 2026-09-14)"
            ],
        )
        for value in ("2026-13-01", "last week", "2026/09/01")
    ),
    (
        "questions.yml",
        "questions:\n  - id: a\n    question: One\n  - id: a\n    question: Two\n",
        ["questions.yml:4: error: duplicate question id 'a' (first used on line 2)"],
    ),
    (
        "questions.yml",
        "questions:\n  - id: a\n    category: billing\n    question: Q\n  - id: b\n",
        [
            "questions.yml:3: error: unknown category 'billing'",
            "questions.yml:5: error: missing required key 'question'",
        ],
    ),
]


@pytest.mark.parametrize(("name", "text", "expected"), ERRORS)
def test_each_error_names_its_file_line_and_fix(kb, site, name, text, expected):
    if name == "questions.yml":
        site.write(name, text)
    else:
        site.article(f"account/{name}", text)
    result = check(kb, site)
    assert result.code == 1
    for message in expected:
        assert message in result.err


def test_article_not_utf8_says_so(kb, site):
    (site.root / "articles/account/latin1.md").write_bytes("---\ntitle: Café\n---\n".encode("latin-1"))
    result = check(kb, site)
    assert result.code == 1
    assert "articles/account/latin1.md:2: error: file is not UTF-8 text" in result.err
    assert "save the file as UTF-8" in result.err


def test_gbk_article_gets_conversion_hint(kb, site):
    (site.root / "articles/account/gbk.md").write_bytes("---\ntitle: 忘记密码\n---\n".encode("gbk"))
    result = check(kb, site)
    assert result.code == 1
    assert "looks like GBK/GB18030" in result.err
    assert "iconv -f GB18030 -t UTF-8 gbk.md" in result.err


def test_duplicate_article_ids(kb, site):
    site.article("account/a.md", "---\ntitle: A\ncategory: account\nid: same\n---\n")
    site.article("account/b.md", "---\ntitle: B\ncategory: account\nid: same\n---\n")
    result = check(kb, site)
    assert result.code == 1
    assert "articles/account/b.md:4: error: duplicate article id 'same' (also used by account/a.md" in result.err


def test_default_id_from_path_clashes_with_explicit_id(kb, site):
    site.article("account/a.md", "---\ntitle: A\ncategory: account\nid: account/reset-password\n---\n")
    result = check(kb, site)
    assert result.code == 1
    assert "duplicate article id 'account/reset-password'" in result.err


@pytest.mark.parametrize(
    "front_matter, expected",
    [
        ("cover: [forgot-password]", "articles/account/x.md:4: warning: unknown key 'cover' (did you mean 'covers'?)"),
        (
            "covers:\n  - forgot-pasword",
            "articles/account/x.md:4: warning: unknown question id 'forgot-pasword' in covers (did you mean 'forgot-password'?)",
        ),
    ],
)
def test_warnings_pass_check_but_fail_strict(kb, site, front_matter, expected):
    site.article("account/x.md", f"---\ntitle: X\ncategory: account\n{front_matter}\n---\n")
    result = check(kb, site)
    assert result.code == 0
    assert expected in result.err
    assert kb("check", "--strict", cwd=site.root).code == 1


def test_every_problem_in_one_run(kb, site):
    site.article("account/one.md", "---\ncategory: account\n---\n")
    site.article("account/two.md", "---\ntitle: Two\ncategory: nope\n---\n")
    site.write("questions.yml", "questions:\n  - id: q\n    question: Q\n    volume: -3\n")
    result = check(kb, site)
    assert result.code == 1
    assert "one.md:2" in result.err and "two.md:3" in result.err
    assert "questions.yml:4: error: 'volume' must be a whole number of 0 or more, got -3" in result.err


def test_missing_questions_file(kb, site):
    (site.root / "questions.yml").unlink()
    result = check(kb, site)
    assert result.code == 1
    assert "questions.yml:0: error: file not found" in result.err


def test_landing_pages_are_not_articles(kb, site):
    site.article("index.md", "# Welcome\n")
    assert check(kb, site).code == 0


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("fail_under: high", "coverage.fail_under must be a number of 0 or more, got 'high'"),
        ("stale_after_days: 1.5", "coverage.stale_after_days must be a whole number of 0 or more, got 1.5"),
        ("gate_on: taged", "coverage.gate_on must be answered or tagged, got 'taged' (did you mean 'tagged'?)"),
    ],
)
def test_bad_coverage_settings_are_reported_not_crashed_on(kb, site, setting, message):
    site.write("kb.yml", (site.root / "kb.yml").read_text(encoding="utf-8") + f"coverage:\n  {setting}\n")
    result = check(kb, site)
    assert result.code == 1
    assert f"kb.yml:12: error: {message}" in result.err


# YAML aliases: bounded, never a traceback or a hang (kb/content/yamltext.py).


def alias_bomb(indent: str = "") -> str:
    """Nine levels of ten aliases each: a billion values from a dozen lines."""
    lines = [f"{indent}a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        previous = ", ".join([f"*a{level - 1}"] * 10)
        lines.append(f"{indent}a{level}: &a{level} [{previous}]")
    return "\n".join(lines) + "\n"


def test_an_alias_inside_its_own_value_is_an_error_with_its_line(kb, site):
    site.article("account/x.md", "---\ntitle: X\ncategory: account\ntags: &a [x, *a]\n---\nBody\n")
    result = check(kb, site)
    assert result.code == 1
    assert "articles/account/x.md:4: error: YAML alias *a is inside the value it refers to" in result.err
    assert "Traceback" not in result.err and "RecursionError" not in result.err


def test_a_recursive_mapping_alias_is_an_error_too(kb, site):
    site.article("account/x.md", "---\ntitle: X\ncategory: account\nx: &m\n  again: *m\n---\nBody\n")
    result = check(kb, site)
    assert result.code == 1 and "articles/account/x.md:5: error: YAML alias *m is inside" in result.err


def test_an_alias_bomb_in_front_matter_is_refused_quickly(kb, site):
    import time

    site.article("account/x.md", "---\ntitle: X\ncategory: account\n" + alias_bomb() + "---\nBody\n")
    started = time.monotonic()
    result = check(kb, site)
    assert time.monotonic() - started < 10
    assert result.code == 1
    assert "articles/account/x.md:7: error: YAML aliases here add more than 10,000 values" in result.err


def test_an_alias_bomb_in_the_questions_file_is_refused_quickly(kb, site):
    import time

    text = (site.root / "questions.yml").read_text(encoding="utf-8")
    site.write("questions.yml", alias_bomb() + text)
    started = time.monotonic()
    result = check(kb, site)
    assert time.monotonic() - started < 10
    assert result.code == 1 and "questions.yml:4: error: YAML aliases here add more than 10,000 values" in result.err


def test_plain_aliases_are_still_fine(kb, site):
    site.article(
        "account/x.md",
        "---\ntitle: &t Two-step sign-in\nsummary: *t\ncategory: account\ntags: &tags [a, b]\nowner: mei\n---\nBody\n",
    )
    result = check(kb, site)
    assert result.code == 0, result.err
