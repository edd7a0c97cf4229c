"""Group commit: one thread owns every write, and commits all the votes waiting for it in one transaction.

Request handlers put a vote on a queue and await a future; the thread takes everything queued, writes it in one
transaction, and only after COMMIT returns settles each vote's future with its id. Under load a batch grows to the
number of requests in flight, so one fsync makes many votes durable; when idle a vote is written at once.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
import time
from collections.abc import Callable, Sequence

from .misses import SearchMiss
from .store import Probe
from .votes import Vote

log = logging.getLogger(__name__)


Record = Vote | SearchMiss | Probe  # all go through the one writer, as SQLite has one writer at a time
WriteBatch = Callable[[Sequence[Record]], list[int]]
_Pending = tuple[Record, asyncio.Future]
_STOP = None
SLOW_BATCH_S = 1.0  # seconds: far beyond a healthy disk, so the warning means trouble


class WriterClosed(Exception):
    """The endpoint is shutting down and accepts no more votes."""


class GroupCommitWriter:
    def __init__(self, write_batch: WriteBatch, loop: asyncio.AbstractEventLoop, max_batch: int = 1024):
        self._write_batch = write_batch
        self._loop = loop
        self._max_batch = max_batch
        self._queue: queue.SimpleQueue[_Pending | None] = queue.SimpleQueue()
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="feedback-writer", daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self._closed

    @property
    def backlog(self) -> int:
        return self._queue.qsize()

    def submit(self, vote: Record) -> asyncio.Future:
        """A future that resolves to the vote's id once it is durable (call from the event loop's thread)."""
        if self._closed:
            raise WriterClosed("the feedback writer is closed")
        future = self._loop.create_future()
        self._queue.put((vote, future))
        return future

    def close(self, timeout: float = 30) -> None:
        """Write what is queued, then stop the thread."""
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)
        self._thread.join(timeout)

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch, stopping = self._next_batch()
            if batch:
                self._commit(batch)
        log.debug("feedback writer stopped")

    def _next_batch(self) -> tuple[list[_Pending], bool]:
        first = self._queue.get()
        if first is _STOP:
            return [], True
        batch = [first]
        while len(batch) < self._max_batch:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is _STOP:
                return batch, True
            batch.append(item)
        return batch, False

    def _commit(self, batch: list[_Pending]) -> None:
        votes = [vote for vote, _ in batch]
        started = time.monotonic()
        try:
            outcomes: list[int | BaseException] = list(self._write_batch(votes))
            took = time.monotonic() - started
            if took > SLOW_BATCH_S:  # every vote in flight waits this long: worth knowing about the disk
                log.warning("writing %d votes took %.0f ms", len(votes), took * 1000)
        except Exception as exc:
            log.error("writing %d votes failed (%s); retrying one by one", len(votes), exc)
            outcomes = [self._write_one(vote) for vote in votes] if len(votes) > 1 else [exc]
        try:
            self._loop.call_soon_threadsafe(_settle, [future for _, future in batch], outcomes)
        except RuntimeError:  # the event loop is gone (shutdown): nobody is waiting any more
            pass

    def _write_one(self, vote: Record) -> int | BaseException:
        # One bad vote must not cost the others in its batch their place.
        try:
            return self._write_batch([vote])[0]
        except Exception as exc:
            log.error("could not write a %s: %s", type(vote).__name__, exc)
            return exc


def _settle(futures: list[asyncio.Future], outcomes: list[int | BaseException]) -> None:
    for future, outcome in zip(futures, outcomes):
        if future.done():  # the request was cancelled (the reader left); the vote is kept all the same
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)
