"""Running the endpoint: one uvicorn process, the export token from the environment or a file."""

from __future__ import annotations

import gc
import logging
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import uvicorn

from .app import Settings, Suggest, create_app
from .guard import Limits, guarded_protocol
from .store import FeedbackStore

log = logging.getLogger(__name__)

TOKEN_ENV = "KB_FEEDBACK_TOKEN"
# The writer thread takes the interpreter lock back after each batch's SQLite call; with the default 5 ms switch
# interval a busy event loop can make it wait that long, and every vote in the batch waits with it.
SWITCH_INTERVAL_S = 0.001


class TokenError(Exception):
    """The export token file cannot be used."""


def export_token(token_file: Path | None, environ: Mapping[str, str] = os.environ) -> str | None:
    """The export token: from `token_file` when given, else from KB_FEEDBACK_TOKEN; None disables the export."""
    if token_file is None:
        return environ.get(TOKEN_ENV, "").strip() or None
    try:
        token = token_file.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise TokenError(f"{token_file}: cannot read the token ({exc})") from None
    if not token:
        raise TokenError(f"{token_file}: the file is empty")
    return token


def serve(
    settings: Settings,
    host: str,
    port: int,
    log_level: str = "info",
    suggest: Suggest | None = None,
    limits: Limits = Limits(),
    open_store: Callable[[Any], FeedbackStore] | None = None,
) -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_S)
    config = uvicorn.Config(
        create_app(settings, open_store, suggest=suggest),
        host=host,
        port=port,
        log_level=log_level,
        # An access log would write every reader's IP address to disk (see PRIVACY.md).
        access_log=False,
        server_header=False,
        # uvicorn's own proxy support would trust X-Forwarded-For from 127.0.0.1, so any local process could claim
        # any address: only the proxies named with --trusted-proxy are believed (proxy.py, in the app).
        proxy_headers=False,
        # Header size, header and body timeouts (guard.py); connections and requests at once before 503.
        http=guarded_protocol(limits),
        # limit_concurrency: checked by the guard (503 with the security headers), so uvicorn's is left off.
        timeout_keep_alive=limits.keep_alive,
        h11_max_incomplete_event_size=limits.max_header_bytes,
    )
    log.info("feedback endpoint on http://%s:%d (votes in %s)", host, port, settings.db)
    # Everything loaded so far lives as long as the process. Left to the collector, each full collection walks it
    # again while holding the interpreter lock: 10 to 30 ms pauses under load, which stall the writer and every
    # request in flight. Frozen, it is never walked.
    gc.freeze()
    uvicorn.Server(config).run()
