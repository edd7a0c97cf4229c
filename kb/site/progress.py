"""Progress of a long build on a terminal: a line every few seconds once the build has run for a few seconds."""

from __future__ import annotations

import os
import sys
import time
from typing import TextIO

# `kb build` captures MkDocs' output to show it only on failure; it sets this so the plugin still reports progress,
# which `kb build` passes through to its own terminal.
PROGRESS_ENV = "KB_PROGRESS"
PREFIX = "kb: built "


class Progress:
    """Counts pages written; from `after` seconds into the build, says how far it is every `every` seconds."""

    def __init__(self, stream: TextIO | None = None, after: float = 3.0, every: float = 2.0, clock=time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.after, self.every, self.clock = after, every, clock
        self.started = self.clock()
        self.next_report = self.started + after
        self.total = 0
        self.done = 0

    @staticmethod
    def wanted() -> bool:
        """On a terminal, or when `kb build` asks for it."""
        return bool(os.environ.get(PROGRESS_ENV)) or sys.stderr.isatty()

    def start(self, total: int) -> None:
        self.total, self.done = total, 0

    def page_done(self) -> None:
        self.done += 1
        now = self.clock()
        if now >= self.next_report:
            self.next_report = now + self.every
            self.report(now)

    def report(self, now: float) -> None:
        share = f" ({100 * self.done // self.total}%)" if self.total else ""
        line = f"{PREFIX}{self.done:,} of {self.total:,} pages{share} in {now - self.started:.0f} s"
        self.stream.write(line + "\n")
        self.stream.flush()
