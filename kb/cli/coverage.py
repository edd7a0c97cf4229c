"""`kb coverage`: which common questions the help center answers, for the site or any folder."""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from pathlib import Path

from feedback_widget.reports import read_feedback
from kb.cli.common import CONTENT_PROBLEMS, OK, UsageError, print_problems, site_config
from kb.content.site import load_site
from kb.coverage.audit import foreign_report, site_report
from kb.problems import has_errors
from kb.reports import data as report_output


def register(commands: argparse._SubParsersAction) -> None:
    coverage = commands.add_parser(
        "coverage",
        help="which common questions have no article",
        description="Report which common questions the articles answer (tagged or likely), which are gaps, and which are hard to find. "
        "With --articles and --questions it audits any folder of Markdown against any questions file (YAML, or CSV with question[,count]).",
    )
    coverage.add_argument("--format", choices=("text", "json", "csv", "markdown"), default="text")
    coverage.add_argument(
        "--fail-under",
        type=float,
        default=None,
        help="exit 1 when less than N%% of ticket volume is answered (default: kb.yml, else 80)",
    )
    coverage.add_argument(
        "--gate-on",
        choices=("answered", "tagged"),
        default=None,
        help="what --fail-under counts: answered (covered + likely) or tagged (covered only) (default: kb.yml, else answered)",
    )
    coverage.add_argument(
        "--articles", type=Path, help="audit this folder of Markdown files instead of the site's articles"
    )
    coverage.add_argument("--questions", type=Path, help="questions file for --articles (YAML or CSV)")
    coverage.add_argument("--top", type=int, default=15, help="rows per table in the text format")
    coverage.set_defaults(run=cmd_coverage)


def cmd_coverage(args: argparse.Namespace) -> int:
    if (args.articles is None) != (args.questions is None):
        raise UsageError("--articles and --questions go together")
    if args.articles is not None:
        if not args.articles.is_dir():
            raise UsageError(f"{args.articles}: no such folder")
        if not args.questions.is_file():
            raise UsageError(f"{args.questions}: no such file")
        report, problems = foreign_report(
            args.articles,
            args.questions,
            args.fail_under if args.fail_under is not None else 80.0,
            gate_on=args.gate_on or "answered",
        )
        print_problems(problems)
        print(f"kb: {report.audit}", file=sys.stderr)
    else:
        config = site_config(args)
        content = load_site(config)
        print_problems(content.problems)
        if has_errors(content.problems):
            return CONTENT_PROBLEMS
        if args.fail_under is not None:
            config = replace(config, fail_under=args.fail_under)
        if args.gate_on is not None:
            config = replace(config, gate_on=args.gate_on)
        report = site_report(
            config,
            content.articles,
            content.questions,
            warnings=[str(p) for p in content.problems],
            feedback=read_feedback(config.feedback_db),
        )
    render = {
        "text": lambda r: report_output.to_terminal(r, args.top),
        "json": report_output.to_json,
        "csv": report_output.to_csv,
        "markdown": report_output.to_markdown,
    }
    sys.stdout.write(render[args.format](report).rstrip("\n") + "\n")
    if not report.passed:
        print(f"kb: {report.failure_message()}", file=sys.stderr)
        return CONTENT_PROBLEMS
    return OK
