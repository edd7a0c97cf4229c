"""Slow and huge requests against `kb feedback serve` as a real process on 127.0.0.1, over raw sockets.

Header size (431), header and body timeouts (408, then the connection closes) and the concurrency limit (503):
feedback_widget/guard.py and the uvicorn settings in feedback_widget/server.py.
"""

from __future__ import annotations

import json
import socket
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from feedback_widget.guard import Limits
from tests.endpoint import Endpoint, serving

ARTICLE = "account/reset-password"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("site")
    articles = [{"id": ARTICLE, "title": "Reset", "url": "r/", "lang": "en", "category": "account", "summary": ""}]
    (site / "kb-articles.json").write_text(json.dumps({"version": 1, "articles": articles}), encoding="utf-8")
    (site / "index.html").write_text("<h1>Help</h1>", encoding="utf-8")
    return site


@pytest.fixture(scope="module")
def endpoint(site, tmp_path_factory):
    options = ("--header-timeout", "1", "--body-timeout", "1", "--rate-limit", "0")
    with serving(site, tmp_path_factory.mktemp("db") / "votes.db", options=options) as e:
        yield e


def connect(endpoint: Endpoint) -> socket.socket:
    address = urlsplit(endpoint.url)
    sock = socket.create_connection((address.hostname, address.port), timeout=10)
    return sock


def answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (or 10 s pass)."""
    chunks = []
    try:
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    except (ConnectionResetError, TimeoutError):
        pass
    return b"".join(chunks)


def status(raw: bytes) -> int:
    return int(raw.split(b" ", 2)[1]) if raw else 0


def request(endpoint: Endpoint, head: bytes, body: bytes = b"") -> bytes:
    with connect(endpoint) as sock:
        sock.sendall(head + body)
        return answer(sock)


def vote_request(body: bytes, extra: bytes = b"") -> bytes:
    return (
        b"POST /api/feedback HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n%s\r\n" % (len(body), extra)
    )


def test_defaults_are_documented_and_within_15_seconds():
    limits = Limits()
    assert limits.max_header_bytes == 16 * 1024
    assert limits.header_timeout <= 15 and limits.body_timeout <= 15
    assert limits.limit_concurrency > 0


def test_headers_under_16_kb_are_fine(endpoint):
    padding = b"X-Padding: " + b"a" * 15_000 + b"\r\n"
    raw = request(endpoint, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + padding + b"\r\n")
    assert status(raw) == 200


def test_headers_over_16_kb_are_431(endpoint):
    padding = b"X-Padding: " + b"a" * 17_000 + b"\r\n"
    raw = request(endpoint, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n" + padding + b"\r\n")
    assert status(raw) == 431


def test_a_huge_header_is_cut_off_before_it_is_all_read(endpoint):
    with connect(endpoint) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Huge: ")
        sent, refused = 0, False
        try:
            while sent < 50_000_000:
                sock.sendall(b"a" * 65536)
                sent += 65536
        except (BrokenPipeError, ConnectionResetError):
            refused = True
        assert refused, "the server read 50 MB of one header"
        assert sent < 10_000_000


def test_a_vote_still_works(endpoint):
    body = json.dumps({"article": ARTICLE, "helpful": True}).encode()
    assert status(request(endpoint, vote_request(body), body)) == 201


def test_a_header_line_a_second_is_408_within_the_header_timeout(endpoint):
    with connect(endpoint) as sock:
        started = time.monotonic()
        sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        try:
            for n in range(20):
                time.sleep(0.3)
                sock.sendall(b"X-Slow-%d: 1\r\n" % n)
        except (BrokenPipeError, ConnectionResetError):
            pass
        raw = answer(sock)
        took = time.monotonic() - started
    assert status(raw) == 408
    assert took < 3


def test_a_connection_that_sends_nothing_is_closed(endpoint):
    with connect(endpoint) as sock:
        started = time.monotonic()
        assert answer(sock) == b""
        assert time.monotonic() - started < 3


def test_a_body_that_does_not_arrive_is_408(endpoint):
    body = json.dumps({"article": ARTICLE, "helpful": True}).encode()
    with connect(endpoint) as sock:
        started = time.monotonic()
        sock.sendall(vote_request(body) + body[:5])
        raw = answer(sock)
        assert time.monotonic() - started < 3
    assert status(raw) == 408


def test_slow_clients_do_not_keep_others_out(endpoint):
    slow = [connect(endpoint) for _ in range(50)]
    try:
        for sock in slow:
            sock.sendall(b"GET /healthz HTTP/1.1\r\n")
        time.sleep(1.5)  # past the header timeout: the server has closed them all
        started = time.monotonic()
        raw = request(endpoint, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert status(raw) == 200 and time.monotonic() - started < 1
        assert all(answer(sock).startswith(b"HTTP/1.1 408") for sock in slow)
    finally:
        for sock in slow:
            sock.close()


def test_beyond_the_concurrency_limit_requests_are_503(site, tmp_path):
    options = ("--limit-concurrency", "5", "--header-timeout", "10")
    with serving(site, tmp_path / "votes.db", options=options) as e:
        held = [connect(e) for _ in range(6)]
        try:
            for sock in held:
                sock.sendall(b"GET /healthz HTTP/1.1\r\n")  # open, head unfinished
            time.sleep(0.2)
            raw = request(e, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            assert status(raw) == 503
        finally:
            for sock in held:
                sock.close()
        time.sleep(0.2)
        raw = request(e, b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert status(raw) == 200


def assert_json_with_security_headers(raw: bytes) -> None:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.lower().split(b"\r\n")
    for header in (
        b"content-type: application/json",
        b"x-content-type-options: nosniff",
        b"x-frame-options: deny",
        b"referrer-policy: same-origin",
        b"content-security-policy: default-src 'none'; frame-ancestors 'none'",
    ):
        assert any(line.startswith(header) for line in lines), (header, head)
    assert "error" in json.loads(body)


def test_the_servers_own_refusals_are_json_with_the_security_headers(endpoint, site, tmp_path):  # noqa: F811
    too_large = request(endpoint, b"GET /healthz HTTP/1.1\r\nX-Padding: " + b"a" * 17_000 + b"\r\n\r\n")
    assert status(too_large) == 431
    assert_json_with_security_headers(too_large)
    with connect(endpoint) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nX-Slow: 1\r\n")
        timed_out = answer(sock)
    assert status(timed_out) == 408
    assert_json_with_security_headers(timed_out)
    malformed = request(endpoint, b"GET /healthz HTTP/9.9 what\r\n\r\n")
    assert status(malformed) == 400
    assert_json_with_security_headers(malformed)
    with serving(site, tmp_path / "votes.db", options=("--limit-concurrency", "2")) as e:
        held = [connect(e) for _ in range(3)]
        try:
            for sock in held:
                sock.sendall(b"GET /healthz HTTP/1.1\r\n")
            time.sleep(0.2)
            unavailable = request(e, b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        finally:
            for sock in held:
                sock.close()
    assert status(unavailable) == 503
    assert_json_with_security_headers(unavailable)


def test_the_limits_are_options_of_kb_feedback_serve(kb, tmp_path, site):
    result = kb("feedback", "serve", "--help", cwd=tmp_path)
    for option in ("--max-header-bytes", "--header-timeout", "--body-timeout", "--limit-concurrency"):
        assert option in result.out
    bad = kb("feedback", "serve", "--db", str(tmp_path / "v.db"), "--site", str(site), "--header-timeout", "0")
    assert bad.code == 2 and "--header-timeout" in bad.err
