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
    assert "re-save the article as UTF-8" in result.err
    assert "iconv -f GB18030 -t UTF-8 gbk.md > gbk.md.tmp && mv gbk.md.tmp gbk.md" in result.err
    assert "Excel" not in result.err and "CSV" not in result.err


def test_duplicate_article_ids(kb, site):
    site.article("account/a.md", "---\ntitle: A\ncategory: account\nid: same\n---\n")
    site.article("account/b.md", "---\ntitle: B\ncategory: account\nid: same\n---\n")
    result = check(kb, site)
    assert result.code == 1
    assert "articles/account/b.md:4: error: duplicate article id 'same' (also used by account/a.md;" in result.err
    assert "articles/account/a.md:4: error: duplicate article id 'same' (also used by account/b.md;" in result.err


def test_default_id_from_path_clashes_with_explicit_id(kb, site):
    site.article("account/a.md", "---\ntitle: A\ncategory: account\nid: account/reset-password\n---\n")
    result = check(kb, site)
    assert result.code == 1
    assert "articles/account/a.md:4: error: duplicate article id 'account/reset-password'" in result.err
    assert (
        "articles/account/reset-password.md:1: error: duplicate article id 'account/reset-password' "
        "(also used by account/a.md; give one of them another 'id')"
    ) in result.err
    assert "(also used by account/reset-password.md (its path);" in result.err


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


def test_an_audit_reads_a_foreign_folder_as_it_is(tmp_path):
    from kb.content.articles import read_any_folder

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "reset.md").write_text(
        "---\nid: 5340909969948\ntitle: [Reset, password]\ntags: 3\nvendor_key: x\n---\n"
        '# Ignored heading\n\n> [!NOTE]\n> Use the <b>reset</b> link\n\n## Steps {#steps}\n\n!!! note ""\n    Open settings\n',
        encoding="utf-8",
    )
    (folder / "secret.md").write_text("---\ntitle: Secret\ndraft: true\n---\nbody\n", encoding="utf-8")
    (folder / "hidden.md").write_text("---\npublished: false\n---\nbody\n", encoding="utf-8")
    (folder / "invoice.md").write_bytes("# 发票抬头\n\n开具发票的方法\n".encode("gb18030"))
    (folder / "utf16.md").write_bytes("# Export notes\n\nUse the export menu.\n".encode("utf-16"))
    (folder / "broken.md").write_bytes(b"\x80\x81\xfe garbage \xff")
    (folder / "index.md").write_text("# Welcome\n\nStart here.\n", encoding="utf-8")
    audit = read_any_folder(folder)
    by_path = {a.path: a for a in audit.articles}
    assert set(by_path) == {"reset.md", "invoice.md", "utf16.md"}
    reset = by_path["reset.md"]
    assert (reset.id, reset.title, reset.tags) == ("reset", "Reset password", ("3",))
    assert (
        "<b>" not in reset.body
        and "[!NOTE]" not in reset.body
        and "{#steps}" not in reset.body
        and "!!!" not in reset.body
    )
    assert "reset link" in " ".join(reset.body.split()) and reset.headings == ("Ignored heading", "Steps")
    assert (by_path["invoice.md"].title, by_path["invoice.md"].lang) == ("发票抬头", "zh")
    assert by_path["utf16.md"].title == "Export notes"
    assert sorted(audit.skipped) == [
        ("broken.md", "not UTF-8, UTF-16 or GB18030 text"),
        ("hidden.md", "published: false"),
        ("index.md", "home page (index.md)"),
        ("secret.md", "draft: true"),
    ]
    assert audit.summary == (
        "7 Markdown files: 3 read, 4 skipped (1 draft: true; 1 home page (index.md); "
        "1 not UTF-8, UTF-16 or GB18030 text; 1 published: false)"
    )


def test_an_article_with_an_error_still_has_its_warnings_reported(kb, site):
    site.article(
        "account/x.md",
        "---\ntitle: X\ncategory: nope\ncovers: [forgot-pasword]\ncolour: red\n---\n",
    )
    result = check(kb, site)
    assert result.code == 1
    assert "articles/account/x.md:3: error: unknown category 'nope'" in result.err
    assert "articles/account/x.md:5: warning: unknown key 'colour'" in result.err
    assert (
        "articles/account/x.md:4: warning: unknown question id 'forgot-pasword' in covers "
        "(did you mean 'forgot-password'?)"
    ) in result.err


LINKING = """\
---
title: Links
category: account
---

See [resetting](reset-password.md#choose-a-new-password) and [the top](#links-here).
A [missing page](no-such-page.md) and a [bad anchor](reset-password.md#nowhere).

```
[in code](ignored.md)
```

## Links here

[Chinese](../zh/account/wangji.md#_2) [same page, bad](#nope) [outside](../../kb.yml) `[span](x.md)`
[web](https://example.com/a.md) [mail](mailto:a@b.c) [draft](draft.md) [custom](#custom-id)

## A heading {#custom-id}

[ref]: also-missing.md
"""


def test_check_validates_internal_links_and_anchors_with_their_lines(kb, site):
    site.article(
        "account/reset-password.md",
        "---\ntitle: Reset your password\ncategory: account\ncovers: [forgot-password]\n---\n\n"
        "## Choose a new **password**\n\nText.\n",
    )
    site.article(
        "zh/account/wangji.md", "---\ntitle: 忘记密码\ncategory: account\nlang: zh\n---\n\n## 第一步\n\n## 第二步\n"
    )
    site.article("account/draft.md", "---\ntitle: Draft\ncategory: account\ndraft: true\n---\n\nSoon.\n")
    site.article("account/links.md", LINKING)
    result = check(kb, site)
    assert result.code == 0, result.err  # warnings: they fail --strict and the build
    warnings = sorted(line for line in result.err.splitlines() if "links.md" in line)
    assert warnings == sorted(
        [
            "articles/account/links.md:7: warning: link to a missing page or file 'no-such-page.md' "
            "(check the file name; links name the .md file, relative to this article)",
            "articles/account/links.md:7: warning: no anchor '#nowhere' in 'reset-password.md' "
            "(its headings' ids: choose-a-new-password)",
            "articles/account/links.md:15: warning: no anchor '#nope' in this article "
            "(its headings' ids: custom-id, links-here)",
            "articles/account/links.md:15: warning: link '../../kb.yml' leads outside the articles folder",
            "articles/account/links.md:16: warning: link to 'draft.md', a draft: the built site will not have it "
            "(publish it (remove draft: true) or remove the link)",
            "articles/account/links.md:20: warning: link to a missing page or file 'also-missing.md' "
            "(check the file name; links name the .md file, relative to this article)",
        ]
    ), result.err
    assert kb("check", "--strict", cwd=site.root).code == 1


def test_the_sample_links_are_all_good():
    from kb.content.config import load_config
    from kb.content.site import load_site
    from tests.conftest import REPO

    assert [p for p in load_site(load_config(REPO / "kb.yml")).problems if "link" in p.message] == []


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


def test_kb_yml_numbers_that_are_not_numbers_and_keys_that_are_not_text_are_clear_errors(kb, site):
    text = (site.root / "kb.yml").read_text(encoding="utf-8")
    site.write("kb.yml", text + "coverage:\n  stale_after_days: .inf\n")
    result = kb("check", cwd=site.root)
    assert result.code == 1 and "coverage.stale_after_days must be a whole number of 0 or more" in result.err
    site.write("kb.yml", text + "1: x\n")
    result = kb("check", cwd=site.root)
    assert result.code == 1 and "unknown setting '1'" in result.err and "Traceback" not in result.err


def test_an_audit_skips_a_broken_utf16_file_instead_of_failing(tmp_path):
    from kb.content.articles import read_any_folder

    (tmp_path / "odd.md").write_bytes(b"\xff\xfe" + "# Title".encode("utf-16-le") + b"\x00")
    (tmp_path / "fine.md").write_text("# Fine\n\nText.\n", encoding="utf-8")
    audit = read_any_folder(tmp_path)
    assert [a.path for a in audit.articles] == ["fine.md"]
    assert audit.skipped == [("odd.md", "not UTF-8, UTF-16 or GB18030 text")]


def _mkdocs_site(root, config: str) -> None:
    docs = root / "docs"
    (docs / "certs").mkdir(parents=True)
    (docs / "certs" / "renew.md").write_text("## 1 Renew\n\nClick renew.\n", encoding="utf-8")
    (docs / "certs" / "overview.md").write_text("# Certificates in short\n\nWhat a certificate is.\n", encoding="utf-8")
    (docs / "faq.md").write_text("---\ntitle: Questions\n---\n## Why?\n\nBecause.\n", encoding="utf-8")
    (docs / "loose.md").write_text("# Loose page\n\nNot in the nav.\n", encoding="utf-8")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")


def test_an_audit_of_a_mkdocs_docs_folder_titles_pages_as_its_nav_does(tmp_path):
    from kb.content.articles import read_any_folder

    _mkdocs_site(
        tmp_path,
        "site_name: Demo\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "nav:\n"
        "  - Home: https://example.com/\n"
        "  - Certificates:\n"
        "    - Overview: certs/overview.md\n"
        "    - Renew a certificate: ./certs/renew.md\n"
        "  - FAQ: faq.md\n"
        "  - loose.md\n",
    )
    audit = read_any_folder(tmp_path / "docs")
    titles = {a.path: a.title for a in audit.articles}
    assert titles == {
        "certs/overview.md": "Certificates › Overview",
        "certs/renew.md": "Certificates › Renew a certificate",
        "faq.md": "FAQ",
        "loose.md": "Loose page",  # listed without a title: the page's own heading stands
    }
    assert audit.summary.endswith("; page titles from the nav of mkdocs.yml")


@pytest.mark.parametrize(
    "config",
    [
        "site_name: Demo\ndocs_dir: elsewhere\nnav:\n  - Renew: certs/renew.md\n",  # not this folder's site
        "site_name: Demo\nnav: [unclosed\n",  # unreadable: the pages' own titles stand
        "- just a list\n",
        "site_name: Demo\n",  # no nav
        "site_name: Demo\nnav: &nav\n  - Loop: *nav\n",  # a nav that contains itself
        'site_name: Demo\ndocs_dir: "do\\0cs"\n',  # a docs_dir no path can be
    ],
    ids=["another-docs-dir", "broken-yaml", "not-a-mapping", "no-nav", "self-alias", "nul-docs-dir"],
)
def test_an_audit_ignores_a_mkdocs_config_that_is_not_this_folders(tmp_path, config):
    from kb.content.articles import read_any_folder

    _mkdocs_site(tmp_path, config)
    audit = read_any_folder(tmp_path / "docs")
    titles = {a.path: a.title for a in audit.articles}
    assert titles["certs/renew.md"] == "1 Renew" and titles["faq.md"] == "Questions"
    assert "nav" not in audit.summary


def test_an_audit_reads_mdx_pages_with_their_partials_and_index_pages_with_words_of_their_own(tmp_path):
    from kb.content.articles import read_any_folder

    folder = tmp_path / "docs"
    (folder / "install").mkdir(parents=True)
    (folder / "guides").mkdir()
    (folder / "_snippets").mkdir()
    (folder / "install" / "_docker.md").write_text(
        "---\ntitle: ignored\n---\nimport Ports from './\\_ports.mdx';\n\nRun docker compose up.\n\n<Ports />\n",
        encoding="utf-8",
    )
    (folder / "install" / "_ports.mdx").write_text("Open port 8096 in the firewall.\n", encoding="utf-8")
    (folder / "install" / "_unused.md").write_text("Nobody includes me.\n", encoding="utf-8")
    (folder / "install" / "container.mdx").write_text(
        "---\ntitle: Containers\n---\nimport Tabs from '@theme/Tabs';\nimport Docker from './_docker.md';\n"
        "export const meta = {};\n\n<Tabs>\n<Docker />\n</Tabs>\n\n```js\nimport x from 'y';\n```\n",
        encoding="utf-8",
    )
    (folder / "install" / "index.md").write_text(
        "# Installing\n\n"
        + "The server runs on Linux, Windows and macOS, in a container or as a package; pick the way that suits the"
        " machine you have, then follow its page to the end before you add any media library or user account. "
        "Each page lists what it needs.\n",
        encoding="utf-8",
    )
    (folder / "guides" / "index.md").write_text(
        "# Guides\n\n- [Backups](backups.md)\n- [Upgrades](upgrades.md)\n", encoding="utf-8"
    )
    (folder / "guides" / "backups.md").write_text("# Backups\n\nCopy the data folder.\n", encoding="utf-8")
    (folder / "_snippets" / "note.md").write_text("A snippet.\n", encoding="utf-8")
    (folder / "index.md").write_text("# Welcome to the product\n\n" + "Our product does many things. " * 20)
    audit = read_any_folder(folder)
    by_path = {a.path: a for a in audit.articles}
    assert set(by_path) == {"install/container.mdx", "install/index.md", "guides/backups.md"}
    container = by_path["install/container.mdx"]
    assert container.id == "install/container" and container.title == "Containers"
    body = " ".join(container.body.split())
    assert "Run docker compose up." in body and "Open port 8096 in the firewall." in body
    assert "<Docker" not in body and "@theme/Tabs" not in body and "export const" not in body
    assert "import x from 'y';" in body  # code stays code
    assert sorted(audit.skipped) == [
        ("_snippets/note.md", "in a hidden or partials folder"),
        ("guides/index.md", "landing page (index.md that only lists pages)"),
        ("index.md", "home page (index.md)"),
        ("install/_docker.md", "partial, read inside the pages that include it"),
        ("install/_ports.mdx", "partial, read inside the pages that include it"),
        ("install/_unused.md", "partial, included by no page"),
    ]


def test_an_audit_reads_an_html_help_center_export_with_its_structure(tmp_path):
    from kb.content.articles import read_any_folder

    (tmp_path / "360001.md").write_text(
        "---\nid: 360001\ntitle: Change your plan\n---\n"
        '<p>You can change your plan at any time.&nbsp;Billing&#39;s page shows it.</p><h2 id="s1">Upgrade '
        "<em>now</em></h2><ul><li>Open <strong>Billing</strong></li><li>Choose a plan</li></ul>"
        "<!-- internal: ask finance first --><script>track('x')</script><style>p{color:red}</style>"
        "<p>Fees &amp; taxes apply.</p>",
        encoding="utf-8",
    )
    [article] = read_any_folder(tmp_path).articles
    assert article.headings == ("Upgrade now",)
    lines = [line.strip() for line in article.body.splitlines() if line.strip()]
    assert "You can change your plan at any time.\xa0Billing's page shows it." in lines
    assert "Fees & taxes apply." in lines and any(line.startswith("Open") and "Billing" in line for line in lines)
    for hidden in ("finance", "track", "color", "<", "&nbsp;", "&#39;"):
        assert hidden not in article.body


def test_plain_markdown_keeps_its_lines_that_start_with_import_or_export(tmp_path):
    from kb.content.articles import read_any_folder

    (tmp_path / "_steps.md").write_text("Open the menu.\n", encoding="utf-8")
    (tmp_path / "notes.md").write_text(
        "# Moving notes\n\nimport Steps from './_steps.md';\n\n<Steps />\n\n"
        "export your notes first, then\nimport them into the new app.\n",
        encoding="utf-8",
    )
    [article] = read_any_folder(tmp_path).articles
    assert "Open the menu." in article.body and "Steps" not in article.body
    assert "export your notes first" in article.body and "import them into the new app." in article.body


def test_partials_that_import_each_other_or_themselves_are_read_once_per_use(tmp_path):
    from kb.content.articles import read_any_folder

    (tmp_path / "_a.md").write_text("import B from './_b.md';\n\nalpha words\n\n<B />\n", encoding="utf-8")
    (tmp_path / "_b.md").write_text(
        "import A from './_a.md';\nimport B from './_b.md';\n\nbeta words\n\n<A />\n<B />\n", encoding="utf-8"
    )
    (tmp_path / "page.mdx").write_text(
        "import A from './_a.md';\nimport Page from './page.mdx';\n\n# Page\n\n<A />\n<Page />\n", encoding="utf-8"
    )
    [article] = read_any_folder(tmp_path).articles
    assert article.body.count("alpha words") == 1 and article.body.count("beta words") == 1


def test_a_section_index_page_in_any_script_is_read_when_it_has_words_of_its_own(tmp_path):
    from kb.content.articles import read_any_folder

    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "index.md").write_text(
        "# Руководство\n\n" + "Сервер работает в контейнере и хранит данные в отдельной папке. " * 8,
        encoding="utf-8",
    )
    assert [a.path for a in read_any_folder(tmp_path).articles] == ["guide/index.md"]


def test_an_audit_reads_a_hugo_site_with_toml_front_matter_section_pages_and_shortcodes(tmp_path):
    from kb.content.articles import read_any_folder

    (tmp_path / "billing").mkdir()
    (tmp_path / "_index.md").write_text('+++\ntitle = "Help"\n+++\n' + "Welcome to our help. " * 30, encoding="utf-8")
    (tmp_path / "billing" / "_index.md").write_text(
        '+++\ntitle = "Billing"\nweight = 2\n+++\n'
        + "Invoices are sent on the first day of each month to the address on the account. " * 4,
        encoding="utf-8",
    )
    (tmp_path / "billing" / "refunds.md").write_text(
        '+++\ntitle = "Get a refund"\ndescription = "Money back within 30 days"\ntags = ["billing"]\n+++\n\n'
        '{{< alert color="warning" >}}Refunds take five days.{{< /alert >}}\n\n'
        "{{% note %}}Ask the account owner.{{% /note %}}\n{{/* reviewers: check the policy */}}\n\n"
        '```yaml\nurl: "{{ .Site.BaseURL }}"\n```\n',
        encoding="utf-8",
    )
    (tmp_path / "billing" / "old.md").write_text('+++\ntitle = "Old prices"\ndraft = true\n+++\nGone.\n')
    (tmp_path / "billing" / "broken.md").write_text('+++\ntitle = "Broken\n+++\n# Broken front matter\n\nText.\n')
    audit = read_any_folder(tmp_path)
    by_path = {a.path: a for a in audit.articles}
    assert set(by_path) == {"billing/_index.md", "billing/refunds.md", "billing/broken.md"}
    assert by_path["billing/_index.md"].title == "Billing"
    refunds = by_path["billing/refunds.md"]
    assert (refunds.title, refunds.summary, refunds.tags) == ("Get a refund", "Money back within 30 days", ("billing",))
    body = " ".join(refunds.body.split())
    assert "Refunds take five days." in body and "Ask the account owner." in body
    assert "alert" not in body and "note" not in body and "reviewers" not in body and "+++" not in body
    assert '"{{ .Site.BaseURL }}"' in body  # code is left as written
    broken = by_path["billing/broken.md"]  # front matter that does not parse is still not text
    assert broken.title == "Broken front matter" and "+++" not in broken.body
    assert sorted(audit.skipped) == [("_index.md", "home page (_index.md)"), ("billing/old.md", "draft: true")]


def test_an_audit_drops_jekyll_liquid_tags_and_comments_but_keeps_their_text(tmp_path):
    from kb.content.articles import read_any_folder

    (tmp_path / "vault-timeout.md").write_text(
        "---\ntitle: Vault timeout\n---\n{% callout info %}\nThe vault locks after 15 minutes.\n{% endcallout %}\n\n"
        "Open [Settings]({{site.baseurl}}/article/settings/) and pick {% icon fa-cog %} **Timeout**.\n"
        "{% comment %}\nTODO: screenshot for the desktop app\n{% endcomment %}\n",
        encoding="utf-8",
    )
    [article] = read_any_folder(tmp_path).articles
    body = " ".join(article.body.split())
    assert "The vault locks after 15 minutes." in body and "pick **Timeout**" in body
    for template in ("callout", "baseurl", "icon", "fa-cog", "TODO", "screenshot", "{%", "{{"):
        assert template not in body


def test_an_audit_reads_a_gitbook_folder_without_its_table_of_contents(tmp_path):
    from kb.content.articles import read_any_folder

    (tmp_path / "account").mkdir()
    (tmp_path / "README.md").write_text("# Acme help\n\n" + "Acme keeps your files in sync. " * 20)
    (tmp_path / "SUMMARY.md").write_text(
        "# Table of contents\n\n* [Acme help](README.md)\n\n## Account\n\n* [Account](account/README.md)\n"
        "  * [Reset your password](account/reset-password.md)\n"
    )
    (tmp_path / "account" / "README.md").write_text("# Account\n\n* [Reset your password](reset-password.md)\n")
    (tmp_path / "account" / "reset-password.md").write_text("# Reset your password\n\nClick Forgot password.\n")
    audit = read_any_folder(tmp_path)
    assert [a.path for a in audit.articles] == ["account/reset-password.md"]
    assert sorted(audit.skipped) == [
        ("README.md", "home page (README.md)"),
        ("SUMMARY.md", "table of contents (SUMMARY.md)"),
        ("account/README.md", "landing page (README.md that only lists pages)"),
    ]


def test_a_pages_language_comes_from_its_folder_or_file_suffix():
    from kb.content.articles import path_lang

    assert path_lang("zh/guide/webdav.md") == "zh"
    assert path_lang("i18n/zh-Hans/docusaurus-plugin-content-docs/current/intro.md") == "zh"
    assert path_lang("content/en/about/intro.md") == "en" and path_lang("cn/guide/install.md") == "zh"
    assert path_lang("guide/install.zh.md") == "zh" and path_lang("guide/install.zh-CN.md") == "zh"
    assert path_lang("guide/zh.md") is None  # a page about Chinese, not in Chinese
    assert path_lang("guide/install.md") is None and path_lang("ja/guide.md") is None


def test_a_chinese_page_full_of_commands_and_configuration_reads_as_chinese():
    from kb.content.text import detect_lang

    config = "```yaml\n" + "server:\n  port: 5244\n  https: false\n  site_url: https://example.org\n" * 20 + "```\n"
    page = f"# 配置文件\n\n修改端口后重启服务即可生效。\n\n{config}\n运行 `docker restart alist` 使配置生效。\n"
    assert detect_lang(page) == "zh"
    assert detect_lang("# Configuration\n\nRestart after changing the port.\n\n" + config) == "en"


def test_a_folder_of_translations_gives_each_page_its_language(tmp_path):
    from kb.content.articles import read_any_folder

    english = tmp_path / "i18n" / "en" / "docusaurus-plugin-content-docs" / "current"
    english.mkdir(parents=True)
    (tmp_path / "install.md").write_text("# 安装\n\n下载安装包后运行安装程序，按提示完成安装。\n", encoding="utf-8")
    (tmp_path / "backup.md").write_text("# 备份\n\n在设置页面导出备份文件，妥善保存。\n", encoding="utf-8")
    # A settings table of English names under a Chinese heading: English on its own words, Chinese by its place.
    (tmp_path / "config.md").write_text(
        "# 配置\n\n| name | default | meaning |\n| --- | --- | --- |\n| server port | 8090 | listening port |\n"
        "| external url | none | public address |\n",
        encoding="utf-8",
    )
    (english / "install.md").write_text("# Install\n\nDownload the package and run the installer.\n", encoding="utf-8")
    audit = read_any_folder(tmp_path)
    langs = {a.path: a.lang for a in audit.articles}
    assert langs == {
        "install.md": "zh",
        "backup.md": "zh",
        "config.md": "zh",
        "i18n/en/docusaurus-plugin-content-docs/current/install.md": "en",
    }
    assert audit.translated
    for page in english.iterdir():
        page.unlink()
    alone = read_any_folder(tmp_path)
    assert not alone.translated
    assert {a.path: a.lang for a in alone.articles}["config.md"] == "en"  # no translations: each page's own words


def test_container_markers_are_not_text_but_their_titles_are():
    from kb.content.articles import plain_markup

    text = "::: tip 提示\nRestart it.\n:::\n::::tabs#os\n@tab Linux\nrun it\n@tab:active Windows\n::::\n"
    words = plain_markup(text).split()
    assert words == ["提示", "Restart", "it.", "Linux", "run", "it", "Windows"]
    assert plain_markup(":::warning[Before you upgrade]\nBack up.\n:::\n").split() == [
        "Before",
        "you",
        "upgrade",
        "Back",
        "up.",
    ]
    assert plain_markup('!!! warning "Back up first"\n    Then upgrade.\n').split() == [
        "Back",
        "up",
        "first",
        "Then",
        "upgrade.",
    ]


def test_a_docusaurus_page_at_the_sites_root_is_its_home_page(tmp_path):
    from kb.content.articles import read_any_folder

    (tmp_path / "intro.md").write_text("---\nid: intro\nslug: /\n---\nWhat the product is.\n", encoding="utf-8")
    (tmp_path / "install.md").write_text("---\nslug: /install\n---\n# Install\n\nRun it.\n", encoding="utf-8")
    audit = read_any_folder(tmp_path)
    assert [a.path for a in audit.articles] == ["install.md"]
    assert audit.skipped == [("intro.md", "home page (slug: /)")]
