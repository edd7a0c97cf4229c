"""`kb check`, `kb new` and `kb schema`: the writer's commands."""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from kb.cli.common import CONTENT_PROBLEMS, OK, UsageError, check_language, print_problems, site_config
from kb.content.init import init_help_center
from kb.content.scaffold import article_path, render_article, render_translation, translation_path
from kb.content.schema import ARTICLE_FIELDS, QUESTION_FIELDS, reference_table
from kb.content.site import load_site
from kb.content.translations import freshness_problems, outdated_translations
from kb.matching.questions import likely_questions
from kb.problems import KbError, did_you_mean, has_errors


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
    new.add_argument("title", nargs="?", help='the article title, e.g. "How do I get a refund?"')
    new.add_argument("--category", help="one of the categories declared in kb.yml (required for a new article)")
    new.add_argument(
        "--section",
        help="one of the category's sections declared in kb.yml: the article is written in its folder, "
        "articles/<category>/<section>/",
    )
    new.add_argument("--lang", help="en or zh (default: the site's default language)")
    new.add_argument(
        "--translate",
        metavar="ARTICLE",
        help="scaffold a translation of ARTICLE (its id or path) into --lang, linked by translation_of:, in the "
        "same folder under the language's folder (and so in the same section)",
    )
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
    shown_root = config.relative(config.articles_dir)
    content.problems.extend(
        freshness_problems(outdated_translations(content.articles, config.articles_dir), shown_root)
    )
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
    if args.translate:
        return _new_translation(args, config)
    if not args.title or not args.category:
        raise UsageError("kb new needs a TITLE and --category, or --translate ARTICLE --lang LANG")
    lang = args.lang or config.default_lang
    check_language(lang, config)
    with _usage_errors():
        path = article_path(config, args.title, args.category, lang, args.slug, args.section)
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


@contextlib.contextmanager
def _usage_errors() -> Iterator[None]:
    """Where `kb new` writes is worked out from the command line: a bad category, --section or --slug is a usage
    error."""
    try:
        yield
    except KbError as exc:
        raise UsageError(f"{exc.problems[0].message} ({exc.problems[0].hint})") from None


def _new_translation(args: argparse.Namespace, config) -> int:
    """`kb new --translate ARTICLE --lang zh`: the source's text under translation_of:, to translate in place."""
    if not args.lang:
        raise UsageError("--translate needs --lang: the language to translate into")
    if args.section:
        raise UsageError("--translate takes no --section: the translation goes in its source's section")
    check_language(args.lang, config)
    content = load_site(config)
    wanted = args.translate.removeprefix(config.relative(config.articles_dir) + "/").removesuffix(".md")
    by_id = {a.id: a for a in content.articles}
    source = by_id.get(wanted) or next((a for a in content.articles if a.path == wanted + ".md"), None)
    if source is None:
        raise UsageError(f"no article '{args.translate}' ({did_you_mean(wanted, by_id)})")
    if source.translation_of:
        raise UsageError(f"'{source.id}' is itself a translation: translate its source '{source.translation_of}'")
    if source.lang == args.lang:
        raise UsageError(f"'{source.id}' is already in {args.lang}: pick the language to translate into")
    existing = next((a for a in content.articles if a.translation_of == source.id and a.lang == args.lang), None)
    if existing is not None:
        raise UsageError(f"'{source.id}' already has a {args.lang} translation: {existing.path}")
    with _usage_errors():
        path = translation_path(config, source, args.lang, args.slug)
    if path.exists():
        raise UsageError(f"{config.relative(path)} already exists; pick another --slug")
    questions = [q for q in content.questions if q.lang == args.lang and q.category == source.category]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_translation(source, args.lang, questions, args.owner), encoding="utf-8")
    print(f"created {config.relative(path)}: translate its title and text from {source.path}")
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
