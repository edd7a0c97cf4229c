"""The feedback endpoint: a short list of routes over a store, and the built site served beside them.

POST /api/feedback                     a vote; 201 {"id": n} once it is on disk
POST /api/search-miss                  a site search that showed no result; 201 once it is on disk
GET  /api/suggest?q=...&lang=en        up to 5 articles for a few typed words (contact forms)
GET  /api/feedback/summary             per-article counts (public: no comments in it)
GET  /api/feedback/export?format=csv   every vote with reasons and comments (Bearer token)
GET  /healthz                          200 while votes can be written
GET  /internal/report/...              the coverage report (`kb report`), with the export token only
GET  /healthz                          200 while votes can be written (a real write, at most once a second)
GET  /...                              the built site, so pages and API share one origin
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from .catalog import ArticleCatalog
from .exports import csv_chunks, json_chunks
from .internal import PREFIX, InternalPages, bearer_matches
from .misses import LANGS, QUERY_MAX_CHARS, parse_miss
from .privacy import new_salt, pseudonym
from .proxy import TrustedProxy
from .ratelimit import AddressCap, TokenBuckets, retry_after
from .security import SecurityHeaders, site_policy
from .sqlite_store import SqliteStore
from .store import FeedbackStore, Probe, is_postgres_url
from .votes import Vote, VoteRefused, parse_vote
from .writer import GroupCommitWriter, Record, WriterClosed

log = logging.getLogger(__name__)

# Answers a reader's typed words: (query, language or None, how many) -> [{"title", "url", "summary", "score"}].
Suggest = Callable[[str, str | None, int], list[dict]]

HEALTH_CACHE_S = 1.0  # /healthz writes at most once a second, however often it is asked
PROBE_TIMEOUT_S = 2.0  # a write that takes longer is as good as failed for a health check

API_HEADERS = {"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}


@dataclass(frozen=True)
class Settings:
    db: Path | str  # a SQLite file, or a postgresql:// URL (postgres_store.py)
    manifest: Path
    site_dir: Path | None = None  # the built site to serve at /; None serves the API only
    report_dir: Path | None = None  # the internal coverage report (`kb report`), served under /internal/report/
    allow_origins: tuple[str, ...] = ()  # other origins whose pages may send votes (CORS)
    export_token: str | None = field(default=None, repr=False)  # None disables the export
    rate: float = 0.5  # requests per second a client may keep sending once its burst is spent; 0: no limit
    burst: int = 20
    # distinct readers (client ids) a day whose votes on one article one address may add; 0: no cap
    votes_per_address: int = 3
    max_body: int = 4096  # bytes; a vote with a full comment of Chinese text takes about 3.2 KB
    # reverse proxies (addresses or networks) whose X-Forwarded-For/-Proto/-Host are believed; none by default
    trusted_proxies: tuple[str, ...] = ()
    max_backlog: int = 50_000  # votes waiting for the disk before new ones are turned away with 503


class FeedbackApi:
    """The state the routes share (store, writer, rate limiter, articles) and the routes that are not hot."""

    def __init__(
        self,
        settings: Settings,
        open_store: Callable[[Any], FeedbackStore] | None = None,
        suggest: Suggest | None = None,
    ):
        self.settings = settings
        self.suggest_articles = suggest
        self.catalog = ArticleCatalog(settings.manifest)
        self.limiter = TokenBuckets(settings.rate, settings.burst) if settings.rate > 0 else None
        self.address_cap = (
            AddressCap(settings.votes_per_address, lambda: dt.datetime.now(dt.UTC).date())
            if settings.votes_per_address > 0
            else None
        )
        self._open_store = open_store or store_for(settings.db)
        self._ip_salt = new_salt()  # in memory only: a restart unlinks every rate-limit key from its address
        self.store: FeedbackStore | None = None
        self.writer: GroupCommitWriter | None = None
        self._probe: asyncio.Future | None = None  # the health probe in flight
        self._health: tuple[float, str | None] | None = None  # when it last answered, and what

    @asynccontextmanager
    async def lifespan(self, app: Starlette) -> AsyncIterator[None]:
        self.store = await run_in_threadpool(self._open_store, self.settings.db)
        self.writer = GroupCommitWriter(self.store.write, asyncio.get_running_loop())
        try:
            yield
        finally:
            await run_in_threadpool(self.writer.close)
            self.store.close()

    def check_origin(self, origin: str | None, host: str | None) -> None:
        # Browsers send Origin with every cross-site POST; refusing unknown ones stops other sites' pages from
        # voting through their readers' browsers, whatever the CORS preflight said. Behind a proxy that rewrites
        # Host, `host` is its X-Forwarded-Host (proxy.py), or the site's origin is given with --allow-origin.
        if origin is None or origin in self.settings.allow_origins or urlsplit(origin).netloc == host:
            return
        raise VoteRefused(403, f"pages from {origin} may not send votes here (see --allow-origin)")

    def check_rate(self, ip: str) -> None:
        if self.limiter is None:
            return
        wait = self.limiter.take(pseudonym(self._ip_salt, client_network(ip)))
        if wait:
            raise VoteRefused(429, "too many requests; try again later", {"Retry-After": retry_after(wait)})

    def refuse_rate(self, request: Request) -> Response | None:
        try:
            self.check_rate(_client_ip(request.scope))
        except VoteRefused as refused:
            return _error(refused.status, refused.message, refused.headers)
        return None

    def check_address_cap(self, ip: str, vote: Vote) -> None:
        if self.address_cap is None:
            return
        address = pseudonym(self._ip_salt, f"{client_network(ip)}\0{vote.article}")
        if not self.address_cap.admit(address, pseudonym(self._ip_salt, vote.voter)):
            raise VoteRefused(
                429,
                f"at most {self.address_cap.per_address} readers a day may vote on one article from one address",
                {"Retry-After": retry_after(_seconds_to_midnight_utc())},
            )

    async def summary(self, request: Request) -> Response:
        articles = await run_in_threadpool(self.store.summary, 0)
        body = [
            {"article": a.article, "helpful": a.helpful, "not_helpful": a.not_helpful, "rate": round(a.rate, 4)}
            for a in articles
        ]
        return JSONResponse(body, headers=API_HEADERS)

    async def export(self, request: Request) -> Response:
        token = self.settings.export_token
        if not token:
            return _error(404, "export is disabled: start the endpoint with KB_FEEDBACK_TOKEN set or --token-file")
        try:
            self.check_rate(_client_ip(request.scope))  # makes guessing the token slow as well
        except VoteRefused as refused:
            return _error(refused.status, refused.message, refused.headers)
        if not bearer_matches(request.headers.get("authorization", ""), token):
            return _error(
                401,
                "export needs the header 'Authorization: Bearer <token>'",
                {"WWW-Authenticate": 'Bearer realm="kb-feedback"'},
            )
        kind = request.query_params.get("format", "json")
        if kind == "csv":
            headers = {**API_HEADERS, "Content-Disposition": 'attachment; filename="feedback.csv"'}
            return StreamingResponse(
                csv_chunks(self.store.export()), media_type="text/csv; charset=utf-8", headers=headers
            )
        if kind == "json":
            return StreamingResponse(
                json_chunks(self.store.export()), media_type="application/json", headers=API_HEADERS
            )
        return _error(400, "format: expected csv or json")

    async def suggest(self, request: Request) -> Response:
        try:
            self.check_rate(_client_ip(request.scope))
        except VoteRefused as refused:
            return _error(refused.status, refused.message, refused.headers)
        query = request.query_params.get("q", "")
        lang = request.query_params.get("lang") or None
        if len(query) > QUERY_MAX_CHARS:
            return _error(400, f"q: at most {QUERY_MAX_CHARS} characters")
        if lang is not None and lang not in LANGS:
            return _error(400, f"lang: expected one of {', '.join(LANGS)}")
        if self.suggest_articles is None:
            return _error(404, "suggestions are not available on this endpoint")
        found = await run_in_threadpool(self.suggest_articles, query, lang, 5)
        body = [{key: s[key] for key in ("title", "url", "summary", "score")} for s in found]
        return JSONResponse(body, headers=API_HEADERS)

    async def health(self, request: Request) -> Response:
        problem = await self.write_problem()
        if problem is None:
            return JSONResponse({"status": "ok"}, headers=API_HEADERS)
        return _error(503, f"votes cannot be written: {problem}", {"Retry-After": "5"})

    async def write_problem(self) -> str | None:
        """Why a vote could not be written now, or None: a real write through the writer, at most once a second."""
        if self.writer is None or not self.writer.alive:
            return "the writer has stopped"
        now = time.monotonic()
        if self._health is not None and now - self._health[0] < HEALTH_CACHE_S:
            return self._health[1]
        if self._probe is None or self._probe.done():
            self._probe = self.writer.submit(Probe())
        try:
            await asyncio.wait_for(asyncio.shield(self._probe), PROBE_TIMEOUT_S)
            problem = None
        except TimeoutError:
            problem = f"the database took no write within {PROBE_TIMEOUT_S:g} s (locked by another process, or a stalled disk)"
        except WriterClosed:
            problem = "the endpoint is shutting down"
        except Exception as exc:
            problem = str(exc) or type(exc).__name__
        self._health = (time.monotonic(), problem)
        return problem


class VoteEndpoint:
    """POST /api/feedback (and /api/search-miss, with another parser), the routes under load, as plain ASGI apps.

    It reads the few headers it needs from the ASGI scope in one pass and answers with two ASGI messages.
    Starlette's Request and Response objects cost about as much as the vote's own handling: with them the
    endpoint took about 5,700 votes/s on two cores, without them about 9,500 (benchmarks/feedback_load.py).
    """

    def __init__(self, api: FeedbackApi, parse: Callable[[bytes, str], Record] | None = None):
        self.api = api
        self.parse = parse or (lambda body, ip: parse_vote(body, api.catalog, ip))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            vote_id = await self._vote(scope, receive)
        except VoteRefused as refused:
            await _send_json(send, refused.status, json.dumps({"error": refused.message}).encode(), refused.headers)
        except _Disconnected:
            pass  # the reader left before the vote arrived: there is nobody to answer
        except WriterClosed:
            await _send_json(send, 503, b'{"error":"the endpoint is shutting down"}', {"Retry-After": "5"})
        except Exception:
            log.exception("could not save a vote")
            await _send_json(
                send, 503, b'{"error":"the vote could not be saved; try again later"}', {"Retry-After": "5"}
            )
        else:
            await _send_json(send, 201, b'{"id":%d}' % vote_id)

    async def _vote(self, scope: Scope, receive: Receive) -> int:
        headers = _headers(scope, (b"content-type", b"content-length", b"origin", b"host"))
        ip = _client_ip(scope)
        api = self.api
        api.check_origin(headers.get(b"origin"), headers.get(b"host"))
        api.check_rate(ip)
        body = await _read_json_body(receive, headers, api.settings.max_body)
        vote = self.parse(body, ip)
        if api.writer.backlog > api.settings.max_backlog:
            raise VoteRefused(503, "too many votes are waiting to be saved; try again shortly", {"Retry-After": "1"})
        if isinstance(vote, Vote):  # after the backlog check: a vote turned away uses up no reader's place
            api.check_address_cap(ip, vote)
        return await api.writer.submit(vote)


class _Disconnected(Exception):
    pass


async def _read_json_body(receive: Receive, headers: dict[bytes, str], limit: int) -> bytes:
    """The body, refused early when it is not JSON or larger than `limit` (declared or as it streams in)."""
    if headers.get(b"content-type", "").split(";")[0].strip().lower() != "application/json":
        raise VoteRefused(415, "send the vote as Content-Type: application/json")
    declared = headers.get(b"content-length")
    if declared is not None and not declared.isdigit():
        raise VoteRefused(400, "Content-Length is not a number")
    if declared is not None and int(declared) > limit:
        raise VoteRefused(413, f"the body is larger than {limit} bytes")
    body = b""
    while True:  # a chunked body declares no length: count what arrives
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected()
        body += message.get("body", b"")
        if len(body) > limit:
            raise VoteRefused(413, f"the body is larger than {limit} bytes")
        if not message.get("more_body", False):
            return body


async def _send_json(send: Send, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
    raw = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    raw += [(name.lower().encode(), value.encode()) for name, value in {**API_HEADERS, **(headers or {})}.items()]
    await send({"type": "http.response.start", "status": status, "headers": raw})
    await send({"type": "http.response.body", "body": body})


def _headers(scope: Scope, wanted: tuple[bytes, ...]) -> dict[bytes, str]:
    # ASGI servers give header names in lower case.
    return {name: value.decode("latin-1") for name, value in scope["headers"] if name in wanted}


def store_for(db: Path | str) -> Callable[[Any], FeedbackStore]:
    """How to open `db`: a postgresql:// URL with the PostgreSQL store (extra 'postgresql'), else a SQLite file."""
    if is_postgres_url(db):
        from .postgres_store import PostgresStore

        return PostgresStore
    return SqliteStore


def create_app(
    settings: Settings, open_store: Callable[[Any], FeedbackStore] | None = None, suggest: Suggest | None = None
) -> Starlette:
    """The endpoint from plain parts: its settings, how to open the store (by default the one `settings.db`
    names), and optionally what answers suggestions."""
    api = FeedbackApi(settings, open_store, suggest)
    api_routes = [
        Route("/api/feedback", VoteEndpoint(api), methods=["POST"]),
        Route("/api/search-miss", VoteEndpoint(api, lambda body, ip: parse_miss(body)), methods=["POST"]),
        Route("/api/suggest", api.suggest, methods=["GET"]),
        Route("/api/feedback/summary", api.summary, methods=["GET"]),
        Route("/api/feedback/export", api.export, methods=["GET"]),
    ]
    # Everything under /api/ is the API's, found or not: the site's HTML 404 page never answers there. Flat
    # routes and a catch-all rather than a Mount: a Mount costs each vote about a fifth of its time.
    allowed = {route.path: sorted(route.methods or ()) for route in api_routes}
    routes = [
        *api_routes,
        Route("/api/{rest:path}", _ApiNotFound(allowed)),
        Route("/healthz", api.health, methods=["GET"]),
        Route(PREFIX, lambda request: RedirectResponse(f"{PREFIX}/", status_code=308), methods=["GET"]),
        Mount(PREFIX, app=InternalPages(settings.export_token, settings.report_dir, api.refuse_rate)),
    ]
    if settings.site_dir is not None:
        routes.append(Mount("/", app=StaticFiles(directory=settings.site_dir, html=True), name="site"))
    middleware = [Middleware(SecurityHeaders, site_policy=site_policy(settings.site_dir))]
    if settings.trusted_proxies:  # else the connection's own address counts, and nothing is rewritten
        middleware.insert(0, Middleware(TrustedProxy, trusted=settings.trusted_proxies))
    if settings.allow_origins:
        cors = dict(
            allow_origins=list(settings.allow_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type"],
            max_age=600,
        )
        middleware.append(Middleware(CORSMiddleware, **cors))
    handlers = {404: _not_found_or_not_allowed, 405: _not_found_or_not_allowed}
    app = Starlette(routes=routes, middleware=middleware, lifespan=api.lifespan, exception_handlers=handlers)
    app.state.api = api
    return app


class _ApiNotFound:
    """Any other request under /api/, whatever its method: 405 with the route's Allow for a known path, else 404,
    as JSON. (A plain ASGI app: Starlette gives a function endpoint GET and HEAD only.)"""

    def __init__(self, allowed: dict[str, list[str]]):
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        methods = self.allowed.get(scope["path"])
        if methods:
            allow = ", ".join(methods)
            response = _error(405, f"method not allowed; use {allow}", {"Allow": allow})
        else:
            response = _error(404, "no such API route")
        await response(scope, receive, send)


async def _not_found_or_not_allowed(request: Request, exc: Exception) -> Response:
    # API clients get JSON (with the route's Allow on a 405); the site's own answers stay as they were.
    assert isinstance(exc, HTTPException)
    if request.url.path.startswith("/api/") or request.url.path == "/healthz":
        message = "no such API route" if exc.status_code == 404 else f"method not allowed; use {exc.headers['Allow']}"
        return _error(exc.status_code, message, exc.headers)
    return PlainTextResponse(exc.detail, status_code=exc.status_code, headers=exc.headers)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    return JSONResponse({"error": message}, status_code=status, headers={**API_HEADERS, **(headers or {})})


def _seconds_to_midnight_utc() -> float:
    now = dt.datetime.now(dt.UTC)
    midnight = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(), dt.UTC)
    return (midnight - now).total_seconds()


def client_network(ip: str) -> str:
    """The unit one client holds: an IPv4 address, or an IPv6 address's /64 (a home or phone gets a /64 at
    least, so counting its addresses one by one would give one client billions of fresh keys)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if address.version == 4:
        return str(address)
    if address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(ipaddress.ip_network(f"{address}/64", strict=False))


def _client_ip(scope: Scope) -> str:
    client = scope.get("client")
    return client[0] if client else "unknown"
