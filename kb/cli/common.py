"""What every command shares: exit codes, usage errors, finding the help center, printing problems."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from feedback_widget.reports import read_feedback
from kb.content.config import SiteConfig, load_config
from kb.content.site import load_site
from kb.coverage.audit import site_report
from kb.coverage.model import Report
from kb.problems import KbError, Problem, has_errors

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


def judged_site(args: argparse.Namespace, embeddings: bool = True, **settings) -> tuple[SiteConfig, Report] | None:
    """kb.yml's help center loaded, its problems printed, and its coverage report with the readers' feedback, under
    kb.yml's settings with those given here (`fail_under=...`; None keeps kb.yml's). None when the content has
    errors."""
    config = site_config(args)
    content = load_site(config)
    print_problems(content.problems)
    if has_errors(content.problems):
        return None
    config = replace(config, **{name: value for name, value in settings.items() if value is not None})
    report = site_report(
        config,
        content.articles,
        content.questions,
        warnings=[str(p) for p in content.problems],
        feedback=read_feedback(config.feedback_db),
        embeddings=embeddings,
    )
    return config, report


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
