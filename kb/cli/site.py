"""`kb build` and `kb serve`: the site, built strictly, or previewed live with the feedback endpoint beside it."""

from __future__ import annotations

import argparse
import signal
import subprocess
import sys
import time
from pathlib import Path

from kb.cli.common import CONTENT_PROBLEMS, OK, find_mkdocs_yml, site_config
from kb.search.suggest import MANIFEST
from kb.site.build import (
    ENDPOINT_ENV,
    PREVIEW_DIR_ENV,
    BuildInterrupted,
    build_site,
    mkdocs_command,
    mkdocs_env,
)


def register(commands: argparse._SubParsersAction) -> None:
    build = commands.add_parser(
        "build",
        help="build the site (strict: any warning fails)",
        description="Build the site with MkDocs in strict mode into a temporary folder; replace the output only on success.",
    )
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


def cmd_build(args: argparse.Namespace) -> int:
    config = site_config(args)
    mkdocs_yml = find_mkdocs_yml(args, config)
    site_dir = args.site_dir or mkdocs_yml.parent / "site"
    try:
        result = build_site(mkdocs_yml, site_dir, progress=sys.stderr if sys.stderr.isatty() else None)
    except (KeyboardInterrupt, BuildInterrupted) as exc:
        print(f"build interrupted; {config.relative(site_dir)} was left as it was", file=sys.stderr)
        return 128 + exc.signum if isinstance(exc, BuildInterrupted) else 130
    sys.stderr.write(result.stderr)
    if result.returncode != 0:
        print(f"build failed; {config.relative(site_dir)} was left as it was", file=sys.stderr)
        return CONTENT_PROBLEMS
    print(f"built {config.relative(site_dir)}")
    return OK


def cmd_serve(args: argparse.Namespace) -> int:
    config = site_config(args)
    mkdocs_yml = find_mkdocs_yml(args, config)
    watched = [str(p) for p in (config.root / "kb.yml", config.questions_path) if p.exists()]
    # --dirty: a save re-renders the edited page and the pages it changes (the kb plugin marks those), not the site.
    serve = mkdocs_command(
        "serve",
        "--dirty",
        "--config-file",
        str(mkdocs_yml),
        "--dev-addr",
        f"{args.host}:{args.port}",
        *(f"--watch={p}" for p in watched),
    )
    preview = config.root / ".kb-cache" / "preview-site"
    db = config.feedback_db or config.root / ".kb-cache" / "feedback.sqlite3"
    api = f"http://{args.host}:{args.port + 1}"
    # Every preview build also writes the article manifest and suggestions index into `preview`, where the
    # endpoint reads them: an article added while previewing can be voted on at once.
    env = mkdocs_env()
    if not args.no_feedback:
        db.parent.mkdir(parents=True, exist_ok=True)
        env.update({ENDPOINT_ENV: f"{api}/api/feedback", PREVIEW_DIR_ENV: str(preview)})
    # Stopped with SIGTERM as with Ctrl-C: unwind, so the servers stop too and none is left running.
    was = signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    preview_server = subprocess.Popen(serve, env=env, preexec_fn=_interruptible)
    endpoint, interrupted = None, False
    try:
        if args.no_feedback:
            return preview_server.wait()
        # The endpoint starts once there is a manifest: at once when an earlier preview left one (it reloads it
        # when the first build replaces it), else after the preview's first build.
        while not (preview / MANIFEST).is_file():
            if preview_server.poll() is not None:
                return preview_server.returncode or CONTENT_PROBLEMS
            time.sleep(0.1)
        endpoint = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "kb",
                "feedback",
                "serve",
                "--db",
                str(db),
                "--site",
                str(preview),
                "--host",
                args.host,
                "--port",
                str(args.port + 1),
                "--allow-origin",
                f"http://{args.host}:{args.port}",
                "--log-level",
                "warning",
                *(["--embedding-model", config.embedding_model] if config.embedding_model else []),
            ],
            env=env,
        )
        print(
            f"help center: http://{args.host}:{args.port}/  feedback endpoint: {api}/  votes: {config.relative(db)}",
            flush=True,
        )
        return preview_server.wait()
    except KeyboardInterrupt:  # Ctrl-C reached the servers too: they stop on their own
        interrupted = True
        raise
    finally:
        for process in (preview_server, endpoint):
            if process is not None:
                # MkDocs removes its temporary site folder when stopped as by Ctrl-C, not on SIGTERM.
                _stop(process, signal.SIGINT if process is preview_server else signal.SIGTERM, interrupted)
        signal.signal(signal.SIGTERM, was)


def _interruptible() -> None:
    """In the preview's process before MkDocs starts: Ctrl-C's signal stops it, even when kb serve was started
    with that signal ignored (in the background of a shell, by some supervisors), which the process would inherit."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stop(process: subprocess.Popen, signum: int, interrupted: bool) -> None:
    """Stops a server kb serve started: after Ctrl-C it is given two seconds to stop on its own (the terminal sent
    it the signal too); else it is sent `signum`, and killed if it has not stopped 15 s later."""
    try:
        process.wait(timeout=2 if interrupted else 0)
        return
    except subprocess.TimeoutExpired:
        pass
    process.send_signal(signum)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
