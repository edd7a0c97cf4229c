"""`kb coverage`: which common questions the help center answers, for the site or any folder."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kb.cli.common import CONTENT_PROBLEMS, OK, UsageError, judged_site, print_problems, site_config
from kb.content.articles import parse_article
from kb.content.edits import add_cover, add_rejection, write_edited
from kb.content.questions import load_questions
from kb.content.questions_import import parse_columns
from kb.content.site import article_rules, load_site
from kb.content.textfile import read_text
from kb.coverage.audit import foreign_report, site_report
from kb.model import Article, Question
from kb.problems import did_you_mean, has_errors
from kb.reports import data as report_output


def register(commands: argparse._SubParsersAction) -> None:
    coverage = commands.add_parser(
        "coverage",
        help="which common questions have no article",
        description="Report which common questions the articles answer (confirmed in covers:, or suggested for review), which are gaps, and which are hard to find. "
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
        help="what --fail-under counts: tagged (answers confirmed in covers:) or answered (tagged + suggested) "
        "(default: kb.yml, else tagged; an audit with --articles: answered)",
    )
    coverage.add_argument(
        "--articles", type=Path, help="audit this folder of Markdown files instead of the site's articles"
    )
    coverage.add_argument("--questions", type=Path, help="questions file for --articles (YAML or CSV)")
    coverage.add_argument(
        "--columns",
        help="a questions CSV's headers, e.g. question=Subject,count=Tickets,type=Type (common ticket-export names "
        "are recognised without it)",
    )
    coverage.add_argument("--top", type=int, default=15, help="rows per table in the text format")
    coverage.add_argument(
        "--embedding-model",
        help="rank suggestions with sentence embeddings too: a fastembed model name or a local ONNX folder "
        "(default: kb.yml's coverage.embedding_model; none: lexical only)",
    )
    coverage.add_argument("--no-embeddings", action="store_true", help="lexical ranking only, whatever kb.yml says")
    coverage.set_defaults(run=cmd_coverage)
    actions = coverage.add_subparsers(title="review the suggestions", metavar="ACTION")
    accept = actions.add_parser(
        "accept",
        help="confirm that ARTICLE answers QUESTION: adds the id to the article's covers:",
        description="Add QUESTION's id to ARTICLE's covers: (the file's formatting and comments stay).",
    )
    reject = actions.add_parser(
        "reject",
        help="say that ARTICLE does not answer QUESTION: it is not suggested again",
        description="Add ARTICLE to QUESTION's not_answered_by: in the questions file, so it is not suggested again.",
    )
    for parser, run in ((accept, cmd_accept), (reject, cmd_reject)):
        parser.add_argument("question", help="the question's id (questions.yml)")
        parser.add_argument("article", help="the article's id (its path without .md, or its id:)")
        parser.set_defaults(run=run)
    review = actions.add_parser(
        "review",
        help="go through the suggestions in the terminal, one key each",
        description="Show each suggestion, most tickets first, with its evidence: a accepts, r rejects, s skips, "
        "q stops. Without a terminal, use kb coverage accept / reject.",
    )
    review.set_defaults(run=cmd_review)


def cmd_coverage(args: argparse.Namespace) -> int:
    if (args.articles is None) != (args.questions is None):
        raise UsageError("--articles and --questions go together")
    if args.columns and args.articles is None:
        raise UsageError("--columns names the headers of a --questions CSV (the site's questions.yml has none)")
    if args.articles is not None:
        if not args.articles.is_dir():
            raise UsageError(f"{args.articles}: no such folder")
        if not args.questions.is_file():
            raise UsageError(f"{args.questions}: no such file")
        try:
            columns = parse_columns(args.columns)
        except ValueError as exc:
            raise UsageError(str(exc)) from None
        report, problems = foreign_report(
            args.articles,
            args.questions,
            args.fail_under if args.fail_under is not None else 80.0,
            gate_on=args.gate_on or "answered",
            embedding_model=args.embedding_model,
            embeddings=not args.no_embeddings,
            columns=columns,
        )
        print_problems(problems)
        if args.format != "text":  # the terminal report says it itself; a file's reader is told on the terminal
            print(f"kb: {report.audit}", file=sys.stderr)
    else:
        judged = judged_site(
            args,
            embeddings=not args.no_embeddings,
            fail_under=args.fail_under,
            gate_on=args.gate_on,
            embedding_model=args.embedding_model or None,
        )
        if judged is None:
            return CONTENT_PROBLEMS
        _, report = judged
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


def _site(args: argparse.Namespace):
    config = site_config(args)
    content = load_site(config)
    if has_errors(content.problems):
        print_problems(content.problems)
        raise UsageError("fix the problems above first (kb check)")
    return config, content


def _find(content, question_id: str, article_id: str):
    questions = {q.id: q for q in content.questions}
    articles = {a.id: a for a in content.articles}
    if question_id not in questions:
        raise UsageError(f"no question '{question_id}' in the questions file ({did_you_mean(question_id, questions)})")
    if article_id not in articles:
        raise UsageError(f"no article '{article_id}' ({did_you_mean(article_id, articles)})")
    return questions[question_id], articles[article_id]


def accept(config, question, article) -> str:
    if question.id in article.covers:
        return f"{config.relative(config.articles_dir / article.path)} already covers {question.id}"
    path = config.articles_dir / article.path
    shown = config.relative(path)
    write_edited(path, add_cover(read_text(path, shown), article.line_of.get("covers"), question.id), shown, True)
    return f"accepted: {config.relative(path)} covers {question.id}"


def reject(config, question, article) -> str:
    if article.id in question.not_answered_by:
        return f"{question.id} already says {article.id} does not answer it"
    path = config.questions_path
    shown = config.relative(path)
    write_edited(path, add_rejection(read_text(path, shown), question.line, article.id), shown)
    return f"rejected: {config.relative(path)}: {question.id} is not answered by {article.id}"


def cmd_accept(args: argparse.Namespace) -> int:
    config, content = _site(args)
    print(accept(config, *_find(content, args.question, args.article)))
    return OK


def cmd_reject(args: argparse.Namespace) -> int:
    config, content = _site(args)
    print(reject(config, *_find(content, args.question, args.article)))
    return OK


def cmd_review(args: argparse.Namespace, keys=None) -> int:
    if keys is None and not sys.stdin.isatty():
        raise UsageError("kb coverage review needs a terminal; use kb coverage accept / reject QUESTION ARTICLE")
    config, content = _site(args)
    report = site_report(config, content.articles, content.questions, embeddings=False)
    suggestions = report.with_status("likely")
    if not suggestions:
        print("no suggestions to review")
        return OK
    read_key = keys or _terminal_keys()
    done = {"a": 0, "r": 0, "s": 0}
    for n, r in enumerate(suggestions, 1):
        best = r.candidates[0]
        print(f"\n[{n}/{len(suggestions)}] {r.question.volume} tickets  {r.question.id}: {r.question.question}")
        print(f"  probably answered by {best.article.path} ({r.tier}; words: {', '.join(best.matched) or '-'})")
        if best.passage:
            print(f'  "{best.passage}"')
        print("  a accept · r reject · s skip · q stop > ", end="", flush=True)
        key = read_key()
        while key not in ("a", "r", "s", "q"):
            key = read_key()
        print(key)
        if key == "q":
            break
        if key == "a":
            print("  " + accept(config, r.question, _fresh_article(config, best.article)))
        elif key == "r":
            print("  " + reject(config, _fresh_question(config, r.question.id), best.article))
        done[key] += 1
    print(f"\n{done['a']} accepted, {done['r']} rejected, {done['s']} skipped")
    return OK


def _fresh_article(config, article: Article) -> Article:
    """The article as its file is now (an earlier accept may have added a covers: line): that one file is read
    again, not the whole help center, so each key answers at once however many articles there are."""
    path = config.articles_dir / article.path
    shown = config.relative(path)
    fresh, _ = parse_article(read_text(path, shown), article.path, shown, article_rules(config))
    return fresh if fresh is not None else article


def _fresh_question(config, question_id: str) -> Question:
    """The question as the questions file says now (an earlier reject may have added to its not_answered_by)."""
    path = config.questions_path
    questions, _ = load_questions(path, config.vocabulary, config.default_lang, config.relative(path))
    return next(q for q in questions if q.id == question_id)


def _terminal_keys():
    import termios
    import tty

    def read_key() -> str:
        fd = sys.stdin.fileno()
        old = termios.tcgetattr(fd)
        try:
            tty.setcbreak(fd, termios.TCSANOW)  # not TCSAFLUSH: keys typed ahead are answers too
            return sys.stdin.read(1).lower()
        finally:
            termios.tcsetattr(fd, termios.TCSANOW, old)

    return read_key
