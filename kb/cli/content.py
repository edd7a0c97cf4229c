"""`kb check`, `kb new` and `kb schema`: the writer's commands."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from kb.cli.common import CONTENT_PROBLEMS, OK, UsageError, check_language, print_problems, site_config
from kb.content.init import init_help_center
from kb.content.scaffold import article_path, likely_questions, render_article
from kb.content.schema import ARTICLE_FIELDS, QUESTION_FIELDS, reference_table
from kb.content.site import load_site
from kb.problems import KbError, has_errors


def register(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser(
        "check",
        help="validate articles and questions without building",
        description="Validate every article and the questions file; print each problem as path:line: message (hint).",
    )
    check.add_argument("--strict", action="store_true", help="treat warnings (unknown keys, ...) as errors")
    check.set_defaults(run=cmd_check)

    new = commands.add_parser(
        "new",
        help="scaffold a new article",
        description="Create a draft article (draft: true, previewed by kb serve, never published) whose placeholder "
        "text fails `kb check --strict` until replaced, and list the common questions it might cover.",
    )
    new.add_argument("title", help='the article title, e.g. "How do I get a refund?"')
    new.add_argument("--category", required=True, help="one of the categories declared in kb.yml")
    new.add_argument("--lang", help="en or zh (default: the site's default language)")
    new.add_argument("--slug", help="file name without .md (default: from the title)")
    new.add_argument("--owner", default="", help="who keeps the article up to date")
    new.set_defaults(run=cmd_new)

    init = commands.add_parser(
        "init",
        help="start a new help center in a folder",
        description="Write kb.yml, mkdocs.yml, a home page and one article in English and Chinese, and an empty "
        "questions.yml with a commented example: a help center that passes `kb check` and builds.",
    )
    init.add_argument("folder", type=Path, help="the new help center's folder (created when missing)")
    init.add_argument("--name", default="Help Center", help="the site's name (default: Help Center)")
    init.set_defaults(run=cmd_init)

    schema = commands.add_parser(
        "schema",
        help="print the front matter and questions reference",
        description="Print the article and question schemas as Markdown tables.",
    )
    schema.set_defaults(run=cmd_schema)


def cmd_check(args: argparse.Namespace) -> int:
    config = site_config(args)
    content = load_site(config)
    print_problems(content.problems)
    errors = sum(p.is_error for p in content.problems)
    warnings = len(content.problems) - errors
    drafts = f" (and {len(content.drafts)} drafts)" if content.drafts else ""
    print(
        f"{len(content.articles)} articles{drafts}, {len(content.questions)} questions: "
        f"{errors} errors, {warnings} warnings"
    )
    failed = has_errors(content.problems) or (args.strict and warnings)
    return CONTENT_PROBLEMS if failed else OK


def cmd_new(args: argparse.Namespace) -> int:
    config = site_config(args)
    lang = args.lang or config.default_lang
    check_language(lang, config)
    try:
        path = article_path(config, args.title, args.category, lang, args.slug)
    except KbError as exc:
        raise UsageError(f"{exc.problems[0].message} ({exc.problems[0].hint})") from None
    if path.exists():
        raise UsageError(f"{config.relative(path)} already exists; pick another title or --slug")
    questions = load_site(config).questions
    suggestions = likely_questions(args.title, [q for q in questions if q.lang == lang] or questions)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        render_article(args.title, args.category, lang, suggestions, dt.date.today(), args.owner), encoding="utf-8"
    )
    print(f"created {config.relative(path)} (a draft: replace its placeholder text, then remove 'draft: true')")
    if suggestions:
        print("questions it might cover (add their ids to covers:):")
        for q in suggestions:
            print(f"  {q.id:<32} {q.volume:>6} tickets  {q.question}")
    return OK


def cmd_init(args: argparse.Namespace) -> int:
    if args.folder.exists() and not args.folder.is_dir():
        raise UsageError(f"{args.folder} is a file, not a folder")
    try:
        written = init_help_center(args.folder, args.name, dt.date.today())
    except FileExistsError as exc:
        raise UsageError(f"{exc} already exists: kb init starts a new help center and overwrites nothing") from None
    for path in written:
        print(f"created {path}")
    print(
        f"next: cd {args.folder} && kb check && kb serve   (add articles with kb new, questions with "
        "kb questions import)"
    )
    return OK


def cmd_schema(args: argparse.Namespace) -> int:
    print("Article front matter:\n")
    print(reference_table(ARTICLE_FIELDS))
    print("\nQuestions (questions.yml):\n")
    print(reference_table(QUESTION_FIELDS))
    return OK
