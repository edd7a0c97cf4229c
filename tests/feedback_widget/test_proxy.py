"""Reverse proxies: X-Forwarded-* believed only from --trusted-proxy (feedback_widget/proxy.py), and an origin
check that works behind a proxy that rewrites Host."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import replace

import pytest
from starlette.testclient import TestClient

from feedback_widget.app import create_app
from feedback_widget.proxy import parse_trusted
from tests.endpoint import serving
from tests.feedback_widget.test_api import sqlite_settings
from tests.feedback_widget.test_limits import site  # noqa: F401  (fixture)

ARTICLE = "account/reset-password"


@pytest.fixture
def settings(tmp_path):
    return sqlite_settings(tmp_path)  # these tests are about the web layer: one store is enough


def send(url: str, body: dict, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        f"{url}/api/feedback",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def rotating_votes(url: str, count: int = 10) -> list[int]:
    """A local process claiming a new address and a new client id for every vote."""
    return [
        send(
            url,
            {"article": ARTICLE, "helpful": False, "client": f"rotated{n:04d}"},
            {"X-Forwarded-For": f"203.0.113.{n}"},
        )
        for n in range(count)
    ]


def test_by_default_a_local_process_cannot_claim_other_addresses(site, tmp_path):  # noqa: F811
    with serving(site, tmp_path / "votes.db") as endpoint:
        statuses = rotating_votes(endpoint.url)
    assert statuses.count(201) == 3  # all from 127.0.0.1: the cap on readers per address holds
    assert statuses.count(429) == 7


def test_a_trusted_proxys_forwarded_addresses_are_believed(site, tmp_path):  # noqa: F811
    with serving(site, tmp_path / "votes.db", options=("--trusted-proxy", "127.0.0.1")) as endpoint:
        statuses = rotating_votes(endpoint.url)
    assert statuses == [201] * 10


def test_behind_a_proxy_that_rewrites_host_votes_from_the_sites_pages_are_taken(site, tmp_path):  # noqa: F811
    # nginx's default: Host is the upstream's address; the reader's host comes in X-Forwarded-Host.
    proxied = {"Host": "127.0.0.1:8001", "Origin": "https://help.example.com", "X-Forwarded-Host": "help.example.com"}
    body = {"article": ARTICLE, "helpful": True}
    with serving(site, tmp_path / "trusted.db", options=("--trusted-proxy", "127.0.0.1")) as endpoint:
        assert send(endpoint.url, body, proxied) == 201
        assert send(endpoint.url, body, {**proxied, "Origin": "https://evil.example"}) == 403
    with serving(site, tmp_path / "untrusted.db") as endpoint:
        assert send(endpoint.url, body, proxied) == 403  # X-Forwarded-Host from anyone is not believed
    with serving(site, tmp_path / "allowed.db", options=("--allow-origin", "https://help.example.com")) as endpoint:
        assert send(endpoint.url, body, proxied) == 201  # or the site's origin is configured


def test_the_right_most_untrusted_address_is_the_readers(settings):  # noqa: F811
    app = create_app(replace(settings, trusted_proxies=("10.0.0.0/8",), votes_per_address=1))
    with TestClient(app, client=("10.0.0.2", 40000)) as client:

        def vote(forwarded: str, reader: str) -> int:
            body = json.dumps({"article": ARTICLE, "helpful": True, "client": reader})
            headers = {"Content-Type": "application/json", "X-Forwarded-For": forwarded}
            return client.post("/api/feedback", content=body, headers=headers).status_code

        assert vote("198.51.100.7, 10.0.0.9", "reader0001") == 201
        # Whatever the client put in front, the address the proxies saw is the same: one reader only.
        assert vote("1.2.3.4, 198.51.100.7, 10.0.0.9", "reader0002") == 429
        assert vote("198.51.100.8", "reader0003") == 201


def test_an_untrusted_peers_forwarding_headers_are_ignored(settings):  # noqa: F811
    app = create_app(replace(settings, trusted_proxies=("10.0.0.0/8",), votes_per_address=1))
    with TestClient(app, client=("192.0.2.1", 40000)) as client:
        statuses = [
            client.post(
                "/api/feedback",
                content=json.dumps({"article": ARTICLE, "helpful": True, "client": f"reader{n:04d}"}),
                headers={"Content-Type": "application/json", "X-Forwarded-For": f"198.51.100.{n}"},
            ).status_code
            for n in range(3)
        ]
    assert statuses == [201, 429, 429]


def test_trusted_proxies_are_addresses_or_networks():
    assert [str(n) for n in parse_trusted(["127.0.0.1", "10.0.0.0/8", "::1"])] == [
        "127.0.0.1/32",
        "10.0.0.0/8",
        "::1/128",
    ]
    with pytest.raises(ValueError, match="localhost"):
        parse_trusted(["localhost"])
