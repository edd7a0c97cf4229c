"""`kb feedback serve` and `kb feedback stats`: the door that starts the endpoint and reads its figures.

The endpoint imports nothing from kb: this door hands it the site's article manifest and the suggester. Its
modules (Starlette, uvicorn) are imported only when a feedback command runs, so other commands start fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kb.cli.common import OK, UsageError, show_help, site_config


def register(commands: argparse._SubParsersAction) -> None:
    """Add the `feedback` command group to the kb command."""
    feedback = commands.add_parser(
        "feedback",
        help="the 'Was this article helpful?' endpoint and its figures",
        description="Serve the built site with the feedback endpoint, and read what readers said.",
    )
    subcommands = feedback.add_subparsers(title="commands", metavar="COMMAND")

    serve = subcommands.add_parser(
        "serve",
        help="serve the built site and the feedback endpoint on one origin",
        description="Serve DIR at / and the feedback API at /api/feedback; votes are kept in the SQLite file --db.",
    )
    serve.add_argument(
        "--db",
        required=True,
        help="the SQLite file for votes (created when missing), or a PostgreSQL database as "
        "postgresql://user@host/name for several endpoint instances (needs the 'postgresql' extra)",
    )
    serve.add_argument("--site", type=Path, required=True, help="the built site (with kb-articles.json), e.g. site/")
    serve.add_argument(
        "--report",
        type=Path,
        default=None,
        help="the internal coverage report's folder (kb report --out DIR), served under /internal/report/ "
        "to holders of the export token only",
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help="another origin whose pages may send votes, e.g. https://help.example.com (repeatable)",
    )
    serve.add_argument(
        "--trusted-proxy",
        action="append",
        default=[],
        metavar="ADDR",
        help="a reverse proxy's address or network (e.g. 127.0.0.1 or 10.0.0.0/8) whose X-Forwarded-For, "
        "X-Forwarded-Proto and X-Forwarded-Host are believed (repeatable; default: none, the connection's own "
        "address counts)",
    )
    serve.add_argument(
        "--token-file",
        type=Path,
        help="file holding the export token (default: $KB_FEEDBACK_TOKEN; neither disables export)",
    )
    serve.add_argument(
        "--rate-limit",
        type=float,
        default=30,
        metavar="PER_MINUTE",
        help="requests a client may keep sending per minute once its burst is spent (0: no limit; default 30)",
    )
    serve.add_argument("--burst", type=int, default=20, help="requests a client may send at once (default 20)")
    serve.add_argument(
        "--votes-per-address",
        type=int,
        default=3,
        metavar="N",
        help="readers a day whose votes on one article one address may add, whatever client ids they send "
        "(raise it for offices or schools behind one address; 0: no cap; default 3)",
    )
    serve.add_argument(
        "--max-header-bytes",
        type=int,
        default=16384,
        metavar="N",
        help="request line and headers larger than this are refused with 431 (default 16384)",
    )
    serve.add_argument(
        "--header-timeout",
        type=float,
        default=10,
        metavar="SECONDS",
        help="time a client has to send a request's line and headers, else 408 and the connection closes (default 10)",
    )
    serve.add_argument(
        "--body-timeout",
        type=float,
        default=10,
        metavar="SECONDS",
        help="time a client has to send a request's body once its headers arrived, else 408 (default 10)",
    )
    serve.add_argument(
        "--limit-concurrency",
        type=int,
        default=1000,
        metavar="N",
        help="connections and requests at once; beyond it requests are answered 503 (0: no limit; default 1000)",
    )
    serve.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    serve.add_argument(
        "--embedding-model",
        help="rank /api/suggest with the site's section vectors too (the model the site was built with: "
        "kb.yml's coverage.embedding_model)",
    )
    serve.set_defaults(run=cmd_serve)

    stats = subcommands.add_parser(
        "stats",
        help="print each article's helpful rate",
        description="Print a table of votes per article, least helpful first.",
    )
    stats.add_argument("--db", type=Path, required=True, help="the SQLite file the endpoint writes")
    stats.set_defaults(run=cmd_stats)

    digest = subcommands.add_parser(
        "digest",
        help="what readers said in a period, for the product team (Markdown or HTML)",
        description="Summarise readers' feedback for people who never open the help center: the helpful rate and "
        "its trend, the reasons in words, the latest comments (escaped), feature requests and bug reports among "
        "the common questions (their kind:), and the searches that found nothing. Ready to paste into an e-mail "
        "or a wiki.",
    )
    when = digest.add_mutually_exclusive_group(required=True)
    when.add_argument("--period", help="a period, e.g. 2026-Q4, 2026-11 or 2026; compared with the one before")
    when.add_argument("--since", help="the last N days or weeks, e.g. 30d or 8w; compared with as many before")
    digest.add_argument("--format", choices=("markdown", "html"), default="markdown")
    digest.add_argument("--db", type=Path, default=None, help="the SQLite file the endpoint writes (default: kb.yml)")
    digest.add_argument("--out", type=Path, default=None, help="write to this file instead of standard output")
    digest.set_defaults(run=cmd_digest)
    csp = subcommands.add_parser(
        "csp",
        help="print the Content-Security-Policy for a built site",
        description="Print the Content-Security-Policy header value that kb feedback serve sends with DIR's pages "
        "(its inline scripts allowed by hash), for a web server that serves the site itself.",
    )
    csp.add_argument("--site", type=Path, required=True, help="the built site, e.g. site/")
    csp.set_defaults(run=cmd_csp)

    feedback.set_defaults(run=lambda args: show_help(feedback))


def cmd_serve(args: argparse.Namespace) -> int:
    from feedback_widget.app import Settings
    from feedback_widget.catalog import CatalogError, read_manifest
    from feedback_widget.guard import Limits
    from feedback_widget.migrate import SchemaTooNew
    from feedback_widget.proxy import parse_trusted
    from feedback_widget.server import TokenError, export_token, serve
    from feedback_widget.sqlite_store import SqliteStore, StoreError
    from feedback_widget.store import is_postgres_url
    from kb.search.suggest import MANIFEST, SiteSuggester

    if not args.site.is_dir():
        raise UsageError(f"{args.site}: no such folder (build the site first: kb build)")
    if args.report is not None and args.report.resolve().is_relative_to(args.site.resolve()):
        raise UsageError(f"{args.report}: the report is internal; keep it outside the public site {args.site}")
    if args.rate_limit < 0 or args.burst < 1:
        raise UsageError("--rate-limit must be 0 or more and --burst at least 1")
    try:
        parse_trusted(args.trusted_proxy)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if args.votes_per_address < 0:
        raise UsageError("--votes-per-address must be 0 (no cap) or more")
    if args.max_header_bytes < 1024 or args.header_timeout <= 0 or args.body_timeout <= 0 or args.limit_concurrency < 0:
        raise UsageError(
            "--max-header-bytes must be at least 1024, --header-timeout and --body-timeout above 0, "
            "and --limit-concurrency 0 (no limit) or more"
        )
    if is_postgres_url(args.db):
        db = args.db
        try:
            from feedback_widget.postgres_store import PostgresStore as open_store
        except ImportError as exc:
            raise UsageError(
                f"--db {args.db.split('://')[0]}://...: {exc} (pip install 'kb-helpcenter[postgresql]')"
            ) from None
    else:
        db, open_store = Path(args.db), SqliteStore
    try:
        read_manifest(args.site / MANIFEST)
        token = export_token(args.token_file, os.environ)
        open_store(db).close()  # create or migrate the database now, so a bad path fails before serving
    except (CatalogError, TokenError, StoreError, SchemaTooNew) as exc:
        raise UsageError(str(exc)) from None
    if args.report is not None and token is None:
        raise UsageError("--report needs the export token (KB_FEEDBACK_TOKEN or --token-file): the report is internal")
    logging.basicConfig(level=args.log_level.upper(), format="%(levelname)s:     %(name)s: %(message)s")
    settings = Settings(
        db=db,
        manifest=args.site / MANIFEST,
        site_dir=args.site,
        report_dir=args.report,
        allow_origins=tuple(args.allow_origin),
        export_token=token,
        rate=args.rate_limit / 60,
        burst=args.burst,
        votes_per_address=args.votes_per_address,
        trusted_proxies=tuple(args.trusted_proxy),
    )
    limits = Limits(
        max_header_bytes=args.max_header_bytes,
        header_timeout=args.header_timeout,
        body_timeout=args.body_timeout,
        limit_concurrency=args.limit_concurrency,
    )
    ranker = None
    if args.embedding_model:
        from kb.matching.semantic import default_cache_dir, load_ranker

        ranker, status = load_ranker(
            args.embedding_model, default_cache_dir() / "models", default_cache_dir() / "vectors"
        )
        logging.getLogger(__name__).info("suggestions: semantic ranking %s", status.reason)
    suggest = SiteSuggester(args.site, ranker)
    serve(settings, args.host, args.port, args.log_level, suggest=suggest, limits=limits, open_store=open_store)
    return OK


def cmd_stats(args: argparse.Namespace) -> int:
    from feedback_widget.reports import read_summary, stats_table

    if not args.db.is_file():
        raise UsageError(f"{args.db}: no such file (the endpoint creates it: kb feedback serve --db ...)")
    summary = read_summary(args.db, comments=0)  # an unreadable database: kb.cli.main says why, exit 2
    print(stats_table(summary.values()))
    return OK


def cmd_digest(args: argparse.Namespace) -> int:
    import datetime as dt

    from feedback_widget.reports import FeedbackUnreadable, read_window
    from kb.content.site import load_site
    from kb.reports.digest import build_digest, to_html, to_markdown, window

    try:
        win = window(args.period, args.since, dt.datetime.now(dt.UTC).date())
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    config = None
    try:
        config = site_config(args)
    except UsageError:
        if args.db is None:
            raise
    db = args.db or (config.feedback_db if config else None)
    if db is None or not db.is_file():
        raise UsageError(f"{db or 'feedback.db'}: no such file (the endpoint creates it: kb feedback serve --db ...)")
    titles, questions = {}, []
    if config is not None:
        content = load_site(config)
        titles = {a.id: a.title for a in content.articles}
        questions = content.questions
    try:
        now = read_window(db, win.start, win.end)
        before = read_window(db, win.previous_start, win.previous_end)
    except FeedbackUnreadable as exc:
        raise UsageError(str(exc)) from None
    digest = build_digest(win, now, before, titles, questions)
    text = to_html(digest) if args.format == "html" else to_markdown(digest)
    if args.out is not None:
        try:
            args.out.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"{args.out}: cannot write the digest ({exc.strerror})") from None
        print(f"digest written to {args.out}")
    else:
        sys.stdout.write(text)
    return OK


def cmd_csp(args: argparse.Namespace) -> int:
    from feedback_widget.security import site_policy

    if not args.site.is_dir():
        raise UsageError(f"{args.site}: no such folder (build the site first: kb build)")
    print(site_policy(args.site))
    return OK
