"""Pagefind as the site's search engine (kb.yml `search.engine: pagefind`): an index of the built article pages
and their covered-question text, written through Pagefind's Python API (`pagefind[extended]`, which segments
Chinese).

Pagefind splits its index into small fragments and a search downloads only the ones its words need, where
Material's search downloads the whole index first. Each article page is given to Pagefind with its article body
marked for indexing (`data-pagefind-body`: navigation, related articles and the feedback form left out) and the
wording of the questions it covers (kb.search.ticket_words) added at a weight below the title's. The pages
themselves are not changed; landing pages are not indexed. Pagefind keeps one index per `<html lang>`, so each
language searches its own articles.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import html
import os
import re
import shutil
import tempfile
import threading
import time
import weakref
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from kb.content.textfile import swap_in
from kb.matching.synonyms import GROUPS
from kb.model import Article, Question
from kb.search.ticket_words import question_text

OUTPUT = "pagefind"  # the bundle's folder in the site
QUESTION_WEIGHT = 5.0  # Pagefind weighs an h1 7 (the title), an h2 6 ... and body text 1
EXCLUDE = [".headerlink", ".kb-related", ".kb-reviewed", ".md-feedback", ".md-source-file", "nav", "form"]
_ARTICLE = re.compile(r'<article class="md-content__inner md-typeset"')
_ARTICLE_END = "</article>"


@dataclass(frozen=True)
class PagefindStats:
    pages: int
    seconds: float


def available() -> bool:
    """Whether Pagefind's Python API is installed (the `pagefind` extra)."""
    import importlib.util

    return importlib.util.find_spec("pagefind") is not None


def page_for_index(page_html: str, questions_text: str, summary: str = "") -> str | None:
    """An article page as Pagefind is given it: the article body marked, the questions' wording added, the
    summary as the text a result shows (else Pagefind's excerpt, which may fall in the questions' wording)."""
    if not _ARTICLE.search(page_html) or _ARTICLE_END not in page_html:
        return None
    marked = _ARTICLE.sub('<article data-pagefind-body class="md-content__inner md-typeset"', page_html, count=1)
    extra = f'<meta data-pagefind-meta="summary[content]" content="{html.escape(summary)}">' if summary else ""
    if questions_text:
        extra += f'<p data-pagefind-weight="{QUESTION_WEIGHT:g}">{html.escape(questions_text)}</p>'
    at = marked.rindex(_ARTICLE_END)
    return marked[:at] + extra + marked[at:]


class Records:
    """Each article page's record for the index: (address from the site root, HTML for the index)."""

    def __init__(self, questions: Iterable[Question], synonyms: tuple = ()) -> None:
        self.by_id = {q.id: q for q in questions}
        self.groups = GROUPS + tuple(synonyms)

    def of(self, article: Article, page_html: str) -> tuple[str, str] | None:
        """The record of the article's page as built, or None when the page is not an article page."""
        text = question_text(article, self.by_id, self.groups)
        page = page_for_index(page_html, text, article.summary)
        return None if page is None else ("/" + article.url, page)


class KeptRecords:
    """The live preview's records, kept between its indexes: an article page is read and made into a record again
    only when its file changed since (a rebuild renders a few pages of thousands), or the questions or synonyms
    did. Making all 10,000 records again took seconds of the preview process's time after every save, slowing the
    writer's next rebuild when it came during them."""

    def __init__(self) -> None:
        self._inputs: tuple | None = None
        self._kept: dict[str, tuple[tuple, tuple[str, str] | None]] = {}  # id -> (page stamp, record)

    def records(
        self, site: Path, articles: Iterable[Article], questions: Iterable[Question], synonyms: tuple = ()
    ) -> list[tuple[str, str]]:
        """As `records`, from the pages as they are now."""
        inputs = (tuple(questions), tuple(synonyms))
        if inputs != self._inputs:
            self._inputs, self._kept = inputs, {}
        making, found, kept = Records(*inputs), [], {}
        for article in articles:
            path = site / article.url / "index.html"
            try:
                stat = path.stat()
            except OSError:  # no page for it (not built, or not an article page)
                continue
            stamp = (stat.st_mtime_ns, stat.st_size, article.url)
            was = self._kept.get(article.id)
            record = was[1] if was is not None and was[0] == stamp else making.of(article, path.read_text("utf-8"))
            kept[article.id] = (stamp, record)
            if record is not None:
                found.append(record)
        self._kept = kept
        return found


def records(
    site: Path, articles: Iterable[Article], questions: Iterable[Question], synonyms: tuple = ()
) -> list[tuple[str, str]]:
    """(address from the site root, HTML for the index) for each article page in the built site."""
    return KeptRecords().records(site, articles, questions, synonyms)


def background_threads() -> int:
    """Pagefind's threads while kb works beside it: one fewer than the cores (at least one), the other one rendering
    pages or making the preview's next rebuild."""
    return max(1, (os.cpu_count() or 2) - 1)


async def _write(output: Path, folder: Path) -> None:
    from pagefind.index import PagefindIndex

    async with PagefindIndex(config=_config(output)) as index:
        await index.add_directory(path=str(folder))


def _config(output: Path):
    """Pagefind's settings for a bundle written to `output`."""
    from pagefind.index import IndexConfig

    return IndexConfig(output_path=str(output), exclude_selectors=EXCLUDE)


def _staging(site: Path) -> Path:
    """An empty folder in the site for a bundle being written, swapped in as site/pagefind once complete."""
    site.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{OUTPUT}-next-", dir=site))
    staging.chmod(0o755)  # mkdtemp makes it for its creator alone; a site is for a web server to read
    return staging


class PageFolder:
    """The pages as handed to Pagefind, kept in one scratch folder between a live preview's indexes: only the pages
    that changed are written again, and none is deleted and written again each time (10,000 pages here)."""

    def __init__(self) -> None:
        self.folder: Path | None = None  # made on first use
        self._written: dict[str, int] = {}  # address -> the hash of the page's text as written

    def update(self, pages: list[tuple[str, str]]) -> Path:
        if self.folder is None:
            self.folder = Path(tempfile.mkdtemp(prefix="kb-pagefind-pages-"))
            weakref.finalize(self, shutil.rmtree, self.folder, True)
        wanted = {}
        for url, page in pages:
            place = url.strip("/")
            wanted[place] = hash(page)
            if self._written.get(place) != wanted[place]:
                _write_page(self.folder, place, page)
        for gone in self._written.keys() - wanted.keys():
            (self.folder / gone / "index.html").unlink(missing_ok=True)
        self._written = wanted
        return self.folder


class Feed:
    """Article pages handed to Pagefind while the rest of the site is still being rendered.

    Pagefind indexes in a process of its own; fed a folder of pages at a time (`chunk`), it works beside the
    build (on another core) instead of after it, and `finish` waits only for the last folder and the writing of
    the bundle. The folders go to one Pagefind index kept open on an event loop in a thread of its own; the bundle
    is written to a folder beside site/pagefind and swapped in by renames once complete, as `write_index` does.
    """

    def __init__(self, site: Path, chunk: int = 500, threads: int | None = None) -> None:
        """`threads`: Pagefind's, by default one fewer than the cores (at least one): one core renders the pages."""
        self.site, self.chunk, self.pages = site, chunk, 0
        self.threads = threads or background_threads()
        self._root = Path(tempfile.mkdtemp(prefix="kb-pagefind-feed-"))
        weakref.finalize(self, shutil.rmtree, self._root, True)  # also when the build is interrupted
        self._folder: Path | None = None  # the folder being filled
        self._filled = 0
        self._folders = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._queue: asyncio.Queue | None = None
        self._run: concurrent.futures.Future | None = None
        self._staging: Path | None = None

    def add(self, record: tuple[str, str]) -> None:
        """One page's record (`Records.of`): written to the folder being filled, handed over once it is full."""
        if self._folder is None:
            self._folder = self._root / str(self._folders)
            self._folders += 1
        url, page = record
        _write_page(self._folder, url.strip("/"), page)
        self.pages += 1
        self._filled += 1
        if self._filled >= self.chunk:
            self._hand_over()

    def finish(self) -> PagefindStats:
        """Waits for Pagefind to index the pages and write its bundle into site/pagefind; raises what it raised."""
        started = time.perf_counter()
        try:
            self._hand_over()
            if self._run is None:  # no page at all: an empty bundle, as write_index writes
                self._start()
            self._loop.call_soon_threadsafe(self._queue.put_nowait, None)
            self._run.result()
            swap_in(self._staging, self.site / OUTPUT)
        finally:
            self.close()
        return PagefindStats(self.pages, time.perf_counter() - started)

    def close(self) -> None:
        """Stops Pagefind's process and the thread and removes the scratch folders (a build that failed)."""
        if self._loop is not None:
            if self._run is not None and not self._run.done():  # Pagefind's service is closed, nothing written
                self._loop.call_soon_threadsafe(self._queue.put_nowait, _STOP)
                with contextlib.suppress(Exception):
                    self._run.result(timeout=60)
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=30)
            if not self._thread.is_alive():
                self._loop.close()
            self._loop = None
        shutil.rmtree(self._root, ignore_errors=True)
        if self._staging is not None:
            shutil.rmtree(self._staging, ignore_errors=True)

    def _hand_over(self) -> None:
        if self._folder is None:
            return
        if self._run is None:
            self._start()
        self._loop.call_soon_threadsafe(self._queue.put_nowait, self._folder)
        self._folder, self._filled = None, 0

    def _start(self) -> None:
        self._staging = _staging(self.site)
        self._loop = asyncio.new_event_loop()
        self._queue = asyncio.Queue()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kb-pagefind", daemon=True)
        self._thread.start()
        launched = threading.Event()
        # Pagefind indexes with as many threads as there are cores, and the build renders its pages on one of
        # them: given every core, it slowed the build it ran beside (a 10,000-article build took longer than
        # indexing after it). Its process is started with `threads` (unless RAYON_NUM_THREADS says otherwise),
        # this thread waiting meanwhile, so that nothing else reads the environment while it is changed.
        with _variable("RAYON_NUM_THREADS", str(self.threads)):
            self._run = asyncio.run_coroutine_threadsafe(self._index(launched), self._loop)
            launched.wait(timeout=60)

    async def _index(self, launched: threading.Event) -> None:
        from pagefind.index import PagefindIndex

        index = PagefindIndex(config=_config(self._staging))
        try:
            await index.__aenter__()
        finally:
            launched.set()
        try:
            while (folder := await self._queue.get()) is not None:
                if folder is _STOP:
                    raise _Stopped("the build stopped before the pages were all handed over")
                await index.add_directory(path=str(folder))
        except BaseException as exc:  # Pagefind's service is closed, nothing written
            await index.__aexit__(type(exc), exc, exc.__traceback__)
            raise
        await index.__aexit__(None, None, None)  # writes the bundle, then closes the service


@contextlib.contextmanager
def _variable(name: str, value: str):
    """The environment variable set to `value` for the block, unless it is set already."""
    if name in os.environ:
        yield
        return
    os.environ[name] = value
    try:
        yield
    finally:
        os.environ.pop(name, None)


_STOP = object()  # what `Feed.close` hands over when the build stopped before `finish`


class _Stopped(Exception):
    pass


def _write_page(folder: Path, place: str, page: str) -> None:
    target = folder / place / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(page, encoding="utf-8")


def write_index(
    site: Path, pages: list[tuple[str, str]], kept: PageFolder | None = None, threads: int | None = None
) -> PagefindStats:
    """Pagefind's bundle for `pages` (address from the site root, HTML) in site/pagefind/, replacing an earlier
    one by renames once it is complete (a preview's search keeps the earlier bundle until then). The pages are
    written to a scratch folder (`kept`'s, else a new one) and handed over as one folder: Pagefind's service reads a
    folder in a fraction of the time it takes to receive the same pages one request at a time (0.26 s against 21 s
    for 200 pages here). `threads`: Pagefind's (unless RAYON_NUM_THREADS says otherwise), by default every core's;
    the live preview leaves one core to the writer's next rebuild."""
    started = time.perf_counter()
    with contextlib.ExitStack() as stack:
        if kept is not None:
            folder = kept.update(pages)
        else:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kb-pagefind-")))
            for url, page in pages:
                _write_page(folder, url.strip("/"), page)
        staging = _staging(site)
        try:
            with _variable("RAYON_NUM_THREADS", str(threads)) if threads else contextlib.nullcontext():
                asyncio.run(_write(staging, folder))
            swap_in(staging, site / OUTPUT)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return PagefindStats(len(pages), time.perf_counter() - started)
