"""MkDocs adapter for the coverage engine: the build's gate. The report itself is internal and never published:
`kb report` builds it into a folder of its own (kb.reports.folder)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files

from kb.coverage.audit import site_report
from kb.coverage.model import Report
from kb.problems import KbError
from kb.reports.data import headline
from kb.site.session import open_session

from .config import KbCoverageConfig

log = get_plugin_logger(__name__)


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
        kb_yml = self.config.config_file or _kb_plugin_option(config, "config_file") or "kb.yml"
        try:
            session = open_session(root / kb_yml)
        except KbError as exc:
            raise PluginError(f"kb-coverage: invalid {kb_yml}:\n{exc}") from None
        site = session.config
        if self.config.fail_under is not None:
            site = replace(site, fail_under=float(self.config.fail_under))
        content = session.content
        # No readers' feedback here: the gate does not need it, and nothing readers wrote may reach the site.
        self.report = site_report(site, content.articles, content.questions, session.matcher, semantic=session.semantic)
        log.info(headline(self.report) + " (the report: kb report)")
        if not self.report.passed:
            if self.serving and not self.config.fail_on_serve:
                log.warning(self.report.failure_message())
            else:
                raise PluginError(self.report.failure_message())
        return files


def _kb_plugin_option(config: MkDocsConfig, name: str) -> str | None:
    """An option of the kb plugin as mkdocs.yml sets it (MkDocs' config, not the plugin's state)."""
    kb = config.plugins.get("kb")
    return kb.config.get(name) if kb is not None else None
