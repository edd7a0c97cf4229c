"""The endpoint's search routes: missed searches (recorded like votes) and article suggestions."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest
from starlette.testclient import TestClient

from feedback_widget.app import Settings, create_app
from feedback_widget.reports import missed_searches
from kb.matching.matcher import build_matcher
from kb.search.suggest import MANIFEST, SiteSuggester, write_snapshot
from kb.site.manifest import manifest
from tests.coverage.test_coverage import ARTICLES


@pytest.fixture
def settings(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / MANIFEST).write_text(json.dumps(manifest(ARTICLES)), encoding="utf-8")
    write_snapshot(build_matcher(ARTICLES, tmp_path / "index").stats, site)
    return Settings(
        db=tmp_path / "votes.db",
        manifest=site / MANIFEST,
        site_dir=site,
        burst=1000,
        allow_origins=("https://help.example.com",),
    )


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings, suggest=SiteSuggester(settings.site_dir))) as c:
        yield c


def miss(client, body, headers=None):
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return client.post("/api/search-miss", content=raw, headers={"Content-Type": "application/json", **(headers or {})})


def rows(settings):
    with sqlite3.connect(settings.db) as con:
        return con.execute("SELECT lang, query, count FROM search_misses ORDER BY query").fetchall()


def test_missed_searches_are_counted_per_query_without_identity(client, settings):
    assert miss(client, {"query": "PayPal  refund", "lang": "en"}).status_code == 201
    assert miss(client, {"query": "paypal refund"}).status_code == 201
    assert miss(client, {"query": "花呗", "lang": "zh"}).status_code == 201
    assert rows(settings) == [("en", "paypal refund", 2), ("zh", "花呗", 1)]
    with sqlite3.connect(settings.db) as con:
        columns = {r[1] for r in con.execute("PRAGMA table_info(search_misses)")}
    assert columns == {"day", "lang", "query", "count"}  # nothing about who searched


def test_missed_searches_reach_the_report(client, settings):
    for query in ("paypal", "paypal", "dark mode"):
        miss(client, {"query": query})
    assert [(m.query, m.count) for m in missed_searches(settings.db)] == [("paypal", 2), ("dark mode", 1)]


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        (b"{not json", 400, "not valid JSON"),
        ({"query": 42}, 422, "query: expected a string"),
        ({"query": "x", "who": "me"}, 422, "unknown field 'who'"),
        ({"query": "   "}, 422, "query: must not be empty"),
        ({"query": "x" * 201}, 422, "query: at most 200 characters"),
        ({"query": "x", "lang": "fr"}, 422, "lang: expected one of en, zh"),
        ({"query": "a\x00b"}, 422, "control characters"),
        ([], 422, "expected a JSON object"),
    ],
)
def test_bad_missed_searches_get_a_4xx(client, settings, body, status, message):
    response = miss(client, body)
    assert response.status_code == status
    assert message in response.json()["error"]
    assert rows(settings) == []


def test_oversized_and_non_json_bodies(client):
    assert miss(client, {"query": "x" * 5000}).status_code == 413
    assert (
        client.post(
            "/api/search-miss", content=b"query=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
        ).status_code
        == 415
    )


def test_other_sites_cannot_report_searches(client):
    assert miss(client, {"query": "x"}, {"Origin": "https://evil.example"}).status_code == 403
    assert miss(client, {"query": "x"}, {"Origin": "https://help.example.com"}).status_code == 201


def test_missed_searches_are_rate_limited(tmp_path, settings):
    from dataclasses import replace

    with TestClient(
        create_app(replace(settings, burst=2, rate=0.01), suggest=SiteSuggester(settings.site_dir))
    ) as client:
        codes = [miss(client, {"query": f"q{i}"}).status_code for i in range(3)]
        assert codes == [201, 201, 429]
        assert int(miss(client, {"query": "q"}).headers["Retry-After"]) >= 1


def test_suggest_returns_top_articles_of_the_language(client):
    response = client.get("/api/suggest", params={"q": "money back refund", "lang": "en"})
    assert response.status_code == 200
    found = response.json()
    assert 1 <= len(found) <= 5
    assert found[0]["url"] in ("refunds/", "refunds-old/")
    assert set(found[0]) == {"title", "url", "summary", "score"}
    chinese = client.get("/api/suggest", params={"q": "忘记密码", "lang": "zh"}).json()
    assert [s["url"] for s in chinese] == ["zh-password/"]


def test_suggest_bad_input(client):
    assert client.get("/api/suggest", params={"q": "x" * 201}).status_code == 400
    assert client.get("/api/suggest", params={"q": "x", "lang": "fr"}).status_code == 400
    assert client.get("/api/suggest", params={"q": ""}).json() == []


def test_suggest_reloads_after_a_rebuild(client, settings, tmp_path):
    assert client.get("/api/suggest", params={"q": "subtitles"}).json()[0]["url"] == "subtitles/"
    fewer = [a for a in ARTICLES if a.id != "subtitles"]
    time.sleep(0.01)
    write_snapshot(build_matcher(fewer, tmp_path / "index2").stats, settings.site_dir)
    assert all(s["url"] != "subtitles/" for s in client.get("/api/suggest", params={"q": "subtitles"}).json())


def test_missed_searches_are_listed_escaped_on_the_report_page(client, settings, tmp_path):
    from feedback_widget.reports import read_feedback
    from kb.coverage.analysis import analyse
    from kb.coverage.audit import with_feedback
    from kb.model import Question
    from kb.reports.page import render

    for _ in range(2):
        miss(client, {"query": "<script>paypal</script>"})
    report = analyse(ARTICLES, [Question("q", "refund", "en", volume=1)], build_matcher(ARTICLES, tmp_path / "index2"))
    page = render(with_feedback(report, ARTICLES, read_feedback(settings.db)), {})
    assert "Searches that found nothing" in page
    assert "<td>2</td><td>&lt;script&gt;paypal&lt;/script&gt;</td>" in page
