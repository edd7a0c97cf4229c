"""MkDocs adapter for the coverage engine: a report page for support leads, coverage.json/csv, and the gate."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from feedback_widget.reports import FeedbackUnreadable, read_feedback
from kb.coverage.audit import site_report
from kb.coverage.model import Report
from kb.problems import KbError
from kb.reports.data import headline, to_csv, to_json
from kb.reports.page import render
from kb.site.session import open_session

from .config import KbCoverageConfig

log = get_plugin_logger(__name__)
NOINDEX = '<meta name="robots" content="noindex, nofollow">'


class KbCoveragePlugin(BasePlugin[KbCoverageConfig]):
    def __init__(self) -> None:
        self.report: Report | None = None
        self.serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    @event_priority(-50)  # after the kb plugin has checked the articles and reported their problems
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        root = Path(config.config_file_path).parent
        try:
            session = open_session(root / self.config.config_file)
        except KbError as exc:
            raise PluginError(f"kb-coverage: invalid {self.config.config_file}:\n{exc}") from None
        site = session.config
        if self.config.fail_under is not None:
            site = replace(site, fail_under=float(self.config.fail_under))
        db = root / self.config.feedback_db if self.config.feedback_db else site.feedback_db
        content = session.content
        try:
            feedback = read_feedback(db)
        except FeedbackUnreadable as exc:
            raise PluginError(f"kb-coverage: {exc}") from None
        self.report = site_report(site, content.articles, content.questions, session.matcher, feedback=feedback)
        titles = {c.id: c.title("en") for c in site.categories}
        address = File.generated(config, self.config.page, content="").url  # links lead from the page's own address
        overrides = (config.theme.custom_dir,) if config.theme.custom_dir else ()
        body = render(self.report, titles, "../" * address.count("/") or "./", overrides)
        front = "---\ntitle: Coverage report\nsearch:\n  exclude: true\nhide:\n  - feedback\n---\n\n"
        files.append(File.generated(config, self.config.page, content=front + body + "\n"))
        log.info(headline(self.report))
        if not self.report.passed:
            if self.serving and not self.config.fail_on_serve:
                log.warning(self.report.failure_message())
            else:
                raise PluginError(self.report.failure_message())
        return files

    def on_post_page(self, output: str, page: Page, config: MkDocsConfig) -> str:
        if self.report is not None and page.file.src_uri == self.config.page:
            return output.replace("<head>", f"<head>\n    {NOINDEX}", 1)
        return output

    def on_post_build(self, config: MkDocsConfig) -> None:
        if self.report is None:
            return
        folder = Path(config.site_dir) / Path(self.config.page).parent
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "coverage.json").write_text(to_json(self.report), encoding="utf-8")
        (folder / "coverage.csv").write_text(to_csv(self.report), encoding="utf-8")
