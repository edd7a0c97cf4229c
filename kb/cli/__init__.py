"""The `kb` command: check, scaffold, build and preview a help center, keep its questions, measure coverage.

Exit codes: 0 ok, 1 content problems, 2 usage errors (kb.cli.common). Each command group is a module with a
`register(commands)` beside its handlers.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from feedback_widget.reports import FeedbackUnreadable
from kb import __version__
from kb.cli import content, coverage, feedback, questions, site
from kb.cli.common import CONTENT_PROBLEMS, USAGE, UsageError, print_problems
from kb.problems import KbError

COMMAND_GROUPS = (content, site, questions, coverage, feedback)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return USAGE
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
