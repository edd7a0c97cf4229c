"""A preview that keeps up: which pages an edit changes, for `mkdocs serve --dirty` (what `kb serve` runs).

MkDocs' dirty build re-renders only pages whose source is newer than their output. A page's output also depends
on other pages: its sidebar (the titles of its section, of its category's sections, of the categories), its
previous and next links, its related articles, a landing page's listing. Each page gets a key made of all of
that; a page whose key differs from the previous build's is re-rendered along with the edited ones.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

import jinja2
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation, Section
from mkdocs.structure.pages import Page


def _digest(*parts: object) -> int:
    """The parts' hash: keys are compared within one process only (the preview's), and hashing them is a fraction
    of the cost of writing them out and digesting that."""
    return hash(parts)


def _outline(item) -> tuple:
    """What a navigation item shows when it is not open: its title and where it leads."""
    if isinstance(item, Page):
        return ("page", item.title, item.file.src_uri)
    if isinstance(item, Section):
        return ("section", item.title, _outline(item.children[0]) if item.children else None)
    return ("link", getattr(item, "title", ""), getattr(item, "url", ""))


def _level_key(owner: object, items: list, cache: dict[int, int]) -> int:
    """The key of one level of the sidebar, `items` (the children of `owner`, or a navigation's top level), worked
    out once per build: every page of a section shows the same levels."""
    key = id(owner)
    value = cache.get(key)
    if value is None:
        value = cache[key] = _digest(*(_outline(i) for i in items))
    return value


def sidebar_key(page: Page, top_items: list, cache: dict[int, int]) -> int:
    """The page's sidebar with Material's pruning: the top level, and the children of each of its ancestors."""
    levels = [_level_key(top_items, top_items, cache)]
    parent = page.parent
    while parent is not None:
        levels.append(_level_key(parent, parent.children, cache))
        parent = parent.parent
    return _digest(*levels)


def _neighbour(page: Page | None) -> tuple:
    return (page.title, page.file.src_uri) if page is not None else ()


def render_keys(
    pages: list[Page],
    nav: Navigation,
    navs: dict[str, Navigation],
    language_of: Callable[[Page], str],
    extra: Callable[[Page], object],
    site_key: str,
) -> dict[str, int]:
    """{page source path: its render key}. `navs` is each language's navigation (empty: one for all), `extra`
    what else the page shows of other pages (its related articles, a landing page's listing). A page outside the
    navigation shows its top level, and the branch of its parent when it has one (a listing's further pages get
    their first page's)."""
    cache: dict[int, int] = {}
    keys = {}
    site = _digest(site_key)  # digested once: it is the same for every page
    for page in pages:
        own = navs.get(language_of(page), nav)
        keys[page.file.src_uri] = _digest(
            site,
            page.title,
            sidebar_key(page, own.items, cache),
            _neighbour(page.previous_page),
            _neighbour(page.next_page),
            extra(page),
        )
    return keys


def asked_once(files: Iterable[File]) -> None:
    """A dirty build asks each page twice whether its source is newer than its output (before reading it and
    before writing it), with three file system calls each time: here each page answers once per build."""
    for file in files:
        file.is_modified = _once(file.is_modified)  # type: ignore[method-assign]


def _once(ask: Callable[[], bool]) -> Callable[[], bool]:
    answers: list[bool] = []

    def answer() -> bool:
        if not answers:
            answers.append(ask())
        return answers[0]

    return answer


def force_rebuild(files: Files, stale: set[str]) -> None:
    """Mark the pages at `stale` (source paths) modified, so a dirty build renders them again."""
    for path in stale:
        file = files.get_file_from_path(path)
        if file is not None:
            file.is_modified = lambda: True  # type: ignore[method-assign]


def unchanged_generated(file: File, previous: dict[str, int]) -> None:
    """A generated page (a landing page) whose text is what it was last build and whose output exists is not
    rendered again by a dirty build."""
    text = file.content_string
    digest = _digest(text)
    was = previous.get(file.src_uri)
    previous[file.src_uri] = digest
    if was == digest:
        file.is_modified = lambda: not os.path.isfile(file.abs_dest_path)  # type: ignore[method-assign]


def remember_canonical_urls() -> bool:
    """MkDocs works out every page's canonical address again on each rebuild (`Page._set_canonical_url`, a URL join
    and split per page: about 0.4 s at 10,000 articles), and `mkdocs serve` always sets the site address that makes
    it do so. The answer depends only on the site address and the page's own address, so the preview keeps it: the
    method is wrapped to reuse the attributes it set for the same two addresses. Whether it is in place (MkDocs
    without that method keeps its own)."""
    original = getattr(Page, "_set_canonical_url", None)
    if original is None or getattr(original, "kb_remembered", False):
        return original is not None
    remembered: dict[tuple[str | None, str], tuple[object, object]] = {}

    def _set_canonical_url(page: Page, base: str | None) -> None:
        key = (base, page.url)
        found = remembered.get(key)
        if found is None:
            original(page, base)
            remembered[key] = (page.canonical_url, page.abs_url)
        else:
            page.canonical_url, page.abs_url = found

    _set_canonical_url.kb_remembered = True  # type: ignore[attr-defined]
    Page._set_canonical_url = _set_canonical_url  # type: ignore[method-assign]
    return True


def remember_theme_files(stamp: Callable[[str | None], object]) -> bool:
    """MkDocs lists the theme's folders on every rebuild to add their assets to the site
    (`Files.add_files_from_theme`): Material's hold some 15,000 files, matched against a dozen patterns each time. The
    preview keeps what the listing found for the same theme folders and settings; `stamp(custom_dir)` tells when the
    site's own theme folder changed (a file added there is found again). A file in the docs folder still takes the
    place of the theme's file of the same path, as in MkDocs. Whether it is in place."""
    original = getattr(Files, "add_files_from_theme", None)
    if original is None or getattr(original, "kb_remembered", False):
        return original is not None
    remembered: dict[tuple, list[tuple[str, str]]] = {}

    def add_files_from_theme(files: Files, env: jinja2.Environment, config) -> None:  # noqa: ANN001
        theme = config.theme
        key = (
            tuple(map(str, theme.dirs)),
            tuple(sorted(theme.static_templates)),
            stamp(theme.custom_dir),
            config.site_dir,
            config.use_directory_urls,
        )
        found = remembered.get(key)
        if found is None:
            listed = Files([])  # nothing in it takes a theme file's place: every one the theme offers is added
            original(listed, env, config)
            remembered.clear()  # the listing of other folders or settings is not asked for again
            found = remembered[key] = [(f.src_uri, f.src_dir) for f in listed]
        for path, folder in found:
            if files.get_file_from_path(path) is None:
                files.append(File(path, folder, config.site_dir, config.use_directory_urls))

    add_files_from_theme.kb_remembered = True  # type: ignore[attr-defined]
    Files.add_files_from_theme = add_files_from_theme  # type: ignore[method-assign]
    return True


def sitemap_key(files: Files, templates: object) -> int:
    """What MkDocs' sitemap shows: every page's address and date (and `templates`, what tells the theme and its
    overrides, one of which may be the sitemap's template). The same key and the sitemap already written: a dirty rebuild need not write it again (about 0.15 s at
    10,000 pages)."""
    pages = (
        (f.src_uri, p.is_link, p.canonical_url, p.abs_url, p.update_date)
        for f in files.documentation_pages()
        if (p := f.page) is not None
    )
    return _digest(templates, *pages)


class CollectionPause:
    """The garbage collector held off from a preview rebuild's start until the edit is shown: its full collections
    would walk the whole process, the last build's pages included, while the writer waits (0.2 to 0.4 s a rebuild
    at 10,000 articles). The settling after the build (`settle_memory`) collects the garbage and lets the collector
    run again. A writer saving faster than the preview settles gets a collection within every HOLD_LIMIT-th rebuild,
    which bounds what waits to be collected. A collector that was already off is left off."""

    HOLD_LIMIT = 4

    def __init__(self) -> None:
        self.held = False
        self.rebuilds = 0  # rebuilds started since the collector was held off

    def hold(self) -> None:
        if self.held:
            self.rebuilds += 1
            if self.rebuilds >= self.HOLD_LIMIT:
                gc.collect()
                self.rebuilds = 0
        elif gc.isenabled():
            gc.disable()
            self.held, self.rebuilds = True, 0

    def release(self) -> None:
        if self.held:
            self.held = False
            gc.enable()


def remove_gone(site: Path, before: set[str], now: set[str]) -> list[str]:
    """What the last build wrote and this one no longer makes (an article deleted, moved or renamed, a listing page
    past the last, an image removed), removed from the preview's folder with the folders it leaves empty: a dirty
    build writes over the previous output and would otherwise go on serving them. The addresses removed."""
    removed = []
    for dest in sorted(before - now):
        path = site / dest
        if not path.is_file():
            continue
        path.unlink()
        removed.append(dest)
        folder = path.parent
        while folder != site and site in folder.parents and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent
    return removed


def latest_entries(entries: list[dict]) -> list[dict]:
    """A search index's entries with each page's latest ones only. Under a dirty build Material keeps the previous
    index and appends the re-rendered pages' entries (dropping the old ones of the first page only): a page's
    entries start with its own location, so all before its last start are out of date."""
    starts = {}
    for i, entry in enumerate(entries):
        location = entry.get("location", "")
        if "#" not in location:
            starts[location] = i
    return [e for i, e in enumerate(entries) if i >= starts.get(e.get("location", "").split("#", 1)[0], 0)]


class TemplateCache(jinja2.BytecodeCache):
    """Compiled theme templates kept across the preview's rebuilds. MkDocs makes a new Jinja environment for every
    build, which would compile Material's templates again each time; each entry carries its template's source
    checksum, so an edited template is compiled again."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.compiled.get(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


SETTLE_AFTER = 1.0  # seconds: the page an edit changed is asked for again by the browser first
_settling = threading.Lock()  # a settling and the preview's stop (`unsettle_memory`) one after the other


def settle_memory(
    building: Callable[[], bool], pause: float = SETTLE_AFTER, collection: CollectionPause | None = None
) -> bool:
    """After a preview build, in the background (`Later`), unless a rebuild has started meanwhile: the garbage of
    the builds so far is collected, then what the process holds (the articles as read, their statistics and
    related articles, the last build's pages: about 350,000 objects at 10,000 articles) is set apart from the
    collector's full collections. Those otherwise walk all of it again two or three times a rebuild (0.2 to 0.7 s
    in all at 10,000 articles) while the writer waits; here the walk is made once, after the edit is shown (a
    rebuild that starts during it waits that long). An object set apart is still freed when nothing refers to it
    any more; one in a reference cycle (a page and its navigation) waits for the next settling. `building` also
    answers True once the preview has stopped. The collector held off during the build (`collection`) runs again
    after. Whether it settled."""
    for _ in range(10):  # the pause in steps: a rebuild meanwhile ends it, and its own later work goes first
        if building():
            return False
        time.sleep(pause / 10)
    with _settling:
        if building():
            return False
        gc.unfreeze()
        gc.collect()
        gc.freeze()
        if collection is not None and not building():
            collection.release()
    return True


def unsettle_memory() -> None:
    """What `settle_memory` set apart is walked by the collector's full collections again (after a settling under
    way, if one is)."""
    with _settling:
        gc.unfreeze()
