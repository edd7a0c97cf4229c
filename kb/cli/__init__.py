"""The `kb` command: check, scaffold, build and preview a help center, keep its questions, measure coverage.

Exit codes: 0 ok, 1 content problems, 2 usage errors (kb.cli.common). Each command group is a module with a
`register(commands)` beside its handlers.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from feedback_widget.reports import FeedbackUnreadable
from kb import __version__
from kb.cli import content, coverage, feedback, questions, report, site
from kb.cli.common import CONTENT_PROBLEMS, USAGE, UsageError, print_problems
from kb.problems import KbError, without_controls

COMMAND_GROUPS = (content, site, questions, coverage, report, feedback)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return USAGE
    with _terminal_safe_output():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    try:
        return args.run(args)
    except UsageError as exc:
        print(f"kb: {exc}", file=sys.stderr)
        return USAGE
    except KbError as exc:
        print_problems(exc.problems)
        return CONTENT_PROBLEMS
    except FeedbackUnreadable as exc:  # kb coverage, kb questions import --missed-searches, kb feedback stats
        print(f"kb: {exc}", file=sys.stderr)
        return USAGE
    except KeyboardInterrupt:
        return 130


class _WithoutControls:
    """A text stream that drops escape sequences and control characters from what is written to it: kb prints
    questions, titles and searches that came from outside, and a terminal would act on them (colours, cursor
    moves, a new window title, a bell)."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        self._stream.write(without_controls(text))
        return len(text)

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


@contextlib.contextmanager
def _terminal_safe_output() -> Iterator[None]:
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = _WithoutControls(sys.stdout), _WithoutControls(sys.stderr)
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description="A help center built from Markdown articles kept in git.")
    parser.add_argument("--version", action="version", version=f"kb {__version__}")
    parser.add_argument("--config", type=Path, help="the help center's kb.yml (default: the nearest one upwards)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for group in COMMAND_GROUPS:
        group.register(commands)
    return parser


if __name__ == "__main__":
    sys.exit(main())
