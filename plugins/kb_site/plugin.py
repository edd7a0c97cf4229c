"""MkDocs adapter for the kb engine: validate the articles, lay out navigation, annotate pages.

Each handler is a few lines that hand over to `kb`; the domain knows nothing of MkDocs.
"""

from __future__ import annotations

import json
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority, get_plugin_logger
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from kb.content.articles import is_landing_page, markdown_files
from kb.problems import KbError
from kb.search.related import related_html
from kb.search.word_forms import add_to_search_index
from kb.site.manifest import write_endpoint_data
from kb.site.navigation import HOME_MARKER, category_listing, navigation, reviewed_html, safe_title
from kb.site.session import BuildSession, open_session

from ..theme import page_base, with_theme_dir
from .config import KbSiteConfig

THEME_DIR = Path(__file__).resolve().parent / "theme"  # Material partials: the interface in each page's language

log = get_plugin_logger(__name__)


class KbSitePlugin(BasePlugin[KbSiteConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.session: BuildSession | None = None
        self.overrides: tuple[str, ...] = ()

    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        try:
            session = self.session = open_session(Path(config.config_file_path).parent / self.config.config_file)
        except KbError as exc:
            raise PluginError(f"kb: invalid {self.config.config_file}:\n{exc}") from None
        for problem in session.content.problems:
            log.warning(str(problem))  # any problem fails `mkdocs build --strict`
        if self.config.navigation and not config.nav:
            folder = session.config.articles_dir
            landing = {p.relative_to(folder).as_posix() for p in markdown_files(folder)}
            config.nav = navigation(
                session.content.articles, session.config, {p for p in landing if is_landing_page(p)}
            )
        if self.config.page_language and config.theme.name == "material":
            config.theme.dirs = with_theme_dir(config.theme.dirs, config.theme.custom_dir, THEME_DIR)
        self.overrides = (config.theme.custom_dir,) if config.theme.custom_dir else ()
        return config

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        article = self.session.articles_by_path.get(page.file.src_uri)
        if article:  # templates (the feedback widget) find the article's stable id and language here
            page.meta["kb_article"] = article.id
            page.meta["kb_lang"] = article.lang
        # Material writes page.meta.title and page.title into the page unescaped (<title>, header, <h1>, nav).
        title = article.title if article else page.meta.get("title")
        if isinstance(title, str):
            page.meta["title"] = page.title = safe_title(title)
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        session, base = self.session, page_base(page)
        if HOME_MARKER in html:
            lang = page.meta.get("lang", session.config.default_lang)
            listing = category_listing(session.content.articles, session.config, lang, base, self.overrides)
            html = html.replace(HOME_MARKER, listing)
        article = session.articles_by_path.get(page.file.src_uri)
        if article is None:
            return html
        others = session.related(self.config.related).get(article.id, []) if self.config.related else []
        return html + related_html(article, others, base, self.overrides) + reviewed_html(article)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        site, session = Path(config.site_dir), self.session
        search_index = site / "search" / "search_index.json"
        if self.config.word_forms and search_index.is_file():
            index = json.loads(search_index.read_text(encoding="utf-8"))
            index = add_to_search_index(index, session.content.articles)
            search_index.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
        folders = [site]
        extra = Path(self.config.endpoint_data_dir) if self.config.endpoint_data_dir else None
        if extra is not None and extra.resolve() != site.resolve():
            folders.append(extra)
        for folder in folders:
            write_endpoint_data(folder, session.content.articles, session.config.synonyms, session.matcher.stats)
