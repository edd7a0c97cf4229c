"""Security headers on every answer, and a Content-Security-Policy that the built site's own pages satisfy.

Material's pages carry a few small inline scripts (the page's scope, the analytics loader, the call that starts
it, the anchor fix-up): the policy allows exactly those by their SHA-256 hashes, found in the built site's HTML
when the endpoint starts, and scripts from the site's own origin; nothing inline that the site did not ship, no
other origin, no plugins, no framing by other sites. JSON blocks (`type="application/json"`) are data, not
scripts, and need no hash.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.S | re.I)
_TYPE = re.compile(rb"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_SRC = re.compile(rb"\bsrc\s*=", re.I)
_SCRIPT_TYPES = {b"", b"text/javascript", b"application/javascript", b"module"}

# JSON answers: nothing in them may load or run anything.
API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"


# Every answer's headers, the page-specific policy aside; also what the server's own answers (431, 408, 400, 503
# from guard.py) carry, with the API's policy.
COMMON_HEADERS = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),  # other sites learn nothing of which article a reader came from
    (b"x-frame-options", b"DENY"),
)
SERVER_ANSWER_HEADERS = (*COMMON_HEADERS, (b"content-security-policy", API_POLICY.encode()))


def inline_script_hashes(pages: Iterable[bytes]) -> list[str]:
    """The CSP hash sources ('sha256-...') of every inline script that a browser would run, in order found."""
    found: dict[str, None] = {}
    for html in pages:
        for match in _SCRIPT.finditer(html):
            attributes, body = match.group(1), match.group(2)
            if _SRC.search(attributes):
                continue
            kind = _TYPE.search(attributes)
            if kind is not None and kind.group(1).lower() not in _SCRIPT_TYPES:
                continue  # data (application/json), not a script
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
            found[f"'sha256-{digest}'"] = None
    return list(found)


def site_policy(site_dir: Path | None) -> str:
    """The Content-Security-Policy for the built site in `site_dir` (or for no site: the API's)."""
    if site_dir is None:
        return API_POLICY
    hashes = inline_script_hashes(path.read_bytes() for path in sorted(site_dir.rglob("*.html")))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' " + " ".join(hashes) if hashes else "script-src 'self'",
            "style-src 'self'",  # Material's script sets styles through the CSSOM, which the policy allows
            "img-src 'self' data:",  # Material's icons are data: SVGs in its stylesheet
            "font-src 'self' data:",
            "connect-src 'self'",
            "worker-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class SecurityHeaders:
    """ASGI middleware: adds the security headers to every HTTP answer that does not set them itself."""

    def __init__(self, app: ASGIApp, site_policy: str, api_prefixes: tuple[str, ...] = ("/api/", "/healthz")):
        self.app = app
        self.api_prefixes = api_prefixes
        self._site = [*COMMON_HEADERS, (b"content-security-policy", site_policy.encode())]
        self._api = list(SERVER_ANSWER_HEADERS)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        extra = self._api if scope["path"].startswith(self.api_prefixes) else self._site

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                # On the path of every vote: kept to one set and one list (ASGI header names are lower case).
                headers = message.get("headers") or []
                present = {header[0] for header in headers}
                message["headers"] = [*headers, *(header for header in extra if header[0] not in present)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
