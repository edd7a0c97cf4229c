"""The `kb` command: check, scaffold, build and preview a help center, and keep its questions.

Exit codes: 0 ok, 1 content problems, 2 usage errors.
"""

from __future__ import annotations

import argparse
import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path

from . import __version__
from .build import build_site, mkdocs_command, mkdocs_env
from .config import SiteConfig, load_config
from .problems import KbError, Problem, has_errors
from .questions_import import import_csv, parse_columns
from .scaffold import article_path, likely_questions, render_article
from .schema import ARTICLE_FIELDS, QUESTION_FIELDS, reference_table
from .textfile import write_text_atomically
from .validate import load_site

OK, CONTENT_PROBLEMS, USAGE = 0, 1, 2


class UsageError(Exception):
    """A mistake in how the command was called, as opposed to a mistake in the content."""


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
        _print_problems(exc.problems)
        return CONTENT_PROBLEMS
    except KeyboardInterrupt:
        return 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kb", description="A help center built from Markdown articles kept in git.")
    parser.add_argument("--version", action="version", version=f"kb {__version__}")
    parser.add_argument("--config", type=Path, help="the help center's kb.yml (default: the nearest one upwards)")
    commands = parser.add_subparsers(title="commands", metavar="COMMAND")

    check = commands.add_parser("check", help="validate articles and questions without building", description="Validate every article and the questions file; print each problem as path:line: message (hint).")
    check.add_argument("--strict", action="store_true", help="treat warnings (unknown keys, ...) as errors")
    check.set_defaults(run=cmd_check)

    new = commands.add_parser("new", help="scaffold a new article", description="Create an article that passes `kb check`, and list the common questions it might cover.")
    new.add_argument("title", help='the article title, e.g. "How do I get a refund?"')
    new.add_argument("--category", required=True, help="one of the categories declared in kb.yml")
    new.add_argument("--lang", help="en or zh (default: the site's default language)")
    new.add_argument("--slug", help="file name without .md (default: from the title)")
    new.add_argument("--owner", default="", help="who keeps the article up to date")
    new.set_defaults(run=cmd_new)

    build = commands.add_parser("build", help="build the site (strict: any warning fails)", description="Build the site with MkDocs in strict mode into a temporary folder; replace the output only on success.")
    build.add_argument("--mkdocs", type=Path, default=None, help="mkdocs.yml (default: beside kb.yml)")
    build.add_argument("--site-dir", type=Path, default=None, help="output folder (default: site/ beside mkdocs.yml)")
    build.set_defaults(run=cmd_build)

    serve = commands.add_parser(
        "serve",
        help="live preview for writers, with the feedback endpoint",
        description="Serve the site with live reload while you edit articles, and the feedback endpoint beside it "
        "(on PORT+1), so the widget really stores votes (in kb.yml's feedback.db).",
    )
    serve.add_argument("--mkdocs", type=Path, default=None, help="mkdocs.yml (default: beside kb.yml)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-feedback", action="store_true", help="preview only, without the endpoint")
    serve.set_defaults(run=cmd_serve)

    schema = commands.add_parser("schema", help="print the front matter and questions reference", description="Print the article and question schemas as Markdown tables.")
    schema.set_defaults(run=cmd_schema)

    questions = commands.add_parser("questions", help="manage the common-question catalogue", description="Manage questions.yml.")
    qcommands = questions.add_subparsers(title="commands", metavar="COMMAND")
    imp = qcommands.add_parser(
        "import",
        help="merge a ticketing system's CSV export (or missed searches) into questions.yml",
        description="Merge a CSV (question,count[,category]) into questions.yml: generated ids, volumes of duplicates summed. "
        "With --missed-searches, take the site searches that found nothing (from the feedback database) as candidate questions.",
    )
    imp.add_argument("csv", type=Path, nargs="?", help="the CSV file")
    imp.add_argument("--missed-searches", action="store_true", help="import the most frequent searches that found nothing, from kb.yml's feedback.db")
    imp.add_argument("--min-count", type=int, default=2, help="with --missed-searches: only searches made at least this often (default 2)")
    imp.add_argument("--columns", help="map other headers, e.g. question=Subject,count=Tickets,category=Queue")
    imp.add_argument("--lang", help="language of the imported questions (en or zh)")
    imp.add_argument("--encoding", help="the CSV's encoding (default: UTF-8, or GB18030 when detected)")
    imp.add_argument("--dry-run", action="store_true", help="show what would change without writing")
    imp.set_defaults(run=cmd_questions_import)
    questions.set_defaults(run=lambda args: _help(questions))

    coverage = commands.add_parser(
        "coverage",
        help="which common questions have no article",
        description="Report which common questions the articles answer (tagged or likely), which are gaps, and which are hard to find. "
        "With --articles and --questions it audits any folder of Markdown against any questions file (YAML, or CSV with question[,count]).",
    )
    coverage.add_argument("--format", choices=("text", "json", "csv", "markdown"), default="text")
    coverage.add_argument("--fail-under", type=float, default=None, help="exit 1 when less than N%% of ticket volume is answered (default: kb.yml, else 80)")
    coverage.add_argument("--gate-on", choices=("answered", "tagged"), default=None, help="what --fail-under counts: answered (covered + likely) or tagged (covered only) (default: kb.yml, else answered)")
    coverage.add_argument("--articles", type=Path, help="audit this folder of Markdown files instead of the site's articles")
    coverage.add_argument("--questions", type=Path, help="questions file for --articles (YAML or CSV)")
    coverage.add_argument("--top", type=int, default=15, help="rows per table in the text format")
    coverage.set_defaults(run=cmd_coverage)

    from .feedback_cli import register as register_feedback

    register_feedback(commands)
    return parser


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return USAGE


def _config(args: argparse.Namespace) -> SiteConfig:
    try:
        if args.config is not None and not args.config.is_file():
            raise UsageError(f"{args.config}: no such file")
        return load_config(args.config)
    except KbError as exc:
        if any(p.line == 0 for p in exc.problems):
            raise UsageError("; ".join(f"{p.message} ({p.hint})" if p.hint else p.message for p in exc.problems)) from None
        raise


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        print(problem, file=sys.stderr)


def cmd_check(args: argparse.Namespace) -> int:
    config = _config(args)
    content = load_site(config)
    _print_problems(content.problems)
    errors = sum(p.is_error for p in content.problems)
    warnings = len(content.problems) - errors
    print(f"{len(content.articles)} articles, {len(content.questions)} questions: {errors} errors, {warnings} warnings")
    failed = has_errors(content.problems) or (args.strict and warnings)
    return CONTENT_PROBLEMS if failed else OK


def cmd_new(args: argparse.Namespace) -> int:
    config = _config(args)
    lang = args.lang or config.default_lang
    if lang not in config.vocabulary.languages:
        raise UsageError(f"unknown language '{lang}' (expected one of: {', '.join(sorted(config.vocabulary.languages))})")
    try:
        path = article_path(config, args.title, args.category, lang, args.slug)
    except KbError as exc:
        raise UsageError(f"{exc.problems[0].message} ({exc.problems[0].hint})") from None
    if path.exists():
        raise UsageError(f"{config.relative(path)} already exists; pick another title or --slug")
    questions = load_site(config).questions
    suggestions = likely_questions(args.title, [q for q in questions if q.lang == lang] or questions)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_article(args.title, args.category, lang, suggestions, dt.date.today(), args.owner), encoding="utf-8")
    print(f"created {config.relative(path)}")
    if suggestions:
        print("questions it might cover (add their ids to covers:):")
        for q in suggestions:
            print(f"  {q.id:<32} {q.volume:>6} tickets  {q.question}")
    return OK


def _mkdocs_yml(args: argparse.Namespace, config: SiteConfig) -> Path:
    path = args.mkdocs or config.root / "mkdocs.yml"
    if not path.is_file():
        raise UsageError(f"{path}: no such file (pass --mkdocs)")
    return path


def cmd_build(args: argparse.Namespace) -> int:
    config = _config(args)
    mkdocs_yml = _mkdocs_yml(args, config)
    site_dir = args.site_dir or mkdocs_yml.parent / "site"
    result = build_site(mkdocs_yml, site_dir)
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        print(f"build failed; {config.relative(site_dir)} was left as it was", file=sys.stderr)
        return CONTENT_PROBLEMS
    print(f"built {config.relative(site_dir)}")
    return OK


def cmd_serve(args: argparse.Namespace) -> int:
    config = _config(args)
    mkdocs_yml = _mkdocs_yml(args, config)
    watched = [str(p) for p in (config.root / "kb.yml", config.questions_path) if p.exists()]
    serve = mkdocs_command("serve", "--config-file", str(mkdocs_yml), "--dev-addr", f"{args.host}:{args.port}", *(f"--watch={p}" for p in watched))
    if args.no_feedback:
        return subprocess.call(serve, env=mkdocs_env())
    preview = config.root / ".kb-cache" / "preview-site"
    db = config.feedback_db or config.root / ".kb-cache" / "feedback.sqlite3"
    db.parent.mkdir(parents=True, exist_ok=True)
    api = f"http://{args.host}:{args.port + 1}"
    from .suggest import MANIFEST

    # Every preview build also writes the article manifest and suggestions index into `preview`, where the
    # endpoint reads them: an article added while previewing can be voted on at once.
    env = {**mkdocs_env(), "KB_FEEDBACK_ENDPOINT": f"{api}/api/feedback", "KB_PREVIEW_DIR": str(preview)}
    # Stopped with SIGTERM as with Ctrl-C: unwind, so both servers stop too and no endpoint is left running.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    preview_server = subprocess.Popen(serve, env=env)
    endpoint = None
    try:
        # The endpoint starts once there is a manifest: at once when an earlier preview left one (it reloads it
        # when the first build replaces it), else after the preview's first build.
        while not (preview / MANIFEST).is_file():
            if preview_server.poll() is not None:
                return preview_server.returncode or CONTENT_PROBLEMS
            time.sleep(0.1)
        endpoint = subprocess.Popen(
            [sys.executable, "-m", "kb", "feedback", "serve", "--db", str(db), "--site", str(preview), "--host", args.host, "--port", str(args.port + 1), "--allow-origin", f"http://{args.host}:{args.port}", "--log-level", "warning"],
            env=env,
        )
        print(f"help center: http://{args.host}:{args.port}/  feedback endpoint: {api}/  votes: {config.relative(db)}", flush=True)
        return preview_server.wait()
    finally:
        for process in (preview_server, endpoint):
            if process is not None and process.poll() is None:
                process.terminate()
                process.wait(timeout=15)


def cmd_coverage(args: argparse.Namespace) -> int:
    from . import report_output
    from .engine import foreign_report, site_report

    if (args.articles is None) != (args.questions is None):
        raise UsageError("--articles and --questions go together")
    if args.articles is not None:
        if not args.articles.is_dir():
            raise UsageError(f"{args.articles}: no such folder")
        if not args.questions.is_file():
            raise UsageError(f"{args.questions}: no such file")
        report, problems = foreign_report(args.articles, args.questions, args.fail_under if args.fail_under is not None else 80.0, gate_on=args.gate_on or "answered")
        _print_problems(problems)
    else:
        config = _config(args)
        content = load_site(config)
        _print_problems(content.problems)
        if has_errors(content.problems):
            return CONTENT_PROBLEMS
        from dataclasses import replace

        if args.fail_under is not None:
            config = replace(config, fail_under=args.fail_under)
        if args.gate_on is not None:
            config = replace(config, gate_on=args.gate_on)
        from feedback_widget.reports import for_coverage_report

        report = site_report(config, content.articles, content.questions, warnings=[str(p) for p in content.problems], feedback=for_coverage_report(config.feedback_db))
    render = {"text": lambda r: report_output.to_terminal(r, args.top), "json": report_output.to_json, "csv": report_output.to_csv, "markdown": report_output.to_markdown}
    sys.stdout.write(render[args.format](report).rstrip("\n") + "\n")
    if not report.passed:
        print(f"kb: {report.failure_message()}", file=sys.stderr)
        return CONTENT_PROBLEMS
    return OK


def cmd_schema(args: argparse.Namespace) -> int:
    print("Article front matter:\n")
    print(reference_table(ARTICLE_FIELDS))
    print("\nQuestions (questions.yml):\n")
    print(reference_table(QUESTION_FIELDS))
    return OK


def cmd_questions_import(args: argparse.Namespace) -> int:
    config = _config(args)
    try:
        columns = parse_columns(args.columns)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.lang and args.lang not in config.vocabulary.languages:
        raise UsageError(f"unknown language '{args.lang}' (expected one of: {', '.join(sorted(config.vocabulary.languages))})")
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
        result = import_csv(args.csv, config.questions_path, columns, categories, args.lang, args.encoding, config.relative(config.questions_path))
    _print_problems(result.warnings)
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
    from feedback_widget.reports import missed_searches_by_lang

    from .questions_import import ImportedRow, ImportResult, merge_into

    if config.feedback_db is None or not config.feedback_db.is_file():
        raise UsageError("no feedback database yet (kb.yml's feedback.db): missed searches are recorded by the endpoint")
    result = ImportResult()
    text = None
    for lang, found in missed_searches_by_lang(config.feedback_db).items():
        rows = [ImportedRow(query, count, "", 0) for query, count in found if count >= min_count]
        result = merge_into(rows, config.questions_path, lang, config.relative(config.questions_path), result, original=text)
        text = result.text  # the next language merges into this text
    if text is None:
        result.text = config.questions_path.read_text(encoding="utf-8") if config.questions_path.exists() else "questions:\n"
    return result


if __name__ == "__main__":
    sys.exit(main())
