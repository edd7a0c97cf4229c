"""A long build says how far it is: every few seconds once it has run a few seconds, and `kb build` shows those
lines as they come while keeping the rest of MkDocs' output for when the build fails."""

from __future__ import annotations

import io
import sys

from kb.site.build import _run_showing_progress
from kb.site.progress import PREFIX, Progress


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_is_quiet_for_a_short_build_then_reports_every_few_seconds():
    clock, stream = Clock(), io.StringIO()
    progress = Progress(stream, after=3.0, every=2.0, clock=clock)
    progress.start(1000)
    for _ in range(100):
        clock.now += 0.01
        progress.page_done()
    assert stream.getvalue() == ""  # one second in: nothing said
    clock.now = 103.5
    progress.page_done()
    clock.now = 104.0
    progress.page_done()  # within two seconds of the last line
    clock.now = 106.0
    progress.page_done()
    lines = stream.getvalue().splitlines()
    assert lines == [f"{PREFIX}101 of 1,000 pages (10%) in 4 s", f"{PREFIX}103 of 1,000 pages (10%) in 6 s"]


def test_kb_build_passes_progress_lines_through_and_keeps_the_rest():
    script = (
        "import sys, os\n"
        f"print({PREFIX!r} + 'half', file=sys.stderr, flush=True)\n"
        "print('WARNING - something', file=sys.stderr)\n"
        "print('asked:', os.environ.get('KB_PROGRESS'))\n"
    )
    shown = io.StringIO()
    result = _run_showing_progress([sys.executable, "-c", script], shown)
    assert shown.getvalue() == f"{PREFIX}half\n"
    assert result.stderr == "WARNING - something\n" and result.stdout == "asked: 1\n" and result.returncode == 0
    quiet = _run_showing_progress([sys.executable, "-c", script], None)
    assert f"{PREFIX}half" in quiet.stderr and quiet.stdout == "asked: None\n"
