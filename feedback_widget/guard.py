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

Concurrency is uvicorn's own `limit_concurrency` (503 beyond it), set by `server.serve`.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import httptools
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


@dataclass(frozen=True)
class Limits:
    max_header_bytes: int = 16 * 1024  # request line and headers; nginx's default for large headers is 4 x 8 KB
    header_timeout: float = 10.0  # seconds for the request line and headers
    body_timeout: float = 10.0  # seconds for the body, from the end of the headers
    limit_concurrency: int = 1000  # connections and requests at once before 503 (uvicorn's limit_concurrency)
    keep_alive: int = 5  # seconds an idle keep-alive connection stays open (uvicorn's timeout_keep_alive)


class _HeadTooLarge(Exception):
    """Raised in a parser callback to stop parsing (httptools turns it into an HttpParserCallbackError)."""


def _plain(status: bytes, text: bytes) -> bytes:
    return (
        b"HTTP/1.1 " + status + b"\r\ncontent-type: text/plain; charset=utf-8\r\n"
        b"content-length: %d\r\nconnection: close\r\n\r\n" % len(text)
    ) + text


HEAD_TOO_LARGE = _plain(b"431 Request Header Fields Too Large", b"Request header fields too large")
TIMED_OUT = _plain(b"408 Request Timeout", b"Request timeout")


def guarded_protocol(limits: Limits) -> type[HttpToolsProtocol]:
    """An HttpToolsProtocol class enforcing `limits` (uvicorn's Config takes a protocol class as `http`)."""

    class GuardedHttpToolsProtocol(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
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
                msg = "Invalid HTTP request received."
                self.logger.warning(msg)
                self.send_400_response(msg)
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
            super().on_headers_complete()
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
