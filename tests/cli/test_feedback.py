"""`kb feedback serve` and `kb feedback stats`: usage errors before serving, the stats table."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from feedback_widget.server import TokenError, export_token
from feedback_widget.sqlite_store import SqliteStore
from feedback_widget.votes import Vote


@pytest.fixture
def built_site(tmp_path: Path) -> Path:
    site = tmp_path / "site"
    site.mkdir()
    (site / "kb-articles.json").write_text(
        json.dumps({"version": 1, "articles": [{"id": "account/reset-password"}]}), encoding="utf-8"
    )
    return site


def test_feedback_alone_prints_help(kb, tmp_path):
    result = kb("feedback", cwd=tmp_path)
    assert result.code == 2 and "serve" in result.out and "stats" in result.out


def test_stats_prints_the_table(kb, tmp_path):
    store = SqliteStore(tmp_path / "votes.db", clock=lambda: dt.datetime(2026, 9, 14, tzinfo=dt.UTC))
    store.add_votes(
        [
            Vote("account/reset-password", True, voter="client:aaaa1111"),
            Vote("account/reset-password", False, voter="client:bbbb2222"),
        ]
    )
    store.close()
    result = kb("feedback", "stats", "--db", str(tmp_path / "votes.db"), cwd=tmp_path)
    assert result.code == 0
    assert result.out.splitlines()[1].split() == ["account/reset-password", "1", "1", "50%"]
    assert "1 articles, 2 votes, 50% helpful" in result.out


def test_stats_without_a_database_is_a_usage_error(kb, tmp_path):
    result = kb("feedback", "stats", "--db", str(tmp_path / "none.db"), cwd=tmp_path)
    assert result.code == 2 and "none.db: no such file" in result.err


def test_stats_on_a_file_that_is_not_sqlite(kb, tmp_path):
    (tmp_path / "votes.db").write_text("hello" * 500)
    result = kb("feedback", "stats", "--db", str(tmp_path / "votes.db"), cwd=tmp_path)
    assert result.code == 2 and "votes.db" in result.err


def test_serve_needs_a_built_site(kb, tmp_path):
    result = kb("feedback", "serve", "--db", str(tmp_path / "v.db"), "--site", str(tmp_path / "nope"), cwd=tmp_path)
    assert result.code == 2 and "build the site first" in result.err
    (tmp_path / "empty").mkdir()
    result = kb("feedback", "serve", "--db", str(tmp_path / "v.db"), "--site", str(tmp_path / "empty"), cwd=tmp_path)
    assert result.code == 2 and "kb-articles.json: no such file" in result.err


def test_serve_checks_the_database_path_before_serving(kb, tmp_path, built_site):
    result = kb(
        "feedback", "serve", "--db", str(tmp_path / "missing" / "v.db"), "--site", str(built_site), cwd=tmp_path
    )
    assert result.code == 2 and "does not exist" in result.err


def test_serve_refuses_an_empty_token_file(kb, tmp_path, built_site):
    (tmp_path / "token").write_text("\n")
    result = kb(
        "feedback",
        "serve",
        "--db",
        str(tmp_path / "v.db"),
        "--site",
        str(built_site),
        "--token-file",
        str(tmp_path / "token"),
        cwd=tmp_path,
    )
    assert result.code == 2 and "empty" in result.err


def test_serve_refuses_a_negative_rate(kb, tmp_path, built_site):
    result = kb(
        "feedback",
        "serve",
        "--db",
        str(tmp_path / "v.db"),
        "--site",
        str(built_site),
        "--rate-limit",
        "-1",
        cwd=tmp_path,
    )
    assert result.code == 2


def test_the_export_token_comes_from_the_file_or_the_environment(tmp_path):
    assert export_token(None, {}) is None
    assert export_token(None, {"KB_FEEDBACK_TOKEN": " abc \n"}) == "abc"
    (tmp_path / "token").write_text("from-file\n")
    assert export_token(tmp_path / "token", {"KB_FEEDBACK_TOKEN": "env"}) == "from-file"
    with pytest.raises(TokenError):
        export_token(tmp_path / "missing", {})


def test_serve_refuses_a_negative_cap_per_address(kb, tmp_path, built_site):
    result = kb(
        "feedback",
        "serve",
        "--db",
        str(tmp_path / "v.db"),
        "--site",
        str(built_site),
        "--votes-per-address",
        "-1",
        cwd=tmp_path,
    )
    assert result.code == 2 and "--votes-per-address" in result.err
