"""`kb questions import`: a ticket export, or the searches that found nothing, merged into questions.yml."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from feedback_widget.reports import missed_searches
from kb.cli.common import OK, UsageError, check_language, print_problems, show_help, site_config
from kb.content.config import SiteConfig
from kb.content.edits import write_edited
from kb.content.periods import is_period
from kb.content.questions_import import (
    ImportedRow,
    ImportResult,
    import_csv,
    merge_into,
    parse_category_map,
    parse_columns,
)
from kb.problems import without_controls


def register(commands: argparse._SubParsersAction) -> None:
    questions = commands.add_parser(
        "questions", help="manage the common-question catalogue", description="Manage questions.yml."
    )
    qcommands = questions.add_subparsers(title="commands", metavar="COMMAND")
    imp = qcommands.add_parser(
        "import",
        help="merge a ticketing system's CSV export (or missed searches) into questions.yml",
        description="Merge a CSV (question,count[,category][,type]) into questions.yml: generated ids, volumes of duplicates summed. "
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
    imp.add_argument(
        "--columns", help="map other headers, e.g. question=Subject,count=Tickets,category=Queue,type=Type"
    )
    imp.add_argument(
        "--period",
        help="the period the export covers, e.g. 2026-Q4: its counts set the questions' volumes for that period "
        "(importing the same file again changes nothing; a corrected file replaces them)",
    )
    imp.add_argument("--lang", help="language of every imported question (en or zh; default: detected for each row)")
    imp.add_argument(
        "--category-map",
        action="append",
        metavar="THEIRS=OURS",
        help="map the ticket system's group names to kb.yml's category ids, e.g. 'Billing=payments' "
        "(repeatable or comma-separated; names match whatever their case)",
    )
    imp.add_argument("--encoding", help="the CSV's encoding (default: UTF-8, or GB18030 when detected)")
    imp.add_argument("--dry-run", action="store_true", help="show what would change without writing")
    imp.set_defaults(run=cmd_questions_import)
    questions.set_defaults(run=lambda args: show_help(questions))


def cmd_questions_import(args: argparse.Namespace) -> int:
    config = site_config(args)
    try:
        columns = parse_columns(args.columns)
        category_map = parse_category_map(args.category_map)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    check_language(args.lang, config)
    if args.period is not None and not is_period(args.period):
        raise UsageError(
            f"--period {args.period!r}: write a year, quarter, half or month, e.g. 2026-Q4, 2026-H2, 2026-11"
        )
    if args.period is not None and args.missed_searches:
        raise UsageError("--period is for ticket exports: missed searches keep a count of their own")
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
            args.period,
            category_map,
            config.default_lang,
        )
    print_problems(result.warnings)
    if args.csv is not None and result.encoding != "utf-8" and not args.encoding:
        print(f"note: {args.csv} is not UTF-8; read it as {result.encoding.upper()}", file=sys.stderr)
    for wording, qid, line in result.merged:
        print(f"merged   {wording!r} (line {line}) into {qid}: the same question in other words")
    for qid, question, volume in result.added:
        print(f"added    {qid:<40} {volume:>6}  {question}")
    what = "searches" if args.missed_searches else f"volume {args.period}" if args.period else "volume"
    changed = [(qid, before, after) for qid, before, after in result.updated if before != after]
    for qid, before, after in changed:
        print(f"updated  {qid:<40} {what}: {'none' if before is None else before} -> {after}")
    if args.dry_run:
        print("dry run: nothing written")
        return OK
    write_edited(config.questions_path, result.text, config.relative(config.questions_path))
    unchanged = len(result.updated) - len(changed)
    print(
        f"{config.relative(config.questions_path)}: {len(result.added)} added, {len(changed)} updated, "
        f"{unchanged} unchanged"
    )
    return OK


def _import_missed_searches(config: SiteConfig, min_count: int):
    """Searches that found nothing become candidate questions in their language; their count is kept as
    `searches:`, apart from the ticket volume."""
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
            rows,
            config.questions_path,
            lang,
            config.relative(config.questions_path),
            result,
            original=text,
            figure="searches",
        )
        text = result.text  # the next language merges into this text
    if text is None:
        result.text = (
            config.questions_path.read_text(encoding="utf-8") if config.questions_path.exists() else "questions:\n"
        )
    return result
