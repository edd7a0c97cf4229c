"""The articles the built site has (its `kb-articles.json`): the endpoint takes votes for these only.

The site may be rebuilt while the endpoint runs (`kb build` swaps the folder in), so the manifest is read again
when it changes, checked at most once a second.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)


class CatalogError(Exception):
    """The site has no readable article manifest."""


def read_manifest(path: Path) -> frozenset[str]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(f"{path}: no such file (build the site with the kb plugin first)") from None
    except (OSError, ValueError) as exc:
        raise CatalogError(f"{path}: cannot read the article manifest: {exc}") from None
    articles = data.get("articles") if isinstance(data, dict) else None
    if not isinstance(articles, list) or not all(
        isinstance(a, dict) and isinstance(a.get("id"), str) for a in articles
    ):
        raise CatalogError(f'{path}: expected {{"version": 1, "articles": [{{"id": ...}}, ...]}}')
    return frozenset(a["id"] for a in articles)


class ArticleCatalog:
    """A container of article ids that follows the manifest file."""

    def __init__(self, path: Path, clock: Callable[[], float] = time.monotonic, recheck_every: float = 1.0):
        self.path = path
        self._clock = clock
        self._recheck_every = recheck_every
        self._ids = read_manifest(path)
        self._stamp = self._file_stamp()
        self._checked = clock()

    def __contains__(self, article: object) -> bool:
        self._refresh()
        return article in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def _refresh(self) -> None:
        now = self._clock()
        if now - self._checked < self._recheck_every:
            return
        self._checked = now
        stamp = self._file_stamp()
        if stamp == self._stamp:
            return
        try:
            self._ids = read_manifest(self.path)
            self._stamp = stamp
            log.info("reloaded %s: %d articles", self.path, len(self._ids))
        except CatalogError as exc:  # mid-rebuild: keep the articles we know
            log.warning("%s", exc)

    def _file_stamp(self) -> tuple[int, int] | None:
        try:
            stat = self.path.stat()
        except OSError:
            return None
        return stat.st_mtime_ns, stat.st_ino
