"""MkDocs adapter for the kb engine: validate the articles, lay out navigation, annotate pages.

Every handler is a few lines that hand over to `kb`; the domain knows nothing of MkDocs.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kb.config import SiteConfig, load_config
from kb.engine import build_matcher, cache_folder
from kb.matcher import Matcher
from kb.related import related_cached, related_html
from kb.suggest import MANIFEST, write_snapshot
from kb.textfile import write_text_atomically
from kb.word_forms import add_to_search_index
from kb.content import Content, is_landing_page, markdown_files
from kb.model import Article
from kb.problems import KbError
from kb.site import HOME_MARKER, category_listing, manifest, navigation, reviewed_html
from kb.validate import load_site

from ..theme import with_theme_dir
from .config import KbSiteConfig

THEME_DIR = Path(__file__).resolve().parent / "theme"  # Material partials: the interface in each page's language

log = get_plugin_logger(__name__)


class KbSitePlugin(BasePlugin[KbSiteConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.site: SiteConfig | None = None
        self.articles: dict[str, Article] = {}
        self.content: Content | None = None  # read by the other kb plugins, so the articles are loaded once
        self.related: dict[str, list[Article]] = {}
        self._matcher: Matcher | None = None

    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        path = Path(config.config_file_path).parent / self.config.config_file
        try:
            self.site = load_config(path)
        except KbError as exc:
            raise PluginError(f"kb: invalid {self.config.config_file}:\n{exc}") from None
        content = self.content = load_site(self.site)
        for problem in content.problems:
            log.warning(str(problem))  # any problem fails `mkdocs build --strict`
        self.articles = {a.path: a for a in content.articles}
        if self.config.navigation and not config.nav:
            landing = {p.relative_to(self.site.articles_dir).as_posix() for p in markdown_files(self.site.articles_dir)}
            config.nav = navigation(content.articles, self.site, {p for p in landing if is_landing_page(p)})
        if self.config.page_language and config.theme.name == "material":
            config.theme.dirs = with_theme_dir(config.theme.dirs, config.theme.custom_dir, THEME_DIR)
        return config

    @property
    def matcher(self) -> Matcher:
        """The search index of the articles, built (or updated from its cache) once per build."""
        if self._matcher is None:
            self._matcher = build_matcher(list(self.articles.values()), cache_folder(self.site), self.site.synonyms)
        return self._matcher

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        if self.config.related:
            self.related = related_cached(list(self.articles.values()), self.matcher, self.config.related, cache_folder(self.site))
        return files

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        article = self.articles.get(page.file.src_uri)
        if article:  # templates (the feedback widget) find the article's stable id and language here
            page.meta["kb_article"] = article.id
            page.meta["kb_lang"] = article.lang
        if HOME_MARKER in markdown:
            lang = page.meta.get("lang", self.site.default_lang)
            markdown = markdown.replace(HOME_MARKER, category_listing(list(self.articles.values()), self.site, lang, page.file.src_uri))
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        article = self.articles.get(page.file.src_uri)
        if article is None:
            return html
        base = "../" * (page.url.count("/")) if page.url else ""
        return html + related_html(article, self.related.get(article.id, []), base) + reviewed_html(article)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        site = Path(config.site_dir)
        search_index = site / "search" / "search_index.json"
        if self.config.word_forms and search_index.is_file():
            index = json.loads(search_index.read_text(encoding="utf-8"))
            search_index.write_text(json.dumps(add_to_search_index(index, self.articles.values()), ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        for folder in self._data_folders(site):
            folder.mkdir(parents=True, exist_ok=True)
            # The endpoint may read it at any moment.
            write_text_atomically(folder / MANIFEST, json.dumps(manifest(list(self.articles.values()), self.site.synonyms), ensure_ascii=False, indent=1))
            write_snapshot(self.matcher.stats, folder)  # the endpoint's suggestions read it

    @staticmethod
    def _data_folders(site: Path) -> list[Path]:
        """The site, and during `kb serve` also the folder the endpoint reads (the live preview builds elsewhere)."""
        preview = os.environ.get("KB_PREVIEW_DIR")
        return [site] + ([Path(preview)] if preview and Path(preview).resolve() != site.resolve() else [])
