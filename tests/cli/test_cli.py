"""The kb command: exit codes, help, scaffolding and the strict, all-or-nothing build."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from kb.cli import build_parser
from kb.content.config import load_config
from kb.content.site import load_site
from tests.conftest import KB_YML

MKDOCS_YML = """\
site_name: Test help center
docs_dir: articles
theme:
  name: material
plugins:
  - search
  - kb
"""


def test_console_script_exit_codes(site):
    kb = [sys.executable, "-m", "kb"]
    assert subprocess.run([*kb, "check"], cwd=site.root, capture_output=True).returncode == 0
    site.article("account/broken.md", "---\ntitle: Broken\ncategory: nope\n---\n")
    broken = subprocess.run([*kb, "check"], cwd=site.root, capture_output=True, text=True)
    assert broken.returncode == 1
    assert "articles/account/broken.md:3: error: unknown category 'nope'" in broken.stderr
    usage = subprocess.run([*kb, "check", "--no-such-flag"], cwd=site.root, capture_output=True, text=True)
    assert usage.returncode == 2 and "unrecognized arguments" in usage.stderr


def test_no_config_is_a_usage_error(kb, tmp_path):
    result = kb("check", cwd=tmp_path)
    assert result.code == 2
    assert "no kb.yml found" in result.err


def _commands(parser):
    yield []
    for action in parser._subparsers._group_actions if parser._subparsers else []:
        for name, sub in action.choices.items():
            for rest in _commands(sub):
                yield [name, *rest]


@pytest.mark.parametrize("command", list(_commands(build_parser())), ids=lambda c: " ".join(c) or "kb")
def test_help_on_every_command(kb, command, tmp_path):
    result = kb(*command, "--help", cwd=tmp_path)
    assert result.code == 0
    assert result.out.startswith("usage: kb")


def test_new_scaffolds_a_valid_article_and_suggests_questions(kb, site):
    result = kb("new", "How do I get a refund?", "--category", "payments", cwd=site.root)
    assert result.code == 0, result.err
    path = site.root / "articles/payments/how-do-i-get-a-refund.md"
    assert path.is_file()
    assert "refund" in result.out.split("questions it might cover")[1]
    text = path.read_text(encoding="utf-8")
    assert "# might cover: refund" in text and "\ndraft: true\n" in text
    assert kb("check", cwd=site.root).code == 0  # a draft with placeholder text: warnings only
    strict = kb("check", "--strict", cwd=site.root)
    assert strict.code == 1
    assert (
        "articles/payments/how-do-i-get-a-refund.md:11: warning: placeholder text from kb new: "
        "'Answer the question in one or two sentences first.' (replace it with the article's own text)"
    ) in strict.err
    assert "how-do-i-get-a-refund.md:15: warning: placeholder text from kb new: '1. First step.'" in strict.err
    path.write_text(
        text.replace("Answer the question in one or two sentences first.", "Ask for it within 14 days.")
        .replace("1. First step.", "1. Open **Settings > Billing**.")
        .replace("2. Second step.", "2. Select **Request a refund**."),
        encoding="utf-8",
    )
    done = kb("check", "--strict", cwd=site.root)
    assert done.code == 0, done.err
    assert "1 articles (and 1 drafts), 3 questions" in done.out


def test_new_chinese_article_goes_under_its_language(kb, site):
    result = kb(
        "new", "忘记密码怎么办", "--category", "account", "--lang", "zh", "--slug", "forgot-password", cwd=site.root
    )
    assert result.code == 0, result.err
    assert (site.root / "articles/zh/account/forgot-password.md").is_file()
    assert "zh-forgot-password" in result.out
    strict = kb("check", "--strict", cwd=site.root)
    assert strict.code == 1 and "placeholder text from kb new: '先用一两句话直接回答问题。'" in strict.err


def test_new_refuses_unknown_category_and_existing_file(kb, site):
    result = kb("new", "Refunds", "--category", "payment", cwd=site.root)
    assert result.code == 2 and "did you mean 'payments'?" in result.err
    assert kb("new", "Reset password", "--category", "account", "--slug", "reset-password", cwd=site.root).code == 2


SECTIONS = (
    "    sections:\n      - id: sign-in\n        title: Signing in\n      - id: profile\n        title: Your profile\n"
)


def test_new_writes_an_article_in_its_sections_folder(kb, site):
    site.write("kb.yml", KB_YML.replace("    title_zh: 账户与登录\n", "    title_zh: 账户与登录\n" + SECTIONS))
    result = kb("new", "Change your avatar", "--category", "account", "--section", "profile", cwd=site.root)
    assert result.code == 0, result.err
    assert "created articles/account/profile/change-your-avatar.md" in result.out
    zh = kb("new", "更换头像", "--category", "account", "--section", "profile", "--lang", "zh", cwd=site.root)
    assert zh.code == 0 and (site.root / "articles/zh/account/profile/genghuan-touxiang.md").is_file(), zh.err
    assert kb("check", cwd=site.root).code == 0
    drafts = {a.path: a.section for a in load_site(load_config(site.config)).drafts}
    assert drafts == {
        "account/profile/change-your-avatar.md": "profile",
        "zh/account/profile/genghuan-touxiang.md": "profile",
    }


def test_new_refuses_a_section_its_category_does_not_declare(kb, site):
    site.write("kb.yml", KB_YML.replace("    title_zh: 账户与登录\n", "    title_zh: 账户与登录\n" + SECTIONS))
    typo = kb("new", "Avatar", "--category", "account", "--section", "profil", cwd=site.root)
    assert typo.code == 2
    assert (
        "unknown section 'profil' in category 'account' (did you mean 'profile'? its sections: sign-in, profile)"
        in typo.err
    )
    other = kb("new", "Avatar", "--category", "account", "--section", "billing", cwd=site.root)
    assert other.code == 2 and "(its sections: sign-in, profile)" in other.err
    none = kb("new", "Refunds", "--category", "payments", "--section", "refunds", cwd=site.root)
    assert none.code == 2 and "category 'payments' has no sections" in none.err
    assert not (site.root / "articles/account/profil").exists() and not (site.root / "articles/payments").exists()


@pytest.fixture
def buildable(site):
    site.write("mkdocs.yml", MKDOCS_YML)
    site.article("index.md", "# Help\n\n<!-- kb:categories -->\n")
    return site


def test_build_writes_site_with_navigation_listing_and_manifest(kb, buildable):
    result = kb("build", cwd=buildable.root)
    assert result.code == 0, result.err
    out = buildable.root / "site"
    page = (out / "account/reset-password/index.html").read_text(encoding="utf-8")
    assert '<time datetime="2026-09-01">2026-09-01</time>' in page
    home = (out / "index.html").read_text(encoding="utf-8")
    assert "Account and sign-in" in home and 'href="account/reset-password/"' in home
    assert '"id": "account/reset-password"' in (out / "kb-articles.json").read_text(encoding="utf-8")


def test_failed_build_leaves_previous_site_untouched(kb, buildable):
    assert kb("build", cwd=buildable.root).code == 0
    out = buildable.root / "site"
    before = sorted(p.relative_to(out) for p in out.rglob("*"))
    buildable.article("account/broken.md", "---\ntitle: Broken\ncategory: account\ncovers: [no-such-question]\n---\n")
    result = kb("build", cwd=buildable.root)
    assert result.code == 1
    assert "unknown question id 'no-such-question'" in result.err
    assert "build failed; site was left as it was" in result.err
    assert sorted(p.relative_to(out) for p in out.rglob("*")) == before
    assert not [p for p in buildable.root.iterdir() if p.name.startswith(".site-")]


def test_coverage_gate_fails_the_build_with_shortfall_and_gaps(kb, buildable):
    buildable.write("mkdocs.yml", MKDOCS_YML + "  - kb-coverage:\n      fail_under: 95\n")
    result = kb("build", cwd=buildable.root)
    assert result.code == 1
    assert "points under fail_under 95%; top gaps:" in result.err
    assert "refund (80)" in result.err
    assert not (buildable.root / "site").exists()


def test_the_built_site_has_no_coverage_report_which_kb_report_builds_on_its_own(kb, buildable):
    buildable.write("mkdocs.yml", MKDOCS_YML + "  - kb-coverage:\n      fail_under: 0\n")
    assert kb("build", cwd=buildable.root).code == 0
    site = buildable.root / "site"
    assert not (site / "coverage").exists()
    assert not [p for p in site.rglob("coverage.*")]
    result = kb("report", cwd=buildable.root)
    assert result.code == 0, result.err
    assert "report written to" in result.out
    page = (buildable.root / "report/index.html").read_text(encoding="utf-8")
    assert "noindex" in page and "Gaps (" in page and "<svg" in page
    assert {p.name for p in (buildable.root / "report").iterdir()} == {
        "index.html",
        "coverage.json",
        "coverage.csv",
        "coverage.md",
    }
    out = kb(
        "report",
        "--out",
        str(buildable.root / "elsewhere"),
        "--site-url",
        "https://help.example.com",
        cwd=buildable.root,
    )
    assert out.code == 0, out.err
    assert 'href="https://help.example.com/account/reset-password/"' in (
        buildable.root / "elsewhere/index.html"
    ).read_text(encoding="utf-8")


def test_the_old_report_page_options_fail_a_strict_build_with_the_way_forward(kb, buildable):
    buildable.write("mkdocs.yml", MKDOCS_YML + "  - kb-coverage:\n      fail_under: 0\n      page: coverage/index.md\n")
    result = kb("build", cwd=buildable.root)
    assert result.code == 1
    assert "kb report" in result.err


def _port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def test_serve_runs_the_preview_and_an_endpoint_that_stores_votes(buildable, tmp_path):
    import json
    import signal
    import sqlite3
    import time
    import urllib.error
    import urllib.request

    from tests.conftest import checkout_env, free_port

    buildable.write(
        "kb.yml", (buildable.root / "kb.yml").read_text(encoding="utf-8") + "feedback:\n  db: votes.sqlite3\n"
    )
    buildable.write("mkdocs.yml", MKDOCS_YML + "  - kb-feedback\n")
    port = free_port()
    while not _port_is_free(port + 1):  # the endpoint takes the next port
        port = free_port()
    scratch = tmp_path / "tmp"  # where MkDocs makes the preview's temporary site folder
    scratch.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--port", str(port)],
        cwd=buildable.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**checkout_env(), "TMPDIR": str(scratch)},
    )
    try:
        page = health = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and (page is None or health is None):
            try:
                page = (
                    page
                    or urllib.request.urlopen(f"http://127.0.0.1:{port}/account/reset-password/", timeout=2)
                    .read()
                    .decode()
                )
                health = health or urllib.request.urlopen(f"http://127.0.0.1:{port + 1}/healthz", timeout=2).read()
            except OSError:
                time.sleep(0.2)
        assert page and health, "kb serve did not come up"
        assert [p.name.startswith("mkdocs_") for p in scratch.iterdir()] == [True]
        assert (
            f"http://127.0.0.1:{port + 1}/api/feedback" in page
        )  # the widget talks to the endpoint beside the preview
        vote = json.dumps({"article": "account/reset-password", "helpful": True}).encode()
        request = urllib.request.Request(
            f"http://127.0.0.1:{port + 1}/api/feedback",
            vote,
            {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}"},
        )
        assert urllib.request.urlopen(request, timeout=5).status == 201
        with sqlite3.connect(buildable.root / "votes.sqlite3") as con:
            assert con.execute("SELECT article, helpful FROM votes").fetchall() == [("account/reset-password", 1)]
        # An article written during the preview can be voted on as soon as the preview has rebuilt.
        buildable.article("account/new-article.md", "---\ntitle: New article\ncategory: account\n---\nText.\n")
        new_vote = json.dumps({"article": "account/new-article", "helpful": True}).encode()
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and status != 201:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port + 1}/api/feedback",
                new_vote,
                {"Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}"},
            )
            try:
                status = urllib.request.urlopen(request, timeout=5).status
            except urllib.error.HTTPError as refused:
                assert refused.code == 422  # not in the endpoint's article list yet
                time.sleep(0.5)
        assert status == 201
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    with pytest.raises(OSError):  # the endpoint stopped with it
        urllib.request.urlopen(f"http://127.0.0.1:{port + 1}/healthz", timeout=2)
    assert list(scratch.iterdir()) == []  # and the preview removed its site folder


DRAFT = """\
---
title: Refunds in detail
category: payments
covers: [refund]
draft: true
---

Refunds take five working days.
"""


def test_a_draft_is_checked_but_never_built_searched_or_counted(kb, buildable):
    buildable.article("payments/refunds-in-detail.md", DRAFT)
    buildable.write("mkdocs.yml", MKDOCS_YML + "  - kb-coverage:\n      fail_under: 0\n")
    result = kb("build", cwd=buildable.root)
    assert result.code == 0, result.err
    site = buildable.root / "site"
    assert not (site / "payments/refunds-in-detail").exists()
    for name in ("search/search_index.json", "sitemap.xml", "kb-articles.json", "index.html"):
        assert "refunds-in-detail" not in (site / name).read_text(encoding="utf-8"), name
    report = kb("coverage", "--format", "json", cwd=buildable.root)
    refund = next(q for q in json.loads(report.out)["questions"] if q["id"] == "refund")
    assert refund["status"] != "covered"  # the draft's covers: does not count
    buildable.article("payments/refunds-in-detail.md", DRAFT.replace("covers: [refund]", "covers: [refnd]"))
    check = kb("check", cwd=buildable.root)
    assert "refunds-in-detail.md:4: warning: unknown question id 'refnd' in covers" in check.err  # still checked


def test_kb_serve_previews_a_draft_with_a_banner(buildable, monkeypatch):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    buildable.article("payments/refunds-in-detail.md", DRAFT)
    buildable.write("mkdocs.yml", MKDOCS_YML + "  - kb-feedback\n")
    monkeypatch.chdir(buildable.root)
    config = load_config(str(buildable.root / "mkdocs.yml"), site_dir=str(buildable.root / "preview"))
    config.plugins.on_startup(command="serve", dirty=False)  # as `mkdocs serve` (kb serve) does
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        config.plugins.on_shutdown()
    page = (buildable.root / "preview/payments/refunds-in-detail/index.html").read_text(encoding="utf-8")
    assert '<p class="kb-draft"' in page and "Refunds take five working days." in page
    assert 'id="__kb_feedback"' not in page  # a draft takes no votes
    published = (buildable.root / "preview/account/reset-password/index.html").read_text(encoding="utf-8")
    assert 'id="__kb_feedback"' in published
    assert "Refunds in detail" in (buildable.root / "preview/index.html").read_text(encoding="utf-8")


def test_a_chinese_title_gets_a_pinyin_file_name_or_the_slug_given(kb, site):
    result = kb("new", "如何申请退款？", "--category", "payments", "--lang", "zh", cwd=site.root)
    assert result.code == 0, result.err
    assert (site.root / "articles/zh/payments/ruhe-shenqing-tuikuan.md").is_file()
    mixed = kb("new", "iPhone 订阅怎么取消", "--category", "payments", "--lang", "zh", cwd=site.root)
    assert mixed.code == 0 and (site.root / "articles/zh/payments/iphone-dingyue-zenme-quxiao.md").is_file()
    given = kb(
        "new", "发票抬头写错了", "--category", "payments", "--lang", "zh", "--slug", "invoice-title", cwd=site.root
    )
    assert given.code == 0 and (site.root / "articles/zh/payments/invoice-title.md").is_file()
    bad = kb("new", "发票", "--category", "payments", "--slug", "发票 title", cwd=site.root)
    assert bad.code == 2 and "is not a file name kb can use" in bad.err


def test_kb_serve_shows_an_articles_problems_on_the_page_not_its_raw_yaml(buildable, monkeypatch):
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    buildable.article(
        "account/broken.md",
        "---\ntitle: Broken <b>\ncategory: account\ncovers: [forgot-password\n---\n\nThe body is still shown.\n",
    )
    buildable.article("account/unknown.md", "---\ntitle: Unknown\ncategory: acount\n---\n\nText.\n")
    monkeypatch.chdir(buildable.root)
    config = load_config(str(buildable.root / "mkdocs.yml"), site_dir=str(buildable.root / "preview"))
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        build(config, serve_url="http://127.0.0.1:8000/")
    finally:
        config.plugins.on_shutdown()
    page = (buildable.root / "preview/account/broken/index.html").read_text(encoding="utf-8")
    assert '<div class="kb-problems"' in page and "This article has 1 error" in page
    assert "articles/account/broken.md:4: error: malformed YAML" in page
    assert "The body is still shown." in page
    assert "covers: [forgot-password" not in page.split('<div class="kb-problems"', 1)[1].split("</div>", 1)[1]
    assert "<b>" not in page.split('<div class="kb-problems"', 1)[1].split("</div>", 1)[0]
    other = (buildable.root / "preview/account/unknown/index.html").read_text(encoding="utf-8")
    assert "articles/account/unknown.md:3: error: unknown category &#x27;acount&#x27;" in other
    assert "did you mean &#x27;account&#x27;?" in other
    fine = (buildable.root / "preview/account/reset-password/index.html").read_text(encoding="utf-8")
    assert "kb-problems" not in fine


# A damaged feedback database: a clear message, never a traceback, in every command that reads it.


def damaged_databases(path) -> dict[str, bytes]:
    import sqlite3

    from feedback_widget.sqlite_store import SqliteStore

    SqliteStore(path).close()  # the last connection to close folds the WAL into the file
    whole = path.read_bytes()
    con = sqlite3.connect(path)
    con.execute("PRAGMA user_version = 99")
    con.commit()
    con.close()
    too_new = path.read_bytes()
    path.unlink()
    return {
        "not a database": b"\x8b\x1f" * 4096,
        "damaged pages": whole[:100] + b"\xff" * (len(whole) - 100),
        "newer kb": too_new,
        "cut short": whole[: len(whole) // 3],
    }


@pytest.mark.parametrize("damage", ["not a database", "damaged pages", "newer kb", "cut short"])
def test_a_damaged_feedback_database_is_a_clear_error_in_every_command(kb, buildable, damage):
    db = buildable.root / "feedback.sqlite3"
    buildable.write(
        "kb.yml", (buildable.root / "kb.yml").read_text(encoding="utf-8") + "feedback:\n  db: feedback.sqlite3\n"
    )
    buildable.write("mkdocs.yml", MKDOCS_YML + "  - kb-coverage:\n      fail_under: 0\n")
    db.write_bytes(damaged_databases(buildable.root / "scratch.sqlite3")[damage])
    commands = [
        ("coverage",),
        ("report", "--out", str(buildable.root / "report")),
        ("questions", "import", "--missed-searches"),
        ("feedback", "stats", "--db", str(db)),
    ]
    for command in commands:
        result = kb(*command, cwd=buildable.root)
        assert result.code == 2, (command, result.err)
        assert str(db) in result.err and "Traceback" not in result.err, (command, result.err)
    # The build reads no votes (the report is internal), so a damaged database does not stop it.
    built = subprocess.run([sys.executable, "-m", "kb", "build"], cwd=buildable.root, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr


def test_serve_without_the_endpoint_stops_its_preview_on_sigterm(buildable, tmp_path):
    """`kb serve --no-feedback` stopped with SIGTERM stops MkDocs too, which removes its temporary site folder, even
    when kb serve was started with Ctrl-C's signal ignored (as from a shell's background)."""
    import signal
    import time
    import urllib.request

    from tests.conftest import checkout_env, free_port

    buildable.write("mkdocs.yml", MKDOCS_YML)
    port, scratch = free_port(), tmp_path / "tmp"
    scratch.mkdir()
    server = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--no-feedback", "--port", str(port)],
        cwd=buildable.root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**checkout_env(), "TMPDIR": str(scratch)},
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    try:
        deadline, page = time.monotonic() + 60, None
        while time.monotonic() < deadline and page is None:
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2).read()
            except OSError:
                time.sleep(0.2)
        assert page, "kb serve did not come up"
        assert [p.name.startswith("mkdocs_") for p in scratch.iterdir()] == [True]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    assert list(scratch.iterdir()) == []  # MkDocs stopped as by Ctrl-C and removed its folder
    with pytest.raises(OSError):
        urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
