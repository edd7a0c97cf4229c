"""What every command shares: exit codes, usage errors, finding the help center, printing problems."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.content.config import SiteConfig, load_config
from kb.problems import KbError, Problem

OK, CONTENT_PROBLEMS, USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called, as opposed to a mistake in the content."""


def site_config(args: argparse.Namespace) -> SiteConfig:
    """kb.yml from --config, else the nearest one upwards; a missing or unreadable file is a usage error."""
    try:
        if args.config is not None and not args.config.is_file():
            raise UsageError(f"{args.config}: no such file")
        return load_config(args.config)
    except KbError as exc:
        if any(p.line == 0 for p in exc.problems):
            raise UsageError(
                "; ".join(f"{p.message} ({p.hint})" if p.hint else p.message for p in exc.problems)
            ) from None
        raise


def find_mkdocs_yml(args: argparse.Namespace, config: SiteConfig) -> Path:
    path = args.mkdocs or config.root / "mkdocs.yml"
    if not path.is_file():
        raise UsageError(f"{path}: no such file (pass --mkdocs)")
    return path


def check_language(lang: str | None, config: SiteConfig) -> None:
    if lang and lang not in config.vocabulary.languages:
        raise UsageError(
            f"unknown language '{lang}' (expected one of: {', '.join(sorted(config.vocabulary.languages))})"
        )


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def show_help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return USAGE
