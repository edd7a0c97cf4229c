"""MkDocs adapter for the feedback widget: put its theme folder in place and tell Material to use it.

Every handler hands over to `feedback_widget.widget`; what the widget does lives there and in its theme folder.
"""

from __future__ import annotations

import os

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from feedback_widget.widget import PROVIDER, THEME_DIR, hide_unless_article, merge_analytics
from kb.site.build import ENDPOINT_ENV

from ..theme import with_theme_dir
from .config import KbFeedbackConfig

log = get_plugin_logger(__name__)


class KbFeedbackPlugin(BasePlugin[KbFeedbackConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.active = False

    @event_priority(-50)  # after the site's own settings and the kb plugin are in place
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.active = False
        if not self.config.enabled:
            return config
        if config.theme.name != "material":
            log.warning("the feedback widget needs the Material theme (theme.name: material)")  # fails --strict
            return config
        analytics = merge_analytics(
            config.extra.get("analytics"),
            os.environ.get(ENDPOINT_ENV) or self.config.endpoint,
            config.theme.get("language", "en"),
        )
        config.extra["analytics"] = analytics
        self.active = analytics.get("provider") == PROVIDER
        if not self.active:
            log.info(
                "extra.analytics names its own provider (%s): the feedback widget is off", analytics.get("provider")
            )
            return config
        config.theme.dirs = with_theme_dir(config.theme.dirs, config.theme.custom_dir, THEME_DIR)
        return config

    def on_page_context(self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        if self.active:
            hide_unless_article(page.meta)  # no form at all on the home page, landing pages and reports
        return context
