"""MkDocs glue for reading queries as customers type them: Material's search worker wrapped by kb's.

The page's <head> gets a script that, when Material's bundle starts its search worker
(assets/javascripts/workers/search.<hash>.min.js), starts kb-search.js from the same folder instead, naming
Material's worker; kb-search.js (assets/kb-search-worker.js here) loads it and rewrites each query first.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path

from mkdocs.plugins import get_plugin_logger

ASSETS = Path(__file__).resolve().parent / "assets"
WORKER_SOURCE = ASSETS / "kb-search-worker.js"
WORKER_NAME = "kb-search.js"
QUERY_SOURCE = ASSETS / "kb-query.js"
EMPTY_SOURCE = ASSETS / "kb-search-empty.js"
EMPTY_PATH = "assets/javascripts/kb-search-empty.js"
PAGEFIND_SOURCE = ASSETS / "kb-pagefind.js"
PAGEFIND_PATH = "assets/javascripts/kb-pagefind.js"
QUERY_PATH = "assets/javascripts/workers/kb-query.js"
log = get_plugin_logger(__name__)
_ABSOLUTE = re.compile(r"^([a-z][a-z0-9+.-]*:|/)", re.IGNORECASE)

_SWAP_WORKER = (
    "<script>(function(){var W=window.Worker;if(!W||W.__kb)return;"
    "var K=function(url,options){var u=String(url);"
    "var m=/(^|\\/)(search\\.[0-9a-f]+\\.min\\.js)(\\?.*)?$/.exec(u);"
    'if(m)u=u.slice(0,u.length-m[0].length)+m[1]+"' + WORKER_NAME + '?material="+m[2];'
    "return new W(u,options)};K.prototype=W.prototype;K.__kb=true;window.Worker=K})()</script>"
)


def read_queries_as_typed(output: str) -> str:
    """The page's HTML starting kb's search worker in place of Material's."""
    if "</head>" not in output:
        return output
    return output.replace("</head>", _SWAP_WORKER + "</head>", 1)


def write_search_worker(site: Path) -> None:
    """kb-search.js beside Material's search worker (its relative imports of Lunr's languages then still work)."""
    folder = site / "assets" / "javascripts" / "workers"
    if folder.is_dir():
        shutil.copyfile(WORKER_SOURCE, folder / WORKER_NAME)
        shutil.copyfile(QUERY_SOURCE, folder / QUERY_SOURCE.name)


def no_dead_end(output: str, contact: str | None, lang: str, base: str, labels: dict[str, str]) -> str:
    """The page's HTML with the script that offers a way on under a search that found nothing: a link to
    `contact` (a page relative to the site root, or an absolute address) and the endpoint's suggestions."""
    if "</body>" not in output or 'class="md-search-result"' not in output:
        return output
    if contact and not _ABSOLUTE.match(contact):
        contact = base + contact
    settings = {"contact": contact or "", "lang": lang, "root": base, "labels": labels}
    data = json.dumps(settings, ensure_ascii=False).replace("<", "\\u003c")
    script = (
        f'<script type="application/json" id="__kb_no_dead_end">{data}</script>'
        f'<script src="{html.escape(base + EMPTY_PATH)}"></script>'
    )
    return output.replace("</body>", script + "</body>", 1)


def write_no_dead_end(site: Path) -> None:
    target = site / EMPTY_PATH
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EMPTY_SOURCE, target)


def search_with_pagefind(output: str, base: str) -> str:
    """The page's HTML answering Material's search box from Pagefind's index (kb-pagefind.js stands in for
    Material's search worker)."""
    if "</head>" not in output:
        return output
    scripts = "".join(f'<script src="{html.escape(base + path)}"></script>' for path in (QUERY_PATH, PAGEFIND_PATH))
    return output.replace("</head>", scripts + "</head>", 1)


def write_pagefind_scripts(site: Path) -> None:
    for source, path in ((QUERY_SOURCE, QUERY_PATH), (PAGEFIND_SOURCE, PAGEFIND_PATH)):
        target = site / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)


def empty_material_index(index: dict) -> dict:
    """Material's index with no documents: with Pagefind answering, the page need not download them."""
    return {**index, "docs": []}


class Later:
    """What the live preview writes after a rebuild instead of within it, so the edited page does not wait: Pagefind's
    index (at 10,000 articles Pagefind takes half a minute to index the site again) and the endpoint's manifest and
    suggestion snapshot. One piece of work at a time, in the order the latest rebuild asked for them; a rebuild made
    meanwhile replaces the work it asks for again that has not started, so each is written from the latest
    rebuild."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._wanted: dict[str, Callable[[], None]] = {}
        self._worker: threading.Thread | None = None
        self._running: str | None = None
        self.finished: dict[str, float] = {}  # name -> when (time.perf_counter()) its work last ended
        self.failed: set[str] = set()  # the names whose work raised, the last time it ran

    def request(self, name: str, write: Callable[[], None]) -> None:
        with self._lock:
            self._wanted.pop(name, None)
            self._wanted[name] = write
            if self._worker is None:
                self._worker = threading.Thread(target=self._run, name="kb-later", daemon=True)
                self._worker.start()

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._wanted:
                    self._worker = None
                    return
                name = next(iter(self._wanted))
                write = self._wanted.pop(name)
                self._running = name
            failed = False
            try:
                write()
            except Exception as exc:  # the preview goes on; what the work writes stays as the last one left it
                log.warning(f"kb: the preview could not write its {name}: {exc}")
                failed = True
            with self._lock:
                self._running = None
                self.finished[name] = time.perf_counter()
                if failed:
                    self.failed.add(name)
                else:
                    self.failed.discard(name)

    def idle(self) -> bool:
        with self._lock:
            return self._worker is None

    def pending(self, name: str) -> bool:
        """Whether work of that name is asked for or under way."""
        with self._lock:
            return name in self._wanted or self._running == name

    def wait(self, timeout: float | None = None) -> bool:
        """Whether all the work asked for is done, waiting up to `timeout` seconds."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                worker = self._worker
            if worker is None:
                return True
            left = None if deadline is None else deadline - time.monotonic()
            if left is not None and left <= 0:
                return False
            worker.join(left)
