"""The kb command: exit codes, help, scaffolding and the strict, all-or-nothing build."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kb.cli import build_parser

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
    assert "# might cover: refund" in path.read_text(encoding="utf-8")
    assert kb("check", "--strict", cwd=site.root).code == 0


def test_new_chinese_article_goes_under_its_language(kb, site):
    result = kb(
        "new", "忘记密码怎么办", "--category", "account", "--lang", "zh", "--slug", "forgot-password", cwd=site.root
    )
    assert result.code == 0, result.err
    assert (site.root / "articles/zh/account/forgot-password.md").is_file()
    assert "zh-forgot-password" in result.out
    assert kb("check", "--strict", cwd=site.root).code == 0


def test_new_refuses_unknown_category_and_existing_file(kb, site):
    result = kb("new", "Refunds", "--category", "payment", cwd=site.root)
    assert result.code == 2 and "did you mean 'payments'?" in result.err
    assert kb("new", "Reset password", "--category", "account", "--slug", "reset-password", cwd=site.root).code == 2


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


def test_coverage_report_page_in_a_built_site(kb, buildable):
    buildable.write("mkdocs.yml", MKDOCS_YML + "  - kb-coverage:\n      fail_under: 0\n")
    assert kb("build", cwd=buildable.root).code == 0
    page = (buildable.root / "site/coverage/index.html").read_text(encoding="utf-8")
    assert "noindex" in page and "Gaps (" in page
    assert (buildable.root / "site/coverage/coverage.json").is_file()


def _port_is_free(port: int) -> bool:
    import socket

    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
            return True
        except OSError:
            return False


def test_serve_runs_the_preview_and_an_endpoint_that_stores_votes(buildable):
    import json
    import signal
    import sqlite3
    import time
    import urllib.error
    import urllib.request

    from .conftest import free_port

    buildable.write(
        "kb.yml", (buildable.root / "kb.yml").read_text(encoding="utf-8") + "feedback:\n  db: votes.sqlite3\n"
    )
    buildable.write("mkdocs.yml", MKDOCS_YML + "  - kb-feedback\n")
    port = free_port()
    while not _port_is_free(port + 1):  # the endpoint takes the next port
        port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "kb", "serve", "--port", str(port)],
        cwd=buildable.root,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
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
        ("questions", "import", "--missed-searches"),
        ("feedback", "stats", "--db", str(db)),
    ]
    for command in commands:
        result = kb(*command, cwd=buildable.root)
        assert result.code == 2, (command, result.err)
        assert str(db) in result.err and "Traceback" not in result.err, (command, result.err)
    built = subprocess.run([sys.executable, "-m", "kb", "build"], cwd=buildable.root, capture_output=True, text=True)
    assert built.returncode != 0
    assert "Traceback" not in built.stderr, built.stderr
    assert f"kb-coverage: {db}" in built.stderr
