"""MkDocs adapter for the coverage engine: a report page for support leads, coverage.json/csv, and the gate."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from kb.coverage import Report
from kb.engine import site_report
from kb.report_output import headline, to_csv, to_json
from kb.report_page import render

from .config import KbCoverageConfig
from feedback_widget.reports import for_coverage_report, missed_searches

log = get_plugin_logger(__name__)
NOINDEX = '<meta name="robots" content="noindex, nofollow">'


class KbCoveragePlugin(BasePlugin[KbCoverageConfig]):
    def __init__(self) -> None:
        self.report: Report | None = None
        self.missed: list[tuple[str, int]] = []
        self.titles: dict[str, str] = {}
        self.serving = False

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    @event_priority(-50)  # after the kb plugin has loaded the articles
    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        kb = config.plugins.get("kb")
        if kb is None or kb.content is None:
            raise PluginError("kb-coverage needs the kb plugin: add '- kb' before it in mkdocs.yml's plugins")
        site, content = kb.site, kb.content
        if self.config.fail_under is not None:
            site = replace(site, fail_under=float(self.config.fail_under))
        db = Path(config.config_file_path).parent / self.config.feedback_db if self.config.feedback_db else site.feedback_db
        self.report = site_report(site, content.articles, content.questions, kb.matcher, feedback=for_coverage_report(db))
        self.missed = missed_searches(db)
        self.titles = {c.id: c.title("en") for c in site.categories}
        address = File.generated(config, self.config.page, content="").url  # links lead from the page's own address
        files.append(File.generated(config, self.config.page, content=self._page(base="../" * address.count("/") or "./")))
        log.info(headline(self.report))
        if not self.report.passed:
            if self.serving and not self.config.fail_on_serve:
                log.warning(self.report.failure_message())
            else:
                raise PluginError(self.report.failure_message())
        return files

    def _page(self, base: str) -> str:
        front = "---\ntitle: Coverage report\nsearch:\n  exclude: true\nhide:\n  - feedback\n---\n\n"
        return front + render(self.report, self.titles, base, self.missed) + "\n"

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
