"""One build's view of the help center, shared by every door that builds it (the kb plugins, the CLI).

The articles are read and checked once per build: each plugin asks `open_session(kb_yml)` and gets the same
session while no file under the help center has changed, so no plugin reads another plugin's state.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from kb.content.articles import Content
from kb.content.config import SiteConfig, load_config
from kb.content.site import load_site
from kb.coverage.audit import PendingSections, start_sections
from kb.matching.matcher import Matcher, build_matcher
from kb.matching.semantic import SectionIndex
from kb.model import Article
from kb.search.pagefind import available as pagefind_available
from kb.search.related import RelatedMemory, related_cached


@dataclass
class PreviewMemory:
    """What the live preview (`kb serve`, dirty rebuilds in one process) keeps from one build to the next: each
    article file as read and as given its section, and the related articles with what they were computed from.
    `kb build` keeps none."""

    parsed: dict = field(default_factory=dict)
    sectioned: dict = field(default_factory=dict)
    related: RelatedMemory = field(default_factory=RelatedMemory)


@dataclass
class BuildSession:
    config: SiteConfig
    content: Content
    signature: tuple = field(repr=False)
    _related: dict[int, dict[str, list[Article]]] = field(default_factory=dict, repr=False)
    _related_soon: dict[int, Future] = field(default_factory=dict, repr=False)
    memory: PreviewMemory | None = field(default=None, repr=False)

    @cached_property
    def articles_by_path(self) -> dict[str, Article]:
        return {a.path: a for a in self.content.articles}

    @cached_property
    def drafts_by_path(self) -> dict[str, Article]:
        """`draft: true` articles: previewed by `kb serve`, left out of a build."""
        return {a.path: a for a in self.content.drafts}

    @cached_property
    def matcher(self) -> Matcher:
        """The matcher over the articles' index, built (or updated from its cache) once per session."""
        preview = self.memory is not None  # its next edit makes a snapshot of these statistics out of date
        return build_matcher(self.content.articles, self.config.index_dir, self.config.synonyms, snapshot=not preview)

    @cached_property
    def search_engine(self) -> str:
        """kb.yml's search.engine, with `auto` decided: Pagefind from PAGEFIND_FROM articles when installed."""
        engine = self.config.search_engine
        if engine != "auto":
            return engine
        large = len(self.content.articles) >= PAGEFIND_FROM
        return "pagefind" if large and pagefind_available() else "material"

    @cached_property
    def semantic_start(self) -> PendingSections:
        """The sections' vectors under way: started with the session (`open_session`), so that the model, when a
        text is not in the vector caches, loads while the build does its other work."""
        content, config = self.content, self.config
        return start_sections(content.articles, content.questions, config.embedding_model, config.cache_dir / "vectors")

    @cached_property
    def semantic(self) -> tuple[SectionIndex | None, str]:
        """The articles' sections embedded with kb.yml's coverage.embedding_model, or None and why not."""
        return self.semantic_start.result()

    def related(self, limit: int) -> dict[str, list[Article]]:
        """Every article's related articles. The preview recomputes only the lists its last edit can change
        (`RelatedMemory`, which works out every list itself the first time, to know what each was worked out
        from), except when they are also ranked by meaning."""
        if limit not in self._related:
            soon = self._related_soon.pop(limit, None)
            self._related[limit] = soon.result() if soon is not None else self._work_out_related(limit)
        return self._related[limit]

    def related_soon(self, limit: int) -> None:
        """Start working out `related(limit)` in a thread of its own, which `related` then waits for. The live
        preview's rebuild reads the files and makes the navigation meanwhile; the statistics and scores are mostly
        numpy's work, which lets that go on."""
        if limit in self._related or limit in self._related_soon:
            return
        future: Future = Future()

        def work() -> None:
            try:
                future.set_result(self._work_out_related(limit))
            except BaseException as exc:  # raised again by `related`, in the build
                future.set_exception(exc)

        self._related_soon[limit] = future
        threading.Thread(target=work, name="kb-related", daemon=True).start()

    def _work_out_related(self, limit: int) -> dict[str, list[Article]]:
        with _working_out:
            sections, _ = self.semantic
            articles, matcher, kept = self.content.articles, self.matcher, self.memory
            if kept is not None and sections is None:
                return kept.related.related(articles, matcher, limit)
            return related_cached(articles, matcher, limit, self.config.index_dir, sections)


# One session's related articles at a time: the preview's sessions share what they keep (`PreviewMemory`), and a
# rebuild's may start while the last one's, from a build that failed, is still under way.
_working_out = threading.Lock()


# Material's search downloads its whole index before the first result: at 1,000 articles the first result came after
# 1.6 s on loopback, over the 1.5 s aim, where Pagefind's chunks answer within it at 10,000 (BENCHMARKS.md).
PAGEFIND_FROM = 1_000

_sessions: dict[Path, BuildSession] = {}
_memories: dict[Path, PreviewMemory] = {}


def open_session(config_path: Path, preview: bool = False) -> BuildSession:
    """The session for the help center of `config_path`: reused while none of its files changed. With `preview`
    (the live preview's rebuilds), what the previous session read and computed is reused where nothing it
    depends on changed."""
    config_path = config_path.resolve()
    config = load_config(config_path)
    found: dict[str, os.stat_result | None] | None = {} if preview else None  # the preview reads the folder once
    signature = _signature(config_path, config, found)
    session = _sessions.get(config_path)
    memory = _memories.setdefault(config_path, PreviewMemory()) if preview else None
    if session is None or session.signature != signature or session.config != config:
        content = load_site(config, memory.parsed, memory.sectioned, found) if memory else load_site(config)
        session = BuildSession(config, content, signature, memory=memory)
        _sessions[config_path] = session
        session.semantic_start  # noqa: B018 - starts loading the model, if one is needed, in the background
    elif memory is not None and session.memory is None:
        session.memory = memory
    return session


def _signature(config_path: Path, config: SiteConfig, found: dict[str, os.stat_result | None] | None = None) -> tuple:
    """What the session was read from: every file's size and modification time. `found`, when given, gets each
    article folder file's status (path -> `os.stat_result`)."""
    stamps = []
    for path in (config_path, config.questions_path):
        try:
            stat = path.stat()
            stamps.append((str(path), stat.st_size, stat.st_mtime_ns))
        except OSError:
            stamps.append((str(path), -1, -1))
    return tuple(sorted(stamps + folder_stamps(config.articles_dir, found)))


def folder_stamps(
    folder: Path | str, found: dict[str, os.stat_result | None] | None = None
) -> list[tuple[str, int, int]]:
    """(path, size, modification time) of every file under `folder`: what tells that one of them changed. `found`,
    when given, gets each file's status (path -> `os.stat_result`, None when it cannot be had)."""
    stamps = []
    for where, _, files in os.walk(folder):
        for name in files:
            path = os.path.join(where, name)
            try:
                stat = os.stat(path)
            except OSError:  # listed all the same: reading it says why it cannot be read
                stat = None
            if found is not None:
                found[path] = stat
            if stat is not None:
                stamps.append((path, stat.st_size, stat.st_mtime_ns))
    return stamps
