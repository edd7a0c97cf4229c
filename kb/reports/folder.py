"""The coverage report as a folder of its own, for support leads only: the page, coverage.json and coverage.csv.

It is never part of the public site: `kb report` writes it, and the feedback endpoint serves it under /internal/
to holders of the export token. It holds ticket volumes, owners' names, readers' comments and missed searches.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kb.content.textfile import swap_in
from kb.coverage.model import Report
from kb.reports.data import headline, to_csv, to_json, to_markdown
from kb.reports.page import render
from kb.templates import render as render_template

PAGE = "index.html"
FILES = (PAGE, "coverage.json", "coverage.csv", "coverage.md")


def report_files(
    report: Report, titles: dict[str, str], base: str = "/", overrides: Sequence[Path | str] = (), site_name: str = ""
) -> dict[str, str]:
    """The report folder's files by name. `base` leads from the report to the public site's root (its URL)."""
    body = render(report, titles, base, overrides)
    page = render_template("report-document.html", overrides, body=body, site_name=site_name, headline=headline(report))
    return {
        PAGE: page,
        "coverage.json": to_json(report),
        "coverage.csv": to_csv(report),
        "coverage.md": to_markdown(report),
    }


def write_report_folder(out: Path, files: dict[str, str]) -> None:
    """Write the files into a fresh folder beside `out` and swap it in, so a reader never sees half a report."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-writing-", dir=out.parent))
    try:
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8", newline="")
        swap_in(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
