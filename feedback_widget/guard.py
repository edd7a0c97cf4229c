"""uvicorn's httptools protocol with the limits an endpoint on the internet needs and uvicorn does not enforce.

- **Header size**: a request whose request line and headers exceed `max_header_bytes` is answered 431 and the
  connection closed, before the rest is read (httptools itself buffers a header of any size: a 98 MB header was
  accepted). uvicorn's `h11_max_incomplete_event_size` applies to its h11 protocol only.
- **Header timeout**: the request line and headers must arrive within `header_timeout` seconds of the
  connection opening or of the request's first byte; otherwise 408 and the connection is closed. uvicorn arms no
  timer on a new connection, and its keep-alive timer is disarmed by every byte, so a client sending a header
  line a second held its connection (and a file descriptor) for ever.
- **Body timeout**: the body must arrive within `body_timeout` seconds of the headers; otherwise the request is
  ended as a disconnect for the app, 408 is sent if no answer was started, and the connection is closed. This
  also covers a body still trickling in after the app answered without reading it.

- **Concurrency**: beyond `limit_concurrency` connections or requests at once, 503 (uvicorn's rule, checked here
  so that the answer carries the security headers as every other answer does).

These answers are JSON (`{"error": ...}`) with the security headers of the API's answers (security.py).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass

import httptools
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .security import SERVER_ANSWER_HEADERS


@dataclass(frozen=True)
class Limits:
    max_header_bytes: int = 16 * 1024  # request line and headers; nginx's default for large headers is 4 x 8 KB
    header_timeout: float = 10.0  # seconds for the request line and headers
    body_timeout: float = 10.0  # seconds for the body, from the end of the headers
    limit_concurrency: int = 1000  # connections and requests at once before 503 (uvicorn's limit_concurrency)
    keep_alive: int = 5  # seconds an idle keep-alive connection stays open (uvicorn's timeout_keep_alive)


class _HeadTooLarge(Exception):
    """Raised in a parser callback to stop parsing (httptools turns it into an HttpParserCallbackError)."""


_HEADERS = b"".join(name + b": " + value + b"\r\n" for name, value in SERVER_ANSWER_HEADERS)


def _json(status: bytes, message: str) -> bytes:
    body = json.dumps({"error": message}).encode()
    return (
        (
            b"HTTP/1.1 " + status + b"\r\ncontent-type: application/json\r\n"
            b"content-length: %d\r\nconnection: close\r\n" % len(body)
        )
        + _HEADERS
        + b"\r\n"
        + body
    )


HEAD_TOO_LARGE = _json(b"431 Request Header Fields Too Large", "the request line and headers are too large")
TIMED_OUT = _json(b"408 Request Timeout", "the request took too long to arrive")
MALFORMED = _json(b"400 Bad Request", "not a valid HTTP request")


async def _unavailable(scope: Scope, receive: Receive, send: Send) -> None:
    """503 beyond the concurrency limit (uvicorn's own answer, with the security headers and as JSON)."""
    body = b'{"error":"too many requests at once; try again shortly"}'
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", b"%d" % len(body)),
        (b"connection", b"close"),
        (b"retry-after", b"1"),
        *SERVER_ANSWER_HEADERS,
    ]
    await send({"type": "http.response.start", "status": 503, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


def guarded_protocol(limits: Limits) -> type[HttpToolsProtocol]:
    """An HttpToolsProtocol class enforcing `limits` (uvicorn's Config takes a protocol class as `http`)."""

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self.limit_concurrency = None  # uvicorn's check is done here instead, with a 503 that has the headers
            self._head_open = True  # waiting for a request line and headers
            self._head_received = 0  # bytes received while the head is incomplete (an upper bound)
            self._head_size = 0  # exact size of the head parsed so far (request line and complete headers)
            self._too_large = False
            self._timer: asyncio.TimerHandle | None = None
            self._arm(limits.header_timeout, self._head_timed_out)

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            if self.parser is None:  # refused: nothing more is read on this connection
                return
            self._unset_keepalive_if_required()
            if self._timer is None and self._head_open:  # the first byte of a request on a kept-alive connection
                self._arm(limits.header_timeout, self._head_timed_out)
            try:
                self.parser.feed_data(data)
            except httptools.HttpParserUpgrade:
                if self._should_upgrade():
                    self.handle_websocket_upgrade()
                else:
                    self._unsupported_upgrade_warning()
                return
            except httptools.HttpParserError:
                if self._too_large:
                    self._refuse(HEAD_TOO_LARGE)
                    return
                self.logger.warning("Invalid HTTP request received.")
                self._refuse(MALFORMED)
                return
            if self._head_open and self.parser is not None:
                self._head_received += len(data)
                if self._head_received > limits.max_header_bytes:
                    self._refuse(HEAD_TOO_LARGE)

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self._head_open = True
            self._head_received = 0
            self._head_size = 0
            if self._timer is None:
                self._arm(limits.header_timeout, self._head_timed_out)

        def on_url(self, url: bytes) -> None:
            self._head_size += len(url)
            if self._head_size > limits.max_header_bytes:
                self._too_large = True
                raise _HeadTooLarge()
            super().on_url(url)

        def on_header(self, name: bytes, value: bytes) -> None:
            self._head_size += len(name) + len(value) + 4
            if self._head_size > limits.max_header_bytes:
                self._too_large = True
                raise _HeadTooLarge()
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            self._head_open = False
            self._disarm()
            limit = limits.limit_concurrency
            app = self.app
            if limit and (len(self.connections) >= limit or len(self.tasks) >= limit):
                self.logger.warning("Exceeded concurrency limit.")
                self.app = _unavailable
            try:
                super().on_headers_complete()
            finally:
                self.app = app
            self._arm(limits.body_timeout, self._body_timed_out)

        def on_message_complete(self) -> None:
            self._disarm()
            super().on_message_complete()

        def _arm(self, seconds: float, then) -> None:
            self._disarm()
            self._timer = self.loop.call_later(seconds, then)

        def _disarm(self) -> None:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None

        def _head_timed_out(self) -> None:
            self._timer = None
            if self._head_open and not self.transport.is_closing():
                idle = self._head_received == 0 and self._head_size == 0
                self._refuse(b"" if idle else TIMED_OUT)  # a connection that never sent a byte just closes

        def _body_timed_out(self) -> None:
            self._timer = None
            cycle = self.cycle
            if cycle is None or self.transport.is_closing():
                return
            answered = cycle.response_started
            cycle.disconnected = True  # the app's receive() now says the client left; its answer is dropped
            cycle.message_event.set()
            self._refuse(b"" if answered else TIMED_OUT)

        def _refuse(self, answer: bytes) -> None:
            self._disarm()
            if answer:
                self.transport.write(answer)
            self.transport.close()
            self.parser = None  # type: ignore[assignment]  # nothing more is parsed on this connection

    return GuardedHttpToolsProtocol
