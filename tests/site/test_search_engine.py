"""search.engine: auto picks Pagefind for a large help center when it is installed, Material's search otherwise."""

from __future__ import annotations

import pytest

from kb.site import session as sessions


def test_auto_is_material_for_a_small_help_center_and_pagefind_from_the_threshold(site, monkeypatch):
    small = sessions.open_session(site.config)
    assert small.config.search_engine == "auto" and small.search_engine == "material"
    monkeypatch.setattr(sessions, "PAGEFIND_FROM", 1)
    site.write("kb.yml", site.config.read_text(encoding="utf-8") + "\n")  # a fresh session
    large = sessions.open_session(site.config)
    assert large.search_engine == "pagefind"
    monkeypatch.setattr(sessions, "pagefind_available", lambda: False)
    site.write("kb.yml", site.config.read_text(encoding="utf-8") + "\n")
    assert sessions.open_session(site.config).search_engine == "material"  # not installed: Material's


@pytest.mark.parametrize("engine", ["material", "pagefind"])
def test_a_named_engine_is_used_whatever_the_size(site, engine, monkeypatch):
    monkeypatch.setattr(sessions, "PAGEFIND_FROM", 1)
    site.write("kb.yml", site.config.read_text(encoding="utf-8") + f"search:\n  engine: {engine}\n")
    assert sessions.open_session(site.config).search_engine == engine
