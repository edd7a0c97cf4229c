"""The preview's watcher (plugins/kb_site/watch.py): MkDocs' live server told of a save by the system, at once, and
not by the build's own reading of the articles."""

from __future__ import annotations

import time

from mkdocs.livereload import LiveReloadServer
from watchdog.observers.polling import PollingObserver

from plugins.kb_site.watch import ChangeObserver, watch_by_notice


def _server(tmp_path, watched) -> LiveReloadServer:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path / "site"))
    for path in watched:
        server.watch(str(path))
    return server


def _asked_to_rebuild(server: LiveReloadServer, within: float) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if server._want_rebuild:
            return True
        time.sleep(0.01)
    return False


def test_a_save_reaches_the_preview_at_once_and_reading_does_not(tmp_path):
    docs, config = tmp_path / "articles", tmp_path / "kb.yml"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n", encoding="utf-8")
    config.write_text("articles: articles\n", encoding="utf-8")
    server = _server(tmp_path, [docs])
    assert isinstance(server.observer, PollingObserver)  # MkDocs' own
    assert watch_by_notice(server, str(docs))
    server.watch(str(config))  # watched after the move (kb serve's --watch): by notice too
    assert isinstance(server.observer, ChangeObserver)
    server.observer.start()
    try:
        time.sleep(0.2)
        for path in (docs / "a.md", config):  # what a build does: open and read
            path.read_text(encoding="utf-8")
        assert not _asked_to_rebuild(server, 0.5)
        started = time.monotonic()
        (docs / "a.md").write_text("# A\n\nOne more line.\n", encoding="utf-8")
        assert _asked_to_rebuild(server, 2.0)
        assert time.monotonic() - started < 0.3  # polling looks twice a second, after listing every file
        server._want_rebuild = False
        config.write_text("articles: articles\ndefault_lang: en\n", encoding="utf-8")
        assert _asked_to_rebuild(server, 2.0)
        server._want_rebuild = False
        (docs / "b.md").write_text("# B\n", encoding="utf-8")  # a new article
        assert _asked_to_rebuild(server, 2.0)
    finally:
        server.observer.stop()
        server.observer.join()


def test_without_the_systems_notices_polling_stays(tmp_path, monkeypatch):
    import plugins.kb_site.watch as watch

    docs = tmp_path / "articles"
    docs.mkdir()
    server = _server(tmp_path, [docs])
    monkeypatch.setattr(watch, "Observer", PollingObserver)  # a platform with no notices
    assert not watch_by_notice(server, str(docs))
    assert isinstance(server.observer, PollingObserver)
    assert list(server._watched_paths) == [str(docs)]
