"""The coverage report is internal: a public build of the sample, with votes, comments and missed searches in its
feedback database, shows none of them anywhere; `kb report` builds the report on its own, and the endpoint serves
it under /internal/ to holders of the export token only."""

from __future__ import annotations

import gzip
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from feedback_widget.app import Settings, create_app
from feedback_widget.internal import COOKIE
from feedback_widget.misses import SearchMiss
from feedback_widget.sqlite_store import SqliteStore
from feedback_widget.votes import Vote
from tests.conftest import REPO

TOKEN = "internal-token-for-tests"
COMMENT = "Jane Doe, jane.doe@example.com <b>call me</b>"
OTHER_COMMENT = "My order number is 4711-SECRET"
MISSED = "refund for order 99231 jane"
ARTICLE = "payments/request-a-refund"


def _kb(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb", *args], cwd=cwd, capture_output=True, text=True)


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    """A copy of the sample help center whose feedback database holds votes with comments and missed searches,
    built with `kb build` into site/ and reported with `kb report` into report/."""
    root = tmp_path_factory.mktemp("private") / "help"
    root.mkdir()
    for name in ("articles", "kb.yml", "mkdocs.yml", "questions.yml"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    if (REPO / ".kb-cache/index").is_dir():  # the article index only: it makes the build faster, holds no votes
        shutil.copytree(REPO / ".kb-cache/index", root / ".kb-cache/index")
    store = SqliteStore(root / ".kb-cache/feedback.sqlite3")
    try:
        store.add_votes(
            [
                Vote(ARTICLE, False, "not_solved", COMMENT, voter="reader-1"),
                Vote("account/reset-your-password", False, "unclear", OTHER_COMMENT, voter="reader-2"),
                Vote("account/reset-your-password", True, voter="reader-3"),
            ]
        )
        store.add_search_misses([SearchMiss(MISSED, "en"), SearchMiss(MISSED, "en")])
    finally:
        store.close()
    built = _kb("build", "--site-dir", "site", cwd=root)
    assert built.returncode == 0, built.stderr
    reported = _kb("report", "--out", "report", cwd=root)
    assert reported.returncode == 0, reported.stderr
    return root


def _settings(sample: Path, db: Path, token: str | None) -> Settings:
    return Settings(
        db=db,
        manifest=sample / "site/kb-articles.json",
        site_dir=sample / "site",
        report_dir=sample / "report",
        export_token=token,
        rate=0,
    )


@pytest.fixture(scope="module")
def client(sample):
    with TestClient(create_app(_settings(sample, sample / ".kb-cache/feedback.sqlite3", TOKEN))) as test_client:
        yield test_client


def _public_urls(site: Path) -> set[str]:
    """Every file of the built site as the endpoint serves it, and every page the sitemap names."""
    urls = {"/", "/api/feedback/summary", "/coverage/", "/coverage/coverage.json", "/coverage/coverage.csv"}
    for path in site.rglob("*"):
        if path.is_file():
            relative = path.relative_to(site).as_posix()
            urls.add("/" + relative)
            if path.name == "index.html":
                urls.add("/" + relative[: -len("index.html")])
    sitemap = (site / "sitemap.xml").read_text(encoding="utf-8")
    urls |= {urlsplit(loc).path for loc in re.findall(r"<loc>([^<]+)</loc>", sitemap)}
    return urls


def _secrets() -> list[str]:
    words = [COMMENT, "jane.doe@example.com", "Jane Doe", OTHER_COMMENT, "4711-SECRET", MISSED, "99231"]
    return words + ["Coverage report", "kb-report", "Searches that found nothing", "pay-with-paypal"]


def test_no_public_url_shows_comments_missed_searches_or_the_report(sample, client):
    urls = _public_urls(sample / "site")
    assert len(urls) > 100
    fetched = 0
    for url in sorted(urls):
        response = client.get(url)
        if response.status_code != 200:
            continue
        fetched += 1
        body = response.content
        if body[:2] == b"\x1f\x8b":
            body = gzip.decompress(body)
        text = body.decode("utf-8", "replace")
        for secret in _secrets():
            assert secret.casefold() not in text.casefold(), (url, secret)
            assert secret.replace(" ", "+") not in text, (url, secret)
    assert fetched > 100
    assert client.get("/coverage/").status_code == 404
    assert client.get("/coverage/coverage.json").status_code == 404
    assert not (sample / "site/coverage").exists()
    assert "coverage" not in (sample / "site/sitemap.xml").read_text(encoding="utf-8")


def test_the_public_summary_counts_votes_but_holds_no_comment(client):
    summary = client.get("/api/feedback/summary").json()
    assert {"article": ARTICLE, "helpful": 0, "not_helpful": 1, "rate": 0.0} in summary


def test_the_report_folder_has_the_page_chart_and_files_with_readers_text_escaped(sample):
    report = sample / "report"
    assert sorted(p.name for p in report.iterdir()) == ["coverage.csv", "coverage.json", "coverage.md", "index.html"]
    page = (report / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "<svg" in page and "Gaps (" in page
    assert "Jane Doe, jane.doe@example.com &lt;b&gt;call me&lt;/b&gt;" in page and "<b>call me" not in page
    assert MISSED in page
    # links lead to the public site's articles (site_url of mkdocs.yml)
    assert 'href="http://127.0.0.1:8000/payments/request-a-refund/"' in page
    assert "pay-with-paypal" in (report / "coverage.json").read_text(encoding="utf-8")


def test_the_report_needs_the_token(client):
    for url in ("/internal/report/", "/internal/report/index.html", "/internal/report/coverage.json"):
        response = client.get(url)
        assert response.status_code == 401, url
        assert COMMENT not in response.text and "pay-with-paypal" not in response.text
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert client.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    response = client.get("/internal/report/", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert "jane.doe@example.com &lt;b&gt;" in response.text
    assert response.headers["cache-control"] == "no-store"
    assert "noindex" in response.headers["x-robots-tag"]
    data = client.get("/internal/report/coverage.json", headers={"Authorization": f"Bearer {TOKEN}"})
    assert data.status_code == 200 and data.json()["version"] == 1


def test_a_browser_signs_in_once_with_the_token_form(sample):
    settings = _settings(sample, sample / "browser.db", TOKEN)
    with TestClient(create_app(settings), follow_redirects=False) as browser:
        assert browser.get("/internal").headers["location"] == "/internal/"
        form = browser.get("/internal/")
        assert form.status_code == 200 and 'name="token"' in form.text and 'action="/internal/login"' in form.text
        wrong = browser.post("/internal/login", data={"token": "guess"})
        assert wrong.status_code == 401 and COOKIE not in browser.cookies
        right = browser.post("/internal/login", data={"token": TOKEN})
        assert right.status_code == 303 and right.headers["location"] == "/internal/report/"
        cookie = right.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/internal" in cookie
        assert TOKEN not in cookie  # the cookie opens these pages only; it is not the export token
        assert browser.get("/internal/report/").status_code == 200
        assert browser.get("/api/feedback/export").status_code == 401  # the export still wants the token itself
        browser.post("/internal/logout")
        assert browser.get("/internal/report/").status_code == 401


def test_without_a_token_the_internal_pages_are_off(sample):
    with TestClient(create_app(_settings(sample, sample / "off.db", None))) as test_client:
        assert test_client.get("/internal/report/").status_code == 404
        assert test_client.get("/internal/report/", headers={"Authorization": "Bearer "}).status_code == 404


def test_feedback_serve_refuses_a_report_inside_the_site_or_without_a_token(kb, sample, monkeypatch):
    monkeypatch.delenv("KB_FEEDBACK_TOKEN", raising=False)
    args = ["feedback", "serve", "--db", str(sample / "votes.db"), "--site", str(sample / "site")]
    result = kb(*args, "--report", str(sample / "report"))
    assert result.code == 2 and "needs the export token" in result.err
    monkeypatch.setenv("KB_FEEDBACK_TOKEN", TOKEN)
    result = kb(*args, "--report", str(sample / "site/report"))
    assert result.code == 2 and "keep it outside the public site" in result.err


def test_kb_report_never_replaces_a_folder_it_does_not_own(kb, site):
    (site.root / "notes").mkdir()
    (site.root / "notes" / "keep.txt").write_text("mine", encoding="utf-8")
    for out, message in (
        ("articles", "inside the articles folder"),
        ("articles/report", "inside the articles folder"),
        (".", "holds the help center itself"),
        ("kb.yml", "is a file"),
        ("notes", "holds other files (keep.txt)"),
    ):
        result = kb("report", "--out", out, cwd=site.root)
        assert result.code == 2 and message in result.err, (out, result.err)
    assert (site.root / "notes" / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert (site.root / "articles" / "account" / "reset-password.md").is_file()
    assert kb("report", "--out", "report", cwd=site.root).code == 0
    assert kb("report", "--out", "report", cwd=site.root).code == 0  # its own folder: replaced


def test_a_sign_in_cookie_stops_opening_the_report_when_it_expires(sample):
    import time

    from feedback_widget.internal import COOKIE_MAX_AGE, cookie_value

    settings = _settings(sample, sample / "expiry.db", TOKEN)
    with TestClient(create_app(settings), follow_redirects=False) as browser:
        assert browser.post("/internal/login", data={"token": TOKEN}).status_code == 303
        issued = browser.cookies[COOKIE]
        assert browser.get("/internal/report/").status_code == 200
        now = int(time.time())
        for stale in (
            cookie_value(TOKEN, now - COOKIE_MAX_AGE - 5),  # kept past its age by a copy or a tampered browser
            cookie_value(TOKEN, now + 3600),  # issued in the future: made up
            cookie_value("another-token", now),  # before the token was changed
            issued.split(".", 1)[1],  # the hash without its time
            f"{now - COOKIE_MAX_AGE - 5}.{issued.split('.', 1)[1]}",  # an old time under a fresh hash
            "9" * 40 + "." + "0" * 64,
        ):
            browser.cookies.clear()
            browser.cookies.set(COOKIE, stale, path="/internal")
            assert browser.get("/internal/report/").status_code == 401, stale
        browser.cookies.clear()
        browser.cookies.set(COOKIE, cookie_value(TOKEN, now - COOKIE_MAX_AGE + 60), path="/internal")
        assert browser.get("/internal/report/").status_code == 200  # still within its age


def test_a_cookie_with_digits_from_other_scripts_is_refused_not_a_crash():
    import time

    from feedback_widget.internal import cookie_is_valid, cookie_value

    now = int(time.time())
    mac = cookie_value(TOKEN, now).split(".", 1)[1]
    for odd in ("\u00b2." + mac, "\u0663\u0664." + mac, "", ".", "12", "-5." + mac, " 1." + mac):
        assert cookie_is_valid(odd, TOKEN, now) is False, odd
    assert cookie_is_valid(cookie_value(TOKEN, now), TOKEN, now)
