"""Pagefind as the site's search engine (kb.yml search.engine: pagefind), behind Material's search box."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from benchmarks.search_quality import build_sample
from kb.search.pagefind import QUESTION_WEIGHT, page_for_index
from tests.conftest import serving_folder
from tests.site.test_search_browser import search


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory) -> Path:
    return build_sample(tmp_path_factory.mktemp("pagefind"), "pagefind")


@pytest.fixture(scope="module")
def pagefind_served(pagefind_site):
    with serving_folder(pagefind_site) as url:
        yield url


def test_the_build_writes_a_pagefind_index_per_language_and_no_material_documents(pagefind_site):
    entry = json.loads((pagefind_site / "pagefind" / "pagefind-entry.json").read_text(encoding="utf-8"))
    assert set(entry["languages"]) == {"en", "zh"}
    assert entry["languages"]["zh"]["page_count"] == len(list((pagefind_site / "zh").glob("*/*/index.html")))
    for name in ("search_index.json", "search_index.zh.json"):
        assert json.loads((pagefind_site / "search" / name).read_text(encoding="utf-8"))["docs"] == []
    home = (pagefind_site / "index.html").read_text(encoding="utf-8")
    assert "kb-pagefind.js" in home and "kb-search.js" not in home


def test_an_article_is_indexed_with_its_questions_below_the_title():
    page = '<html><body><nav>menu</nav><article class="md-content__inner md-typeset"><h1>T</h1></article></body></html>'
    marked = page_for_index(page, "money back", "Get a refund.")
    assert "<article data-pagefind-body" in marked
    assert f'<p data-pagefind-weight="{QUESTION_WEIGHT:g}">money back</p></article>' in marked
    assert QUESTION_WEIGHT < 7  # Pagefind's weight for an h1
    assert page_for_index("<html><body><p>home</p></body></html>", "x") is None  # not an article page


def test_pagefind_answers_customers_words_in_both_languages(browser, pagefind_served):
    for url, query, expected in (
        (pagefind_served, "how do i get my money back", "payments/request-a-refund"),
        (pagefind_served, "login", "account/sign-in-with-google-or-apple"),
        (pagefind_served + "zh/", "我想退款", "zh/payments/request-refund"),
        (pagefind_served + "zh/", "怎么取消自动续费", "zh/payments/cancel-auto-renewal"),
    ):
        hrefs = search(browser, url, query)
        assert any(expected in h for h in hrefs[:3]), (query, hrefs)
        assert ("zh/" in hrefs[0]) == url.endswith("zh/"), (query, hrefs)  # each language its own index


def test_kb_yml_chooses_the_engine(site):
    from kb.content.config import load_config
    from kb.problems import KbError

    text = site.config.read_text(encoding="utf-8")
    assert load_config(site.config).search_engine == "auto"
    site.write("kb.yml", text + "search:\n  engine: pagefind\n")
    assert load_config(site.config).search_engine == "pagefind"
    site.write("kb.yml", text + "search:\n  engine: pagefnd\n")
    with pytest.raises(KbError) as caught:
        load_config(site.config)
    assert "search.engine must be one of auto, material, pagefind, got 'pagefnd'" in str(caught.value)
