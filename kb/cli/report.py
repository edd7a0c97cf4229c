"""`kb report`: the coverage report for support leads, built into a folder of its own (never into the site)."""

from __future__ import annotations

import argparse
from pathlib import Path

import yaml

from kb.cli.common import CONTENT_PROBLEMS, OK, UsageError, judged_site
from kb.content.config import SiteConfig
from kb.reports.data import headline
from kb.reports.folder import report_files, write_report_folder

DEFAULT_FOLDER = "report"


def register(commands: argparse._SubParsersAction) -> None:
    report = commands.add_parser(
        "report",
        help="build the internal coverage report into a folder of its own",
        description="Build the coverage report (page with chart, coverage.json, coverage.csv, coverage.md) with "
        "readers' feedback and missed searches into --out. It is internal: serve it with "
        "`kb feedback serve --report DIR`, which asks for the export token.",
    )
    report.add_argument(
        "--out", type=Path, default=None, help=f"the report's folder (default: {DEFAULT_FOLDER}/ beside kb.yml)"
    )
    report.add_argument(
        "--site-url",
        default=None,
        help="where the public site is, for links to its articles (default: site_url in mkdocs.yml, else /)",
    )
    report.add_argument("--fail-under", type=float, default=None, help="the gate shown (default: kb.yml, else 80)")
    report.set_defaults(run=cmd_report)


def cmd_report(args: argparse.Namespace) -> int:
    judged = judged_site(args, fail_under=args.fail_under)
    if judged is None:
        return CONTENT_PROBLEMS
    config, report = judged
    site_url, site_name = _public_site(config)
    base = args.site_url or site_url or "/"
    titles = {c.id: c.title("en") for c in config.categories}
    out = args.out or config.root / DEFAULT_FOLDER
    files = report_files(report, titles, base if base.endswith("/") else base + "/", (), site_name)
    _check_out(out, set(files), config)
    write_report_folder(out, files)
    print(headline(report))
    print(f"report written to {config.relative(out)}/ (internal: serve it with kb feedback serve --report)")
    return OK


def _check_out(out: Path, names: set[str], config: SiteConfig) -> None:
    """The report replaces its folder whole: refuse a file, a folder holding anything else, or the help center's
    own folders."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: is a file; --out names the report's own folder")
    resolved, articles = out.resolve(), config.articles_dir.resolve()
    if resolved == config.root.resolve() or resolved in config.root.resolve().parents:
        raise UsageError(f"{out}: holds the help center itself; --out names the report's own folder")
    if resolved == articles or articles in resolved.parents:
        raise UsageError(f"{out}: is inside the articles folder, which is published; put the report elsewhere")
    others = sorted(p.name for p in out.iterdir() if p.name not in names) if out.is_dir() else []
    if others:
        raise UsageError(f"{out}: holds other files ({', '.join(others[:3])}); the report replaces its folder whole")


class _AnyTagLoader(yaml.SafeLoader):
    """mkdocs.yml may hold !ENV and !!python tags: read them as plain values."""


_AnyTagLoader.add_multi_constructor("", lambda loader, suffix, node: None)


def _public_site(config: SiteConfig) -> tuple[str, str]:
    """site_url and site_name from the mkdocs.yml beside kb.yml, when there is one."""
    path = config.root / "mkdocs.yml"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_AnyTagLoader) if path.is_file() else None
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        data = None
    if not isinstance(data, dict):
        return "", ""
    return str(data.get("site_url") or ""), str(data.get("site_name") or "")
