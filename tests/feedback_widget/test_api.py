"""The feedback endpoint through Starlette's TestClient, over a real SQLite file (feedback_widget/app.py)."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from feedback_widget.app import Settings, create_app
from feedback_widget.catalog import ArticleCatalog, CatalogError, read_manifest
from feedback_widget.store import is_postgres_url
from tests.postgres import new_database

ARTICLES = ["account/reset-password", "payments/refund-policy", "zh/account/reset-password"]
TOKEN = "s3cret-token-for-tests"
CLIENT = "0123456789abcdef0123456789abcdef"


def write_manifest(site: Path, ids: list[str]) -> Path:
    site.mkdir(parents=True, exist_ok=True)
    articles = [{"id": a, "title": a, "url": f"{a}/", "lang": "en", "category": "account", "summary": ""} for a in ids]
    path = site / "kb-articles.json"
    path.write_text(json.dumps({"version": 1, "articles": articles}), encoding="utf-8")
    return path


def fresh_db(settings: Settings, name: str) -> Path | str:
    """Another empty database of the same kind as the one `settings` names."""
    if is_postgres_url(settings.db):
        return new_database(settings.db.rsplit("/", 1)[0] + "/postgres")
    return settings.db.with_name(name)


def sqlite_settings(tmp_path: Path, db: Path | str | None = None) -> Settings:
    site = tmp_path / "site"
    manifest = write_manifest(site, ARTICLES)
    (site / "index.html").write_text("<h1>Help center</h1>", encoding="utf-8")
    return Settings(
        db=db or tmp_path / "votes.db",
        manifest=manifest,
        site_dir=site,
        export_token=TOKEN,
        burst=1000,
        votes_per_address=0,  # every test client shares one address; the cap has tests of its own
        allow_origins=("https://help.example.com",),
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request, tmp_path: Path) -> Settings:
    """The endpoint's settings over each store: a SQLite file, and a PostgreSQL database on a real server."""
    if request.param == "postgresql":
        return sqlite_settings(tmp_path, new_database(request.getfixturevalue("postgres_url")))
    return sqlite_settings(tmp_path)


@pytest.fixture
def client(settings: Settings):
    with TestClient(create_app(settings)) as c:
        yield c


def post(client: TestClient, body: object, headers: dict[str, str] | None = None):
    raw = json.dumps(body, ensure_ascii=False).encode()
    return client.post("/api/feedback", content=raw, headers={"Content-Type": "application/json", **(headers or {})})


def db_rows(settings: Settings) -> list[tuple]:
    sql = "SELECT id, article, helpful, reason, comment FROM votes ORDER BY id"
    if is_postgres_url(settings.db):
        import psycopg

        with psycopg.connect(settings.db) as con:
            return [(i, a, int(h), r, c) for i, a, h, r, c in con.execute(sql)]
    with sqlite3.connect(settings.db) as con:
        return con.execute(sql).fetchall()


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# Good votes


def test_a_vote_is_on_disk_when_answered(client, settings):
    response = post(
        client,
        {
            "article": "account/reset-password",
            "helpful": False,
            "reason": "not_solved",
            "comment": "Link expired",
            "client": CLIENT,
        },
    )
    assert response.status_code == 201
    assert response.json() == {"id": 1}
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert db_rows(settings) == [(1, "account/reset-password", 0, "not_solved", "Link expired")]


def test_optional_fields_may_be_left_out_null_or_empty(client, settings):
    assert post(client, {"article": "account/reset-password", "helpful": True}).status_code == 201
    body = {"article": "payments/refund-policy", "helpful": False, "reason": None, "comment": "  ", "client": CLIENT}
    assert post(client, body).status_code == 201
    assert db_rows(settings)[1] == (2, "payments/refund-policy", 0, None, None)


def test_a_charset_in_the_content_type_is_fine(client):
    body = json.dumps({"article": "account/reset-password", "helpful": True}).encode()
    response = client.post("/api/feedback", content=body, headers={"Content-Type": "application/json; charset=utf-8"})
    assert response.status_code == 201


def test_chinese_comments_are_kept(client, settings):
    post(
        client,
        {"article": "zh/account/reset-password", "helpful": False, "comment": "重置链接已过期", "client": CLIENT},
    )
    assert db_rows(settings)[0][4] == "重置链接已过期"


# Repeats count once a day


def test_a_readers_repeat_replaces_their_earlier_vote(client, settings):
    first = post(client, {"article": "account/reset-password", "helpful": False, "client": CLIENT}).json()["id"]
    again = post(
        client,
        {
            "article": "account/reset-password",
            "helpful": False,
            "reason": "unclear",
            "comment": "which menu?",
            "client": CLIENT,
        },
    )
    assert again.status_code == 201 and again.json()["id"] == first
    assert db_rows(settings) == [(first, "account/reset-password", 0, "unclear", "which menu?")]
    other = post(client, {"article": "account/reset-password", "helpful": True, "client": "fedcba9876543210"}).json()[
        "id"
    ]
    assert other != first
    summary = client.get("/api/feedback/summary").json()
    assert summary == [{"article": "account/reset-password", "helpful": 1, "not_helpful": 1, "rate": 0.5}]


def test_without_a_client_id_the_address_tells_readers_apart(client, settings):
    first = post(client, {"article": "account/reset-password", "helpful": True}).json()["id"]
    assert post(client, {"article": "account/reset-password", "helpful": False}).json()["id"] == first
    assert len(db_rows(settings)) == 1


# Refusals: never a 500


def test_unknown_article_is_422_with_its_name(client, settings):
    response = post(client, {"article": "account/no-such-article", "helpful": True})
    assert response.status_code == 422
    assert "account/no-such-article" in response.json()["error"]
    assert db_rows(settings) == []


@pytest.mark.parametrize(
    "body, fragment",
    [
        ({"helpful": True}, "article: required"),
        ({"article": "account/reset-password"}, "helpful: required"),
        ({"article": "account/reset-password", "helpful": "yes"}, "helpful: expected true or false, got a string"),
        ({"article": "account/reset-password", "helpful": 1}, "helpful: expected true or false, got a number"),
        ({"article": 42, "helpful": True}, "article: expected a string"),
        ({"article": "", "helpful": True}, "article: must not be empty"),
        ({"article": ["account/reset-password"], "helpful": True}, "got an array"),
        ({"article": "account/reset-password", "helpful": False, "reason": "boring"}, "reason: expected one of"),
        ({"article": "account/reset-password", "helpful": True, "reason": "unclear"}, "only a vote that says no"),
        ({"article": "account/reset-password", "helpful": False, "comment": "x" * 1001}, "at most 1000 characters"),
        ({"article": "account/reset-password", "helpful": False, "comment": {"text": "hi"}}, "got an object"),
        ({"article": "account/reset-password", "helpful": False, "comment": "bell\u0007"}, "control characters"),
        ({"article": "account/reset-password", "helpful": True, "client": "short"}, "client: expected 8 to 64"),
        ({"article": "account/reset-password", "helpful": True, "client": "has spaces in it"}, "client: expected"),
        ({"article": "account/reset-password", "helpful": True, "rating": 5}, "unknown field 'rating'"),
        (["account/reset-password", True], "expected a JSON object"),
        ("just a string", "expected a JSON object"),
        (None, "expected a JSON object"),
    ],
)
def test_wrong_fields_and_types_are_422(client, settings, body, fragment):
    response = post(client, body)
    assert response.status_code == 422
    assert fragment in response.json()["error"]
    assert db_rows(settings) == []


def test_a_full_length_comment_is_fine(client):
    assert (
        post(client, {"article": "account/reset-password", "helpful": False, "comment": "好" * 1000}).status_code == 201
    )


def test_lone_surrogates_are_422(client):
    body = b'{"article": "account/reset-password", "helpful": false, "comment": "\\ud800"}'
    response = client.post("/api/feedback", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422 and "Unicode" in response.json()["error"]


@pytest.mark.parametrize(
    "raw",
    [
        b"{not json",
        b"",
        b'{"article": "account/reset-password", "helpful": true',
        b'{"article": "account/reset-password", "article": "payments/refund-policy", "helpful": true}',
        b"\xff\xfe{}",
        b"[" * 2000,
        b"[" * 1500 + b"]" * 1500,
    ],
    ids=["broken", "empty", "truncated", "duplicate-field", "not-utf8", "deep-unclosed", "deep-nesting"],
)
def test_unreadable_json_is_400(client, raw):
    response = client.post("/api/feedback", content=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert "not valid JSON" in response.json()["error"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", None]
)
def test_other_content_types_are_415(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = client.post(
        "/api/feedback", content=b'{"article": "account/reset-password", "helpful": true}', headers=headers
    )
    assert response.status_code == 415


def test_a_declared_body_over_4_kb_is_413(client, settings):
    body = json.dumps({"article": "account/reset-password", "helpful": False, "comment": "x" * 5000}).encode()
    response = client.post("/api/feedback", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert db_rows(settings) == []


def test_a_streamed_body_over_4_kb_is_413_whatever_it_declares(client):
    def chunks():  # sent chunked: no Content-Length at all
        yield b'{"article": "account/reset-password", "helpful": false, "comment": "'
        for _ in range(10):
            yield b"x" * 1000
        yield b'"}'

    response = client.post("/api/feedback", content=chunks(), headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_a_small_chunked_body_is_fine(client):
    response = client.post(
        "/api/feedback",
        content=iter([b'{"article": "account/reset-', b'password", "helpful": true}']),
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 201


def test_a_content_length_that_is_not_a_number_is_400(settings):
    app = create_app(settings)

    async def call() -> list[dict]:  # an ASGI call by hand: HTTP clients will not send such a header
        sent = []
        scope = {
            "type": "http",
            "method": "POST",
            "path": "/api/feedback",
            "headers": [(b"content-type", b"application/json"), (b"content-length", b"-5")],
            "client": ("127.0.0.1", 1),
            "query_string": b"",
            "root_path": "",
        }

        async def receive():
            return {"type": "http.request", "body": b"{}", "more_body": False}

        async def send(message):
            sent.append(message)

        async with app.state.api.lifespan(app):
            await app(scope, receive, send)
        return sent

    sent = asyncio.run(call())
    assert sent[0]["status"] == 400


def test_get_on_the_vote_route_is_not_a_vote(client, settings):
    assert client.get("/api/feedback?article=account/reset-password&helpful=true").status_code in (404, 405)
    assert db_rows(settings) == []


# CORS and origins


def test_preflight_from_an_allowed_origin(client):
    response = client.options(
        "/api/feedback",
        headers={
            "Origin": "https://help.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "https://help.example.com"


def test_preflight_from_another_origin_is_refused(client):
    response = client.options(
        "/api/feedback", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 400
    assert "access-control-allow-origin" not in response.headers


def test_a_vote_from_an_allowed_origin_gets_cors_headers(client):
    response = post(
        client, {"article": "account/reset-password", "helpful": True}, headers={"Origin": "https://help.example.com"}
    )
    assert response.status_code == 201
    assert response.headers["access-control-allow-origin"] == "https://help.example.com"


def test_a_vote_from_another_sites_page_is_403_and_not_stored(client, settings):
    response = post(
        client, {"article": "account/reset-password", "helpful": True}, headers={"Origin": "https://evil.example"}
    )
    assert response.status_code == 403
    assert "access-control-allow-origin" not in response.headers
    assert db_rows(settings) == []


def test_the_sites_own_pages_need_no_cors(client):
    assert (
        post(
            client, {"article": "account/reset-password", "helpful": True}, headers={"Origin": "http://testserver"}
        ).status_code
        == 201
    )


def test_without_allowed_origins_there_is_no_cors_at_all(settings):
    with TestClient(create_app(replace(settings, allow_origins=()))) as c:
        response = c.options(
            "/api/feedback", headers={"Origin": "https://help.example.com", "Access-Control-Request-Method": "POST"}
        )
        assert "access-control-allow-origin" not in response.headers
        assert (
            post(
                c,
                {"article": "account/reset-password", "helpful": True},
                headers={"Origin": "https://help.example.com"},
            ).status_code
            == 403
        )


# Rate limiting


def test_too_many_requests_from_one_client_is_429_with_retry_after(settings):
    with TestClient(create_app(replace(settings, rate=0.1, burst=3))) as c:
        answers = [
            post(c, {"article": "account/reset-password", "helpful": True, "client": f"client{n:04d}"})
            for n in range(4)
        ]
    assert [a.status_code for a in answers] == [201, 201, 201, 429]
    assert int(answers[3].headers["retry-after"]) >= 1
    assert "too many" in answers[3].json()["error"]


def test_refused_requests_count_too(settings):
    with TestClient(create_app(replace(settings, rate=0.1, burst=2))) as c:
        assert post(c, {"article": "nope", "helpful": True}).status_code == 422
        assert post(c, {"article": "nope", "helpful": True}).status_code == 422
        assert post(c, {"article": "account/reset-password", "helpful": True}).status_code == 429


# One address, many client ids


def test_one_address_adds_at_most_three_readers_a_day_to_an_article(settings):
    # Rotating the client id makes a new reader each time; the address stays the same.
    with TestClient(create_app(replace(settings, votes_per_address=3))) as c:
        answers = [
            post(c, {"article": "account/reset-password", "helpful": False, "client": f"rotated{n:04d}"})
            for n in range(5)
        ]
        assert [a.status_code for a in answers] == [201, 201, 201, 429, 429]
        assert "at most 3 readers a day" in answers[3].json()["error"]
        assert int(answers[3].headers["retry-after"]) >= 1
        # The readers already counted may still change their vote, and other articles are not affected.
        again = post(c, {"article": "account/reset-password", "helpful": True, "client": "rotated0000"})
        assert again.status_code == 201 and again.json()["id"] == answers[0].json()["id"]
        assert (
            post(c, {"article": "payments/refund-policy", "helpful": False, "client": "rotated0004"}).status_code == 201
        )
    assert [row[2] for row in db_rows(settings) if row[1] == "account/reset-password"] == [1, 0, 0]


def test_the_cap_per_address_is_3_by_default_and_can_be_raised_or_turned_off(settings):
    assert Settings(db=settings.db, manifest=settings.manifest).votes_per_address == 3
    for cap, stored in ((10, 8), (0, 8)):
        with TestClient(
            create_app(replace(settings, db=fresh_db(settings, f"cap{cap}.db"), votes_per_address=cap))
        ) as c:
            answers = [
                post(c, {"article": "account/reset-password", "helpful": True, "client": f"office{n:04d}"})
                for n in range(8)
            ]
        assert sum(a.status_code == 201 for a in answers) == stored


# Summary and export


def test_summary_figures(client):
    for n in range(3):
        post(client, {"article": "account/reset-password", "helpful": True, "client": f"readerA{n:03d}"})
    post(
        client,
        {"article": "account/reset-password", "helpful": False, "client": "readerB0001", "comment": "secret detail"},
    )
    post(client, {"article": "payments/refund-policy", "helpful": False, "client": "readerB0002"})
    response = client.get("/api/feedback/summary")
    assert response.status_code == 200
    assert response.json() == [
        {"article": "account/reset-password", "helpful": 3, "not_helpful": 1, "rate": 0.75},
        {"article": "payments/refund-policy", "helpful": 0, "not_helpful": 1, "rate": 0.0},
    ]
    assert "secret detail" not in response.text  # comments only through the authenticated export


def test_export_needs_the_token(client):
    post(client, {"article": "account/reset-password", "helpful": True})
    for headers in ({}, auth("wrong"), {"Authorization": TOKEN}, {"Authorization": f"Basic {TOKEN}"}):
        response = client.get("/api/feedback/export?format=csv", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"].startswith("Bearer")
        assert "account/reset-password" not in response.text


def test_export_is_off_without_a_token(settings):
    with TestClient(create_app(replace(settings, export_token=None))) as c:
        response = c.get("/api/feedback/export", headers=auth())
        assert response.status_code == 404
        assert "KB_FEEDBACK_TOKEN" in response.json()["error"]


def test_export_json_gives_comments_back_as_data(client):
    script = '<script>alert("hi")</script>'
    post(
        client,
        {
            "article": "account/reset-password",
            "helpful": False,
            "reason": "missing",
            "comment": script,
            "client": CLIENT,
        },
    )
    post(client, {"article": "payments/refund-policy", "helpful": True})
    response = client.get("/api/feedback/export?format=json", headers=auth())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    votes = response.json()
    assert [(v["id"], v["article"], v["helpful"], v["reason"], v["comment"]) for v in votes] == [
        (1, "account/reset-password", False, "missing", script),
        (2, "payments/refund-policy", True, None, None),
    ]
    assert set(votes[0]) == {"id", "article", "helpful", "reason", "comment", "day", "created_at"}


def test_export_csv(client):
    post(
        client,
        {
            "article": "account/reset-password",
            "helpful": False,
            "reason": "unclear",
            "comment": 'Said "tap", meant "click",\nthen <b>nothing</b>',
            "client": CLIENT,
        },
    )
    post(
        client,
        {"article": "payments/refund-policy", "helpful": False, "comment": '=HYPERLINK("http://x")', "client": CLIENT},
    )
    response = client.get("/api/feedback/export?format=csv", headers=auth())
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    table = list(csv.DictReader(io.StringIO(response.text)))
    assert table[0]["comment"] == 'Said "tap", meant "click",\nthen <b>nothing</b>'
    assert (table[0]["helpful"], table[0]["reason"]) == ("no", "unclear")
    assert table[1]["comment"] == '\'=HYPERLINK("http://x")'  # a spreadsheet must not run it


def test_export_of_an_empty_database(client):
    assert client.get("/api/feedback/export", headers=auth()).json() == []
    assert (
        client.get("/api/feedback/export?format=csv", headers=auth()).text.strip()
        == "id,article,helpful,reason,comment,day,created_at"
    )


def test_export_in_another_format_is_400(client):
    assert client.get("/api/feedback/export?format=xml", headers=auth()).status_code == 400


# The rest of the origin


def test_healthz(client):
    assert client.get("/healthz").json() == {"status": "ok"}


def test_the_built_site_is_served_beside_the_api(client):
    response = client.get("/")
    assert response.status_code == 200 and "Help center" in response.text


def test_an_api_only_endpoint(tmp_path):
    manifest = write_manifest(tmp_path / "elsewhere", ARTICLES)
    with TestClient(create_app(Settings(db=tmp_path / "votes.db", manifest=manifest))) as c:
        assert post(c, {"article": "account/reset-password", "helpful": True}).status_code == 201
        assert c.get("/").status_code == 404


# The article manifest


def test_a_rebuilt_site_brings_new_articles(tmp_path):
    path = write_manifest(tmp_path, ["a"])
    now = [0.0]
    catalog = ArticleCatalog(path, clock=lambda: now[0])
    assert "a" in catalog and "b" not in catalog
    write_manifest(tmp_path, ["a", "b"])
    path.touch()
    assert "b" not in catalog  # checked at most once a second
    now[0] = 2.0
    assert "b" in catalog


def test_a_half_written_manifest_keeps_the_known_articles(tmp_path):
    path = write_manifest(tmp_path, ["a"])
    now = [0.0]
    catalog = ArticleCatalog(path, clock=lambda: now[0])
    path.write_text("{", encoding="utf-8")
    now[0] = 2.0
    assert "a" in catalog


@pytest.mark.parametrize("text", ["{", "[]", '{"articles": [{"title": "no id"}]}'])
def test_a_bad_manifest_is_a_catalog_error(tmp_path, text):
    path = tmp_path / "kb-articles.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match="kb-articles.json"):
        read_manifest(path)


def test_a_missing_manifest_says_how_to_make_it(tmp_path):
    with pytest.raises(CatalogError, match="build the site"):
        read_manifest(tmp_path / "kb-articles.json")
