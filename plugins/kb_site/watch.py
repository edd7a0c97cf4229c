"""The live preview's file watcher: the system's change notices (inotify on Linux) instead of MkDocs' polling.

MkDocs' live server polls: twice a second it lists every watched file and compares their stamps. It sees a save a
quarter of a second late on average, and at 10,000 articles each listing is a tenth of a second of work taken from
the rebuild it runs beside. A watcher told of changes by the system starts the rebuild as soon as the file is saved
and costs nothing in between. Only changes count (created, modified, deleted, moved, stamps set): the notices of
files opened and closed, which the build itself causes by reading the articles, would start rebuild after rebuild.
Where the system cannot (no such service, or its limits on watchers reached), MkDocs' polling stays.
"""

from __future__ import annotations

import logging

from watchdog.events import (
    EVENT_TYPE_ATTRIB,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.polling import PollingObserver

CHANGES = {EVENT_TYPE_ATTRIB, EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED}


class _StoppedQuietly(logging.Filter):
    """Watchdog's inotify watcher, stopped while its thread waits for events, may log an error that it was asked for
    events once stopped: harmless, and not the writer's concern."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "called when the thread is inactive" not in record.getMessage()


logging.getLogger("watchdog.observers.inotify").addFilter(_StoppedQuietly())


class _ChangesOnly(FileSystemEventHandler):
    def __init__(self, handler: FileSystemEventHandler) -> None:
        self.handler = handler

    def dispatch(self, event: FileSystemEvent) -> None:
        if event.event_type in CHANGES:
            self.handler.dispatch(event)


class ChangeObserver(Observer):  # type: ignore[misc,valid-type]  (the platform's observer class)
    """The platform's notified observer, passing on changes only."""

    def schedule(self, event_handler, path, *, recursive=False, **kwargs):  # noqa: ANN001, ANN201
        return super().schedule(_ChangesOnly(event_handler), path, recursive=recursive, **kwargs)


def _can_notify(path: str) -> bool:
    """Whether the system tells of changes under `path` now (it may have no such service, or be out of watchers)."""
    if Observer is PollingObserver:
        return False
    probe = Observer()
    try:
        probe.schedule(FileSystemEventHandler(), path, recursive=True)
        probe.start()
    except OSError:
        return False
    probe.stop()
    probe.join(timeout=5)
    return True


def watch_by_notice(server, docs_dir: str) -> bool:  # noqa: ANN001  (MkDocs' LiveReloadServer)
    """Moves what MkDocs' live server watches so far (the articles, mkdocs.yml) to a `ChangeObserver`, before the
    server starts watching; paths watched later go to it too. Whether it did (else polling stays)."""
    watched = getattr(server, "_watched_paths", None)
    if not isinstance(watched, dict) or not _can_notify(docs_dir):
        return False
    counts = dict(watched)
    for path, count in counts.items():
        for _ in range(count):
            server.unwatch(path)
    server.observer = ChangeObserver()
    for path, count in counts.items():
        for _ in range(count):
            server.watch(path)
    return True
