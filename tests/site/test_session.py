"""The build session: related articles worked out in the background for the live preview."""

from __future__ import annotations

import threading

import pytest

from kb.site import session as sessions

OTHERS = {
    "account/change-password.md": ("Change your password", "Pick a new password in Settings."),
    "account/password-rules.md": ("Password rules", "A password needs twelve characters."),
    "account/close-account.md": ("Close your account", "Closing deletes your data."),
}


def _articles(site) -> None:
    for path, (title, body) in OTHERS.items():
        site.article(path, f"---\ntitle: {title}\ncategory: account\n---\n\n{body}\n")


def test_related_articles_worked_out_in_the_background_are_the_ones_worked_out_in_the_build(site):
    _articles(site)
    direct = sessions.open_session(site.config).related(3)
    site.write("kb.yml", site.config.read_text(encoding="utf-8") + "\n")  # a fresh session
    soon = sessions.open_session(site.config, preview=True)
    soon.related_soon(3)
    soon.related_soon(3)  # asked again: the same work
    found = soon.related(3)
    assert {k: [a.id for a in v] for k, v in found.items()} == {k: [a.id for a in v] for k, v in direct.items()}
    assert [a.id for a in found["account/change-password"]][:1] == ["account/password-rules"]
    assert soon.related(3) is found  # kept for the build's other pages


def test_what_stops_the_background_work_is_raised_by_the_build(site, monkeypatch):
    _articles(site)
    session = sessions.open_session(site.config, preview=True)
    started = threading.Event()

    def broken(*args, **kwargs):
        started.set()
        raise OSError("the index folder cannot be written")

    monkeypatch.setattr(sessions, "related_cached", broken)
    monkeypatch.setattr(type(session.memory.related), "related", broken)
    session.related_soon(3)
    with pytest.raises(OSError, match="cannot be written"):
        session.related(3)
    assert started.is_set()
    assert not [t for t in threading.enumerate() if t.name == "kb-related"]  # no thread left behind
