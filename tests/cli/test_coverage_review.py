"""Suggestions are reviewed by a person: accept writes the id into the article's covers:, reject records it in
the questions file, and the next report reflects both."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import time

from tests.conftest import REPO

UNTAGGED = (
    "  - id: reset-email\n    question: Where is my password reset email?\n    category: account\n    volume: 60\n"
)


def _suggestions(kb, site) -> list[dict]:
    report = json.loads(kb("coverage", "--format", "json", "--fail-under", "0", cwd=site.root).out)
    return [q for q in report["questions"] if q["status"] == "likely"]


def test_accept_adds_the_question_to_covers_keeping_the_file(kb, site):
    site.write("questions.yml", (site.root / "questions.yml").read_text(encoding="utf-8") + UNTAGGED)
    article = site.root / "articles" / "account" / "reset-password.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "covers: [forgot-password]", "covers: [forgot-password]  # checked by Mei"
        ),
        encoding="utf-8",
    )
    [suggestion] = _suggestions(kb, site)
    assert suggestion["id"] == "reset-email" and suggestion["articles"][0]["id"] == "account/reset-password"
    assert suggestion["evidence"]["matched"] and suggestion["tier"] in ("strong", "medium")
    result = kb("coverage", "accept", "reset-email", "account/reset-password", cwd=site.root)
    assert result.code == 0 and "accepted" in result.out
    assert "covers: [forgot-password, reset-email]  # checked by Mei\n" in article.read_text(encoding="utf-8")
    after = json.loads(kb("coverage", "--format", "json", "--fail-under", "0", cwd=site.root).out)
    assert next(q for q in after["questions"] if q["id"] == "reset-email")["status"] == "covered"
    assert kb("coverage", "accept", "reset-email", "account/reset-password", cwd=site.root).out.startswith(
        "articles/account/reset-password.md already covers"
    )


def test_reject_records_it_and_the_suggestion_is_not_made_again(kb, site):
    site.write("questions.yml", (site.root / "questions.yml").read_text(encoding="utf-8") + UNTAGGED + "  # the end\n")
    assert kb("coverage", "reject", "reset-email", "account/reset-password", cwd=site.root).code == 0
    text = (site.root / "questions.yml").read_text(encoding="utf-8")
    assert "    volume: 60\n    not_answered_by: [account/reset-password]\n  # the end\n" in text
    assert _suggestions(kb, site) == []
    assert kb("check", cwd=site.root).code == 0


def test_unknown_ids_are_usage_errors_with_a_hint(kb, site):
    result = kb("coverage", "accept", "forgot-pasword", "account/reset-password", cwd=site.root)
    assert result.code == 2 and "did you mean 'forgot-password'" in result.err
    result = kb("coverage", "reject", "forgot-password", "account/reset", cwd=site.root)
    assert result.code == 2 and "no article 'account/reset'" in result.err


def test_review_needs_a_terminal(kb, site):
    result = kb("coverage", "review", cwd=site.root)
    assert result.code == 2 and "needs a terminal" in result.err


def test_review_in_a_terminal_takes_one_key_per_suggestion(site):
    site.write("questions.yml", (site.root / "questions.yml").read_text(encoding="utf-8") + UNTAGGED)
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "kb", "coverage", "review"],
        cwd=site.root,
        stdin=child,
        stdout=child,
        stderr=child,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    os.close(child)
    seen = b""
    deadline = time.monotonic() + 60
    while b"q stop > " not in seen and time.monotonic() < deadline:
        seen += os.read(main, 4096)
    assert b"reset-email" in seen and b"probably answered by account/reset-password.md" in seen
    os.write(main, b"x")  # not a key it knows: still waiting
    os.write(main, b"a")
    os.write(main, b"q")  # and stop there, whatever else it would suggest
    assert process.wait(timeout=60) == 0
    while True:
        try:
            chunk = os.read(main, 4096)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
    os.close(main)
    assert b"1 accepted, 0 rejected, 0 skipped" in seen
    assert "reset-email" in (site.root / "articles" / "account" / "reset-password.md").read_text(encoding="utf-8")


def test_an_entry_that_cannot_take_a_new_line_is_a_clear_error_and_the_file_stays(kb, site):
    one_line = "  - {id: reset-email, question: Where is my password reset email?, volume: 60}\n"
    site.write("questions.yml", (site.root / "questions.yml").read_text(encoding="utf-8") + one_line)
    before = (site.root / "questions.yml").read_text(encoding="utf-8")
    result = kb("coverage", "reject", "reset-email", "account/reset-password", cwd=site.root)
    assert result.code == 1 and "cannot edit this entry as text" in result.err and "Traceback" not in result.err
    assert (site.root / "questions.yml").read_text(encoding="utf-8") == before


def test_two_accepts_for_one_article_in_one_review_keep_both(site, capsys):
    import argparse

    from kb.cli.coverage import cmd_review

    second = "  - id: reset-link\n    question: How do I get a password reset link?\n    category: account\n"
    site.write("questions.yml", (site.root / "questions.yml").read_text(encoding="utf-8") + UNTAGGED + second)
    article = site.root / "articles" / "account" / "reset-password.md"
    article.write_text(article.read_text(encoding="utf-8").replace("covers: [forgot-password]\n", ""), "utf-8")
    keys = iter("aaq")
    cmd_review(argparse.Namespace(config=site.root / "kb.yml"), keys=lambda: next(keys))
    shown = capsys.readouterr().out
    assert shown.count("probably answered by account/reset-password.md") == 2
    text = article.read_text(encoding="utf-8")
    # The first accept added a covers: line; the second read the file again and added to it, not a second key.
    assert text.count("covers:") == 1 and "reset-email" in text and "reset-link" in text
    assert "2 accepted" in shown
