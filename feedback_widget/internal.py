"""Pages for the support team only, under /internal/: the coverage report folder (`kb report`), served to holders
of the export token and to nobody else.

A client proves it holds the token with the header `Authorization: Bearer <token>`, or once in a browser through a
small form (POST /internal/login), which sets a cookie. The cookie is not the token: it is the time it was issued
and a keyed hash of that time under the token, so it opens the internal pages and nothing else (the export API still
asks for the token itself), for COOKIE_MAX_AGE seconds after sign-in, and never after the token changes.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import time
from pathlib import Path
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Mount, Route, Router
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

PREFIX = "/internal"
COOKIE = "kb-internal"
COOKIE_MAX_AGE = 8 * 3600
MAX_FORM_BYTES = 2048
# Nothing on these pages runs script or loads from elsewhere; none of them may be framed, cached or indexed.
HEADERS = {
    "Cache-Control": "no-store",
    "X-Robots-Tag": "noindex, nofollow",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'",
}


def cookie_value(token: str, issued: int) -> str:
    mac = hmac.new(token.encode(), f"kb-internal-pages\0{issued}".encode(), hashlib.sha256).hexdigest()
    return f"{issued}.{mac}"


def cookie_is_valid(cookie: str, token: str, now: float) -> bool:
    """True for a cookie this token issued within the last COOKIE_MAX_AGE seconds. The browser forgets the cookie
    then too, but a copied cookie must stop working as well."""
    issued, _, _ = cookie.partition(".")
    if not (issued.isascii() and issued.isdigit()) or len(issued) > 12:
        return False
    if not -60 <= now - int(issued) <= COOKIE_MAX_AGE:  # a minute's grace for clocks stepped back
        return False
    return hmac.compare_digest(cookie.encode(), cookie_value(token, int(issued)).encode())


def _form_page(message: str = "", status: int = 200) -> HTMLResponse:
    note = f'<p role="alert">{html.escape(message)}</p>' if message else ""
    body = f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="robots" content="noindex, nofollow">
<title>Internal pages</title>
<style>body{{font:15px/1.5 system-ui,sans-serif;max-width:28rem;margin:4rem auto;padding:0 1rem}}
input{{font:inherit;width:100%;margin:.3rem 0 1rem}}</style></head>
<body><h1>Internal pages</h1>
<p>The coverage report holds ticket volumes and readers' comments: enter the export token to see it.</p>{note}
<form method="post" action="{PREFIX}/login"><label for="token">Export token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Open the report</button></form></body></html>
"""
    return HTMLResponse(body, status_code=status, headers=HEADERS)


class InternalPages:
    """The /internal/ routes. `token` None: the pages are off; `report_dir` None: there is no report to show."""

    def __init__(self, token: str | None, report_dir: Path | None, check_rate) -> None:
        self.token = token
        self.report_dir = report_dir
        self.check_rate = check_rate  # (request) -> Response | None: the endpoint's rate limit, for guessing too
        files = StaticFiles(directory=report_dir, html=True, check_dir=False) if report_dir else None
        self.router = Router(
            routes=[
                Route("/", self.index, methods=["GET"]),
                Route("/login", self.login, methods=["POST"]),
                Route("/logout", self.logout, methods=["POST"]),
                Mount("/report", app=self.guarded(files)),
            ]
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if not self.token:
            response = Response(
                "internal pages are off: start the endpoint with KB_FEEDBACK_TOKEN set or --token-file",
                status_code=404,
                headers=HEADERS,
            )
            await response(scope, receive, send)
            return
        await self.router(scope, receive, send)

    def authorised(self, request: Request) -> bool:
        if bearer_matches(request.headers.get("authorization", ""), self.token):
            return True
        return cookie_is_valid(request.cookies.get(COOKIE, ""), self.token, time.time())

    async def index(self, request: Request) -> Response:
        if self.authorised(request):
            return RedirectResponse(f"{PREFIX}/report/", status_code=303, headers=HEADERS)
        return _form_page()

    async def login(self, request: Request) -> Response:
        refused = self.check_rate(request)
        if refused is not None:
            return refused
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return _form_page("The form is too large.", 413)
        given = parse_qs(body.decode("utf-8", "replace")).get("token", [""])[0].strip()
        if not given or not hmac.compare_digest(given.encode(), self.token.encode()):
            return _form_page("That is not the export token.", 401)
        response = RedirectResponse(f"{PREFIX}/report/", status_code=303, headers=HEADERS)
        response.set_cookie(
            COOKIE,
            cookie_value(self.token, int(time.time())),
            max_age=COOKIE_MAX_AGE,
            path=PREFIX,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    async def logout(self, request: Request) -> Response:
        response = RedirectResponse(f"{PREFIX}/", status_code=303, headers=HEADERS)
        response.delete_cookie(COOKIE, path=PREFIX)
        return response

    def guarded(self, files: StaticFiles | None):
        async def app(scope: Scope, receive: Receive, send: Send) -> None:
            request = Request(scope, receive)
            if not self.authorised(request):
                refused = self.check_rate(request)
                response = refused or _form_page("Enter the export token to see the report.", 401)
                response.headers["WWW-Authenticate"] = 'Bearer realm="kb-internal"'
                await response(scope, receive, send)
                return
            if files is None or not self.report_dir.is_dir():
                response = Response(
                    "no report yet: build it with kb report and start the endpoint with --report DIR",
                    status_code=404,
                    headers=HEADERS,
                )
                await response(scope, receive, send)
                return

            async def send_with_headers(message) -> None:
                if message["type"] == "http.response.start":
                    names = {name.lower() for name in HEADERS}
                    kept = [(k, v) for k, v in message["headers"] if k.decode("latin-1").lower() not in names]
                    extra = [(k.lower().encode(), v.encode()) for k, v in HEADERS.items()]
                    message = {**message, "headers": kept + extra}
                await send(message)

            await files(scope, receive, send_with_headers)

        return app


def bearer_matches(header: str, token: str) -> bool:
    """`Authorization: Bearer <token>`, compared in constant time so the token cannot be guessed byte by byte."""
    scheme, _, given = header.partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())
