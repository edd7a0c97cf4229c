"""`kb questions import`: a ticket export, or the searches that found nothing, merged into questions.yml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from feedback_widget.reports import missed_searches
from kb.cli.common import OK, UsageError, check_language, print_problems, show_help, site_config
from kb.content.config import SiteConfig
from kb.content.questions_import import ImportedRow, ImportResult, import_csv, merge_into, parse_columns
from kb.content.textfile import write_text_atomically
from kb.problems import without_controls


def register(commands: argparse._SubParsersAction) -> None:
    questions = commands.add_parser(
        "questions", help="manage the common-question catalogue", description="Manage questions.yml."
    )
    qcommands = questions.add_subparsers(title="commands", metavar="COMMAND")
    imp = qcommands.add_parser(
        "import",
        help="merge a ticketing system's CSV export (or missed searches) into questions.yml",
        description="Merge a CSV (question,count[,category]) into questions.yml: generated ids, volumes of duplicates summed. "
        "With --missed-searches, take the site searches that found nothing (from the feedback database) as candidate questions.",
    )
    imp.add_argument("csv", type=Path, nargs="?", help="the CSV file")
    imp.add_argument(
        "--missed-searches",
        action="store_true",
        help="import the most frequent searches that found nothing, from kb.yml's feedback.db",
    )
    imp.add_argument(
        "--min-count",
        type=int,
        default=2,
        help="with --missed-searches: only searches made at least this often (default 2)",
    )
    imp.add_argument("--columns", help="map other headers, e.g. question=Subject,count=Tickets,category=Queue")
    imp.add_argument("--lang", help="language of the imported questions (en or zh)")
    imp.add_argument("--encoding", help="the CSV's encoding (default: UTF-8, or GB18030 when detected)")
    imp.add_argument("--dry-run", action="store_true", help="show what would change without writing")
    imp.set_defaults(run=cmd_questions_import)
    questions.set_defaults(run=lambda args: show_help(questions))


def cmd_questions_import(args: argparse.Namespace) -> int:
    config = site_config(args)
    try:
        columns = parse_columns(args.columns)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    check_language(args.lang, config)
    if args.missed_searches:
        if args.csv is not None:
            raise UsageError("give a CSV file or --missed-searches, not both")
        result = _import_missed_searches(config, args.min_count)
    elif args.csv is None:
        raise UsageError("give the CSV file to import (or --missed-searches)")
    elif not args.csv.is_file():
        raise UsageError(f"{args.csv}: no such file")
    else:
        categories = frozenset(c.id for c in config.categories)
        result = import_csv(
            args.csv,
            config.questions_path,
            columns,
            categories,
            args.lang,
            args.encoding,
            config.relative(config.questions_path),
        )
    print_problems(result.warnings)
    if args.csv is not None and result.encoding != "utf-8" and not args.encoding:
        print(f"note: {args.csv} is not UTF-8; read it as {result.encoding.upper()}", file=sys.stderr)
    for qid, question, volume in result.added:
        print(f"added    {qid:<40} {volume:>6}  {question}")
    for qid, volume in result.updated:
        print(f"updated  {qid:<40} {volume:>+6}")
    if args.dry_run:
        print("dry run: nothing written")
        return OK
    write_text_atomically(config.questions_path, result.text)
    print(f"{config.relative(config.questions_path)}: {len(result.added)} added, {len(result.updated)} updated")
    return OK


def _import_missed_searches(config: SiteConfig, min_count: int):
    """Searches that found nothing become candidate questions, their count as volume, in their language."""
    if config.feedback_db is None or not config.feedback_db.is_file():
        raise UsageError(
            "no feedback database yet (kb.yml's feedback.db): missed searches are recorded by the endpoint"
        )
    result = ImportResult()
    text = None
    by_lang: dict[str, list[ImportedRow]] = {}
    for miss in missed_searches(config.feedback_db, days=90, limit=200):
        if miss.count >= min_count:
            query = without_controls(miss.query).strip()  # the endpoint refuses them; kept out here too
            if query:
                by_lang.setdefault(miss.lang, []).append(ImportedRow(query, miss.count, "", 0))
    for lang, rows in by_lang.items():
        result = merge_into(
            rows, config.questions_path, lang, config.relative(config.questions_path), result, original=text
        )
        text = result.text  # the next language merges into this text
    if text is None:
        result.text = (
            config.questions_path.read_text(encoding="utf-8") if config.questions_path.exists() else "questions:\n"
        )
    return result
