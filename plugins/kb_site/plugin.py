"""MkDocs adapter for the kb engine: validate the articles, lay out navigation, annotate pages.

Each handler is a few lines that hand over to `kb`; the domain knows nothing of MkDocs.
"""

from __future__ import annotations

import copy
import html
import json
import logging
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority, get_plugin_logger
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from kb.content.articles import is_landing_page, landing_files
from kb.content.translations import OutOfDate, outdated_translations, translation_groups
from kb.model import Article
from kb.problems import KbError
from kb.search.pagefind import OUTPUT as PAGEFIND_OUTPUT
from kb.search.pagefind import Feed as PagefindFeed
from kb.search.pagefind import KeptRecords as PagefindKeptRecords
from kb.search.pagefind import PageFolder
from kb.search.pagefind import Records as PagefindRecords
from kb.search.pagefind import available as pagefind_available
from kb.search.pagefind import background_threads as pagefind_background_threads
from kb.search.pagefind import records as pagefind_records
from kb.search.pagefind import write_index as write_pagefind_index
from kb.search.related import related_html
from kb.search.scope import index_name, location_path, scoped_indexes
from kb.search.suggest import MANIFEST
from kb.search.ticket_words import add_questions_to_index
from kb.search.word_forms import add_to_search_index
from kb.site.faq import FAQ_MARKER, faq_html
from kb.site.languages import (
    NO_RESULT,
    SEARCH_ELSEWHERE,
    alternate,
    home_path,
    home_url,
    outdated_notice,
    page_language,
    site_languages,
    switcher_targets,
)
from kb.site.manifest import write_endpoint_data
from kb.site.navigation import (
    HOME_MARKER,
    category_listing,
    further_pages,
    has_sections,
    landing_pages,
    landing_translations,
    listing_fields,
    navigation,
    reviewed_html,
    safe_title,
)
from kb.site.progress import Progress
from kb.site.session import BuildSession, folder_stamps, open_session

from ..theme import page_base, with_theme_dir
from .config import KbSiteConfig
from .languages import language_loads, language_navigations, scope_search, search_elsewhere
from .preview import (
    CollectionPause,
    TemplateCache,
    asked_once,
    force_rebuild,
    latest_entries,
    remember_canonical_urls,
    remember_theme_files,
    remove_gone,
    render_keys,
    settle_memory,
    sitemap_key,
    unchanged_generated,
    unsettle_memory,
)
from .search import (
    Later,
    empty_material_index,
    no_dead_end,
    read_queries_as_typed,
    search_with_pagefind,
    write_no_dead_end,
    write_pagefind_scripts,
    write_search_worker,
)
from .sidebar import Sidebars
from .watch import watch_by_notice

THEME_DIR = Path(__file__).resolve().parent / "theme"  # Material partials: the interface in each page's language
SIDEBAR_DIR = Path(__file__).resolve().parent / "sidebar_theme"  # Material's sidebar, reused across a section

log = get_plugin_logger(__name__)


def problems_html(problems: list) -> str:
    """A box listing the page's problems as `kb check` prints them (path:line, message, hint), escaped."""
    items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in problems)
    errors = sum(p.is_error for p in problems)
    what = f"{errors} error{'s' if errors != 1 else ''}" if errors else "warnings"
    return (
        '<div class="kb-problems" role="alert" style="padding:.5em 1em;border-left:4px solid #c62828;'
        f'background:#ffebee"><p><strong>This article has {what}</strong>: the build will fail until they are '
        f"fixed (kb check lists them too).</p><ul>{items}</ul></div>"
    )


def without_front_matter(markdown: str) -> str:
    """The body after front matter MkDocs could not read (it leaves it in the page); all of it as code when the
    front matter is not closed."""
    lines = markdown.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        return markdown
    for index in range(1, len(lines)):
        if lines[index].strip() in ("---", "..."):
            return "".join(lines[index + 1 :])
    return "```text\n" + markdown.replace("```", "` ` `") + "\n```\n"


DRAFT_BANNER = (
    '<p class="kb-draft" style="padding:.5em 1em;border-left:4px solid #f9a825;background:#fff8e1">'
    "<strong>Draft</strong>: previewed only. Remove <code>draft: true</code> to publish it.</p>\n"
)


def _generated(page: Page) -> bool:
    """A page made in the build with no file of its own (kb's landing pages)."""
    return page.file.abs_src_path is None


class _NoDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


class KbSitePlugin(BasePlugin[KbSiteConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.session: BuildSession | None = None
        self.overrides: tuple[str, ...] = ()
        self._templates: tuple = ()  # the override templates' stamps, read once per dirty rebuild
        self.languages: list[str] = []  # the site's languages when it has several and `languages` is on
        self.navs: dict[str, Navigation] = {}
        self.url_langs: dict[str, str] = {}  # page address -> language
        self.landing_urls: set[str] = set()  # the homes, category and contact pages
        self.further_pages: dict[str, str] = {}  # a listing's page 2 or later -> its first page (source paths)
        self.landing_translations: dict[str, dict[str, str]] = {}  # a landing page -> {language: the same page}
        self.groups: dict = {}
        self.configured_alternate: list | None = None
        self.outdated: dict[str, OutOfDate] | None = None  # translation id -> why it is out of date, once per build
        self.serving = False
        self.progress: Progress | None = None  # pages written so far, on a terminal
        self._listing_key: tuple | None = None
        # Kept across `mkdocs serve` rebuilds (MkDocs keeps plugin instances): what each page showed last build,
        # so a dirty rebuild renders again every page an edit changes (plugins/kb_site/preview.py).
        self.render_keys: dict[str, int] = {}
        self.dirty = False  # a dirty build (`mkdocs serve --dirty`, which `kb serve` runs)
        self.building = False  # between on_config and the end of on_post_build (or an error)
        self.collection = CollectionPause()  # the garbage collector, held off while a dirty rebuild runs
        self.sitemap_written: int | None = None  # the key (`sitemap_key`) of the sitemap in the preview's folder
        self.sitemap_now: int | None = None  # ... and this build's
        self.sitemap_kept: set[str] | None = None  # the templates this build left the sitemap out of
        self.stopped = False  # the preview has stopped (on_shutdown)
        self.search_entries: list[dict] = []  # the search index's entries after the last build
        self.page_urls: set[str] = set()  # every page's address this build
        self.outputs: set[str] = set()  # what the last finished build wrote (each file's place in the site)
        self._outputs: set[str] = set()  # ... and what this build writes
        self.rendered: set[str] = set()  # the pages rendered this build
        self.generated: dict[str, int] = {}
        self.listings: dict[str, tuple] = {}  # the navigation and landing pages, with what they were made from
        self._listing_memo: dict[int, tuple[Article, tuple]] = {}  # id(article) -> (article, its listing fields)
        self._landing_listings: tuple = ((), {})  # the override templates' stamp, each landing listing as made
        self.templates = TemplateCache()  # the theme's compiled templates, for the next rebuild
        self.sidebars = Sidebars()  # the sidebars of this build, reused across each section's pages
        # Under a dirty build, Pagefind's index and the endpoint's data are written after the build (`Later`); the
        # pages as Pagefind reads them are kept in one folder, rewritten where they changed.
        self.later = Later()
        self.pagefind_pages = PageFolder()
        self.pagefind_kept = PagefindKeptRecords()  # ... and their records, made again only for pages rewritten
        # A full build hands the article pages to Pagefind while it renders the others (`_feed_pagefind`).
        self.pagefind_feed: PagefindFeed | None = None
        self.pagefind_records: PagefindRecords | None = None

    def on_startup(self, *, command: str, dirty: bool) -> None:
        """Defined so MkDocs keeps this instance across `mkdocs serve` rebuilds (it keeps plugins that have it)."""
        self.serving = command == "serve"  # drafts are previewed, never built
        self.stopped = self.building = False
        self.dirty = dirty
        if dirty:  # MkDocs warns that a dirty build leaves navigation out of date; kb renders those pages again
            logging.getLogger("mkdocs.commands.build").addFilter(_NoDirtyWarning())
            remember_canonical_urls()
            remember_theme_files(lambda folder: _templates_stamp((folder,)) if folder else ())

    @event_priority(50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        self.progress = Progress() if Progress.wanted() else None
        self.navs = {}  # the last build's pages: garbage from here on
        self.building = True
        if self.dirty:
            self.collection.hold()
        if self.pagefind_feed is not None:  # a build that stopped without a word to the plugins
            self.pagefind_feed.close()
            self.pagefind_feed = None
        try:
            kb_yml = Path(config.config_file_path).parent / self.config.config_file
            session = self.session = open_session(kb_yml, preview=self.dirty)
        except KbError as exc:
            raise PluginError(f"kb: invalid {self.config.config_file}:\n{exc}") from None
        if self.dirty and self.config.related:  # under way while MkDocs reads the files and makes the navigation
            session.related_soon(self.config.related)
        self.overrides = (config.theme.custom_dir,) if config.theme.custom_dir else ()
        self._templates = _templates_stamp(self.overrides) if self.dirty else ()  # read once per rebuild
        for problem in session.content.problems:
            log.warning(str(problem))  # any problem fails `mkdocs build --strict`
        if session.search_engine == "pagefind" and not pagefind_available():
            raise PluginError("kb: search.engine: pagefind needs Pagefind: pip install 'kb-helpcenter[pagefind]'")
        if self.config.navigation and not config.nav:
            folder = session.config.articles_dir
            shown = self._listed_articles()
            landing = landing_files(folder)
            config.nav = self._kept("nav", (shown, landing), lambda: navigation(shown, session.config, landing))
        if self.config.navigation and has_sections(session.config) and config.theme.name == "material":
            # The sidebar of a help center with sections: the categories, the page's category's sections and its
            # section's articles. Material's `navigation.prune` renders only the open branch; `navigation.sections`
            # would open every category on every page.
            features = [f for f in config.theme.get("features", []) if f != "navigation.sections"]
            config.theme["features"] = [
                *features,
                *(["navigation.prune"] if "navigation.prune" not in features else []),
            ]
        if self.config.page_language and config.theme.name == "material":
            config.theme.dirs = with_theme_dir(config.theme.dirs, config.theme.custom_dir, THEME_DIR)
        if self.config.reuse_sidebar and config.theme.name == "material":
            config.theme.dirs = with_theme_dir(config.theme.dirs, config.theme.custom_dir, SIDEBAR_DIR)
        languages = site_languages(session.content.articles, session.config)
        self.languages = languages if self.config.languages and len(languages) > 1 else []
        self.groups = translation_groups(session.content.articles)
        self.configured_alternate = config.extra.get("alternate")
        self.outdated = None
        self._listing_key = None
        self.rendered = set()
        return config

    def _listed_articles(self) -> list[Article]:
        """The articles the navigation and the landing pages list: the published ones, and under `kb serve` the
        drafts too (in their sections, as they will be once published)."""
        content = self.session.content
        return content.articles + content.drafts if self.serving else content.articles

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Drafts out of a build; in a site with sections, the landing pages of its categories and sections, unless
        the site has its own (the preview's list its drafts too). A listing's further pages are outside the navigation
        on purpose (MkDocs' list of pages missing from it leaves them out)."""
        if not self.serving:  # a draft is not published: no page, no search entry, no sitemap line
            for path in self.session.drafts_by_path:
                file = files.get_file_from_path(path)
                if file is not None:
                    files.remove(file)
        if self.config.navigation:
            own = {f.src_uri for f in files}  # looked up once: Files re-indexes itself after each append
            articles = self._listed_articles()
            if self.dirty and self._landing_listings[0] != self._templates:  # listings made with other templates
                self._landing_listings = (self._templates, {})
            listings = self._landing_listings[1] if self.dirty else None
            made = lambda: landing_pages(articles, self.session.config, self.overrides, kept=listings)  # noqa: E731
            landings = self._kept("landing", (articles,), made)
            for landing in landings:
                if landing.path not in own:
                    outside = InclusionLevel.NOT_IN_NAV if landing.place.page > 1 else InclusionLevel.UNDEFINED
                    file = File.generated(config, landing.path, content=landing.markdown, inclusion=outside)
                    unchanged_generated(file, self.generated)
                    files.append(file)
            self.further_pages = further_pages(landings, self.session.config)
            self.landing_translations = landing_translations(landings)
        return files

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        """One navigation per language, with previous/next links that stay within it."""
        session, documents = self.session, files.documentation_pages()
        self.url_langs = {f.url: page_language(f.src_uri, session.articles_by_path, session.config) for f in documents}
        landing = [f.url for f in documents if is_landing_page(f.src_uri)]
        self.landing_urls = {location_path(url.removeprefix("./")) for url in landing}  # the home is "" in the index
        if self.progress is not None:
            self.progress.start(len(documents))
        self._open_further_pages(nav, files)
        self.navs = {}
        if self.languages:
            homes = {lang: home_path(lang, session.config) for lang in self.languages}
            self.navs = language_navigations(nav, lambda p: self._language(p), homes)
        self.page_urls = {f.page.url for f in documents if f.page is not None}
        if self.dirty:  # render again the pages whose sidebar, neighbours, listing or related articles changed
            pages = [f.page for f in documents if f.page is not None]
            keys = render_keys(pages, nav, self.navs, self._language, self._shows, self._site_key(config))
            asked_once(documents)
            force_rebuild(files, {path for path, key in keys.items() if self.render_keys.get(path) != key})
            self.render_keys = keys
        return nav

    def _open_further_pages(self, nav: Navigation, files: Files) -> None:
        """A listing's page 2 and later are not in the navigation: each gets its first page's parent, so that Material
        opens the same branch of the sidebar on it (the category's sections, the section's articles) and the preview's
        render keys follow that branch. Its own entry is in no branch: its sidebar is rendered in full."""
        if not self.further_pages:
            return
        in_nav = {id(page) for page in nav.pages}
        for further, first in self.further_pages.items():
            page, opened = files.get_file_from_path(further), files.get_file_from_path(first)
            if page is None or opened is None or page.page is None or opened.page is None:
                continue
            if id(page.page) not in in_nav and id(opened.page) in in_nav:
                page.page.parent = opened.page.parent

    def _listing_fields(self, article: Article) -> tuple:
        """`listing_fields(article)`, worked out once per article object: an unchanged article is the same object
        from one rebuild to the next (the preview keeps what it parsed)."""
        memo = self._listing_memo
        kept = memo.get(id(article))
        if kept is None or kept[0] is not article:
            if len(memo) > 3 * len(self.session.content.articles) + 1000:  # edited articles' old objects: let go
                live = {id(a) for a in self.session.content.articles}
                self._listing_memo = memo = {key: value for key, value in memo.items() if key in live}
            kept = memo[id(article)] = (article, listing_fields(article))
        return kept[1]

    def _kept(self, name: str, inputs: tuple, make):
        """`make()`, or under a dirty build its last result while the articles' listing fields (all but their
        text), the settings and `inputs`' other parts are what they were: the navigation and landing pages show
        the articles' titles, summaries, categories and sections, never their text."""
        if not self.dirty:
            return make()
        key = (
            tuple(tuple(map(self._listing_fields, part)) if isinstance(part, list) else part for part in inputs),
            self.session.config,
            repr(self.session.config.categories),  # their titles and sections, which the config's == leaves out
            self._templates,
            self.serving,
        )
        kept = self.listings.get(name)
        if kept is None or kept[0] != key:
            kept = self.listings[name] = (key, make())
        return kept[1]

    def on_env(self, env, config: MkDocsConfig, files: Files):
        """A dirty rebuild compiles only the theme templates that changed since the last build. The sidebar's
        template (`SIDEBAR_DIR`) finds the theme's own below it as `kb-below/...`."""
        if self.dirty:
            env.bytecode_cache = self.templates
        self._outputs = {file.dest_uri for file in files}
        self.sidebars.clear()
        if self.dirty:  # the same pages at the same addresses: the sitemap written last build is this build's
            self.sitemap_now = sitemap_key(files, (self._templates, tuple(map(str, config.theme.dirs))))
            site = Path(config.site_dir)
            same = self.sitemap_now == self.sitemap_written
            if same and all((site / name).is_file() for name in ("sitemap.xml", "sitemap.xml.gz")):
                config.theme.static_templates.discard("sitemap.xml")  # given back after the build
                self.sitemap_kept = config.theme.static_templates
        dirs = [str(d) for d in config.theme.dirs]
        if str(SIDEBAR_DIR) in dirs:
            below = jinja2.FileSystemLoader(dirs[dirs.index(str(SIDEBAR_DIR)) + 1 :])
            env.loader = jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader({"kb-below": below})])
            env.globals["kb_sidebars"] = self.sidebars
        return env

    def _merged_search_entries(self, entries: list[dict]) -> list[dict]:
        """Under a dirty build, the search entries of every page: the pages rendered now from Material's index, the
        others as the last build left them (Material keeps its previous index but, rendering several pages, drops
        or duplicates some)."""

        def page_of(entry: dict) -> str:
            return entry.get("location", "").split("#", 1)[0]

        fresh = [e for e in latest_entries(entries) if page_of(e) in self.rendered]
        kept = [e for e in self.search_entries if page_of(e) in self.page_urls and page_of(e) not in self.rendered]
        self.search_entries = kept + fresh
        return self.search_entries

    def _site_key(self, config: MkDocsConfig) -> str:
        """The settings every page depends on: mkdocs.yml and kb.yml as they are, and the search engine (with
        `auto`, the article count decides it)."""
        texts = [self.session.search_engine]
        for path in (Path(config.config_file_path), self.session.config.root / self.config.config_file):
            try:
                texts.append(path.read_text(encoding="utf-8"))
            except OSError:
                texts.append("")
        return "\n".join(texts)

    def _shows(self, page: Page) -> object:
        """What a page shows of other articles besides the navigation: an article its related articles and
        translations, a landing page its listing of the articles."""
        session = self.session
        article = session.articles_by_path.get(page.file.src_uri)
        if article is None and _generated(page):
            return ()  # a generated landing page: its listing is its text, compared as such (unchanged_generated)
        if article is None:  # a home: its listing of categories (kb:categories) shows every article
            if self._listing_key is None:
                self._listing_key = tuple(
                    (a.id, a.title, a.lang, a.category, a.section, a.url) for a in session.content.articles
                )
            return self._listing_key
        related = session.related(self.config.related).get(article.id, []) if self.config.related else []
        group = self.groups.get(article.id, {})
        return (
            tuple((o.id, o.title) for o in related),
            tuple(sorted((lang, a.url, a.title, str(a.reviewed)) for lang, a in group.items())),
            article.translation_of,
        )

    def _language(self, page: Page) -> str:
        return page_language(page.file.src_uri, self.session.articles_by_path, self.session.config)

    def on_page_context(self, context: dict, page: Page, config: MkDocsConfig, nav: Navigation) -> dict:
        """The page's language: its navigation, site name, description and language switcher."""
        if not self.languages:
            return context
        session, lang = self.session, self._language(page)
        context["nav"] = self.navs.get(lang, nav)
        article = session.articles_by_path.get(page.file.src_uri)
        description = (article.summary if article else "") or session.config.site_descriptions.get(lang)
        if description and not page.meta.get("description"):
            page.meta["description"] = description
        targets = switcher_targets(
            page.file.src_uri,
            page.url,
            session.articles_by_path,
            self.groups,
            self.languages,
            session.config,
            self.landing_translations,
        )
        mine = copy.copy(config)  # this page's settings: Material reads the name and the switcher from config
        mine["site_name"] = session.config.site_names.get(lang, config.site_name)
        mine["site_description"] = session.config.site_descriptions.get(lang, config.site_description)
        mine["extra"] = {**config.extra, "alternate": alternate(targets, self.configured_alternate)}
        context["config"] = mine
        return context

    def _page_output(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """Search in the page's own language, with a link to search the others; queries read as typed."""
        if self.progress is not None:
            self.progress.page_done()
        self.rendered.add(page.url)
        default, lang, base = self.session.config.default_lang, self._language(page), page_base(page)
        if self.session.search_engine == "pagefind":
            output = search_with_pagefind(output, base)
        elif self.config.ticket_words:
            output = read_queries_as_typed(output)
        if self.config.no_dead_end:
            contacts = self.session.config.contact_urls
            contact = contacts.get(lang) or contacts.get(default)
            output = no_dead_end(output, contact, lang, base, NO_RESULT.get(lang, NO_RESULT["en"]))
        if not self.languages:
            return output
        if lang != default:
            output = scope_search(output, index_name(lang, default))
        homes = [(o, (base + home_url(o, self.session.config)) or "./") for o in self.languages]
        output = language_loads(output, lang, homes)
        return search_elsewhere(output, [(o, home, SEARCH_ELSEWHERE.get(o, o)) for o, home in homes if o != lang])

    @event_priority(-100)  # the page as written, after every plugin's changes
    def _feed_pagefind(self, output: str, page: Page, config: MkDocsConfig) -> str:
        """In a full build, an article page goes to Pagefind as soon as it is rendered (kb.search.pagefind.Feed);
        the preview indexes after its rebuild, from the pages it keeps."""
        session = self.session
        if self.dirty or session.search_engine != "pagefind":
            return output
        article = session.articles_by_path.get(page.file.src_uri)
        if article is None:
            return output
        if self.pagefind_feed is None:
            content = session.content
            self.pagefind_records = PagefindRecords(content.questions, session.config.synonyms)
            self.pagefind_feed = PagefindFeed(Path(config.site_dir))
        record = self.pagefind_records.of(article, output)
        if record is not None:
            self.pagefind_feed.add(record)
        return output

    on_post_page = CombinedEvent(_page_output, _feed_pagefind)

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.serving:  # the preview shows a page's problems on the page itself, not only in the terminal
            shown = f"{self.session.config.relative(self.session.config.articles_dir)}/{page.file.src_uri}"
            problems = [p for p in self.session.content.problems if p.path == shown]
            if problems:
                markdown = problems_html(problems) + "\n\n" + without_front_matter(markdown)
        article = self.session.articles_by_path.get(page.file.src_uri) or self.session.drafts_by_path.get(
            page.file.src_uri
        )
        if article:  # templates (the feedback widget) find the article's stable id and language here
            page.meta["kb_lang"] = article.lang
            if not article.draft:  # a draft takes no votes: the endpoint only knows published articles
                page.meta["kb_article"] = article.id
            if self.session.search_engine == "pagefind":  # Pagefind indexes the articles and Material's index is
                page.meta["search"] = {"exclude": True}  # served empty: Material's search need not read them
        # Material writes page.meta.title and page.title into the page unescaped (<title>, header, <h1>, nav).
        # A generated landing page's title (its category's or section's) is its <title>; its entry in the sidebar
        # keeps the navigation's label ("Overview").
        title = article.title if article else page.meta.get("title")
        if isinstance(title, str):
            page.meta["title"] = safe_title(title)
            if not _generated(page):
                page.title = page.meta["title"]
        return markdown

    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
        session, base = self.session, page_base(page)
        if HOME_MARKER in html:
            lang = page.meta.get("lang", session.config.default_lang)
            listing = category_listing(session.content.articles, session.config, lang, base, self.overrides)
            html = html.replace(HOME_MARKER, listing)
        if FAQ_MARKER in html:
            lang = page.meta.get("lang", session.config.default_lang)
            content = session.content
            html = html.replace(FAQ_MARKER, faq_html(content.articles, content.questions, lang, base, self.overrides))
        draft = session.drafts_by_path.get(page.file.src_uri)
        if draft is not None:  # only `kb serve` gets here: a build leaves drafts out
            return DRAFT_BANNER + html
        article = session.articles_by_path.get(page.file.src_uri)
        if article is None:
            return html
        others = session.related(self.config.related).get(article.id, []) if self.config.related else []
        if article.translation_of and self.config.languages:
            if self.outdated is None:
                found = outdated_translations(session.content.articles, session.config.articles_dir)
                self.outdated = {o.translation.id: o for o in found}
            if item := self.outdated.get(article.id):
                html = outdated_notice(article, item.source, item.source_changed.isoformat(), base) + html
        return html + related_html(article, others, base, self.overrides) + reviewed_html(article)

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, config: MkDocsConfig) -> None:
        site, session = Path(config.site_dir), self.session
        search_index = site / "search" / "search_index.json"
        if search_index.is_file() and (
            self.config.word_forms or self.config.ticket_words or self.languages or self.dirty
        ):
            index = json.loads(search_index.read_text(encoding="utf-8"))
            if session.search_engine == "pagefind":  # Pagefind answers: the pages need none of Material's entries
                index["docs"] = self.search_entries = []
            elif self.dirty:
                index["docs"] = self._merged_search_entries(index.get("docs", []))
            if self.config.word_forms:
                index = add_to_search_index(index, session.content.articles)
            if self.config.ticket_words:
                content = session.content
                index = add_questions_to_index(
                    index, content.articles, content.questions, session.config.synonyms, self.landing_urls
                )
                write_search_worker(site)
            outputs = {search_index.name: index}
            if self.languages:  # one index per language: each page searches its own language's (kb.search.scope)
                default = session.config.default_lang
                outputs = scoped_indexes(
                    index, lambda at: self.url_langs.get(location_path(at), default), self.languages, default
                )
            if session.search_engine == "pagefind":
                outputs = {name: empty_material_index(data) for name, data in outputs.items()}
            for name, data in outputs.items():
                text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                (search_index.parent / name).write_text(text, encoding="utf-8")
        self._write_endpoint_data(site)
        if session.search_engine == "pagefind":
            content = session.content

            def index(kept: PageFolder | None = None) -> None:
                made = (site, content.articles, content.questions, session.config.synonyms)
                pages = self.pagefind_kept.records(*made) if kept is not None else pagefind_records(*made)
                threads = pagefind_background_threads() if kept is not None else None  # a core for the writer
                stats = write_pagefind_index(site, pages, kept, threads)
                log.info(f"Pagefind indexed {stats.pages} article pages in {stats.seconds:.1f} s")

            write_pagefind_scripts(site)
            feed, self.pagefind_feed = self.pagefind_feed, None
            if feed is not None:  # fed while the pages were rendered: what is left is the last pages and the bundle
                stats = feed.finish()
                log.info(f"Pagefind indexed {stats.pages} article pages, {stats.seconds:.1f} s after the last page")
            elif self.dirty and (site / PAGEFIND_OUTPUT).is_dir():  # the preview's search has an index meanwhile
                self.later.request("search index", lambda: index(self.pagefind_pages))
            else:
                index()
        if self.config.no_dead_end:
            write_no_dead_end(site)
        if self.dirty:  # pages whose article is gone: a full build would not have them
            for dest in remove_gone(site, self.outputs, self._outputs):
                log.info(f"removed {dest}: its source is gone")
        self.outputs = self._outputs
        self.sitemap_written, self.sitemap_now = self.sitemap_now, None
        self._sitemap_back()
        self.building = False
        if self.dirty:  # the preview's garbage is collected once the edit is shown, not while the writer waits
            self.later.request(
                "memory", lambda: settle_memory(lambda: self.building or self.stopped, collection=self.collection)
            )

    def _sitemap_back(self) -> None:
        """The sitemap back among the theme's templates, for a build made again with the same configuration."""
        if self.sitemap_kept is not None:
            self.sitemap_kept.add("sitemap.xml")
            self.sitemap_kept = None

    def on_serve(self, server, config: MkDocsConfig, builder):  # noqa: ANN001, ANN201
        """The preview sees a save when the system tells of it, not at MkDocs' next poll (`watch_by_notice`)."""
        if watch_by_notice(server, config.docs_dir):
            log.debug("watching for changes by the system's notices")
        return server

    def on_build_error(self, *, error: Exception) -> None:
        self.building = False
        self.collection.release()
        self.sitemap_written = self.sitemap_now = None  # not known to be written
        self._sitemap_back()
        feed, self.pagefind_feed = self.pagefind_feed, None
        if feed is not None:
            feed.close()

    def on_shutdown(self) -> None:
        """The preview has stopped: nothing is set apart from the garbage collector any more (a settling under way
        ends first; one not started yet sees `stopped` and does nothing)."""
        self.stopped = True
        unsettle_memory()
        self.collection.release()

    def _write_endpoint_data(self, site: Path) -> None:
        """The manifest and suggestion snapshot for the endpoint, in the site and in `endpoint_data_dir`. The
        preview writes them after the rebuild once it has written them once: its endpoint keeps the last ones
        meanwhile (it reads them again when they are replaced)."""
        session, folders = self.session, [site]
        extra = Path(self.config.endpoint_data_dir) if self.config.endpoint_data_dir else None
        if extra is not None and extra.resolve() != site.resolve():
            folders.append(extra)
        # Worked out here, not by the later work: the next rebuild may be working out its own meanwhile.
        articles, synonyms, stats, sections = (
            session.content.articles, session.config.synonyms, session.matcher.stats, session.semantic[0]
        )  # fmt: skip

        def write() -> None:
            for folder in folders:
                write_endpoint_data(folder, articles, synonyms, stats, sections)

        if self.dirty and all((folder / MANIFEST).is_file() for folder in folders):
            self.later.request("endpoint data", write)
        else:
            write()


def _templates_stamp(folders: tuple) -> tuple:
    """The override folders' files with their sizes and times: a template edited during the preview renders the
    listings again."""
    return tuple(sorted(stamp for folder in folders for stamp in folder_stamps(folder)))
