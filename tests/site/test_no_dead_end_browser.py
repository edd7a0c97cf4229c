"""No dead ends: a site search that finds nothing offers "Contact support" and the endpoint's suggestions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright import sync_api

from tests.endpoint import Endpoint, serving

NOTHING = "reimbursement"  # no page holds the word; the endpoint's synonyms and stemmer relate it to refunds


@pytest.fixture(scope="module")
def endpoint(sample_site, tmp_path_factory) -> Iterator[Endpoint]:
    with serving(sample_site, tmp_path_factory.mktemp("no-dead-end") / "votes.db") as running:
        yield running


def search_for(page, query: str) -> None:
    page.click("input.md-search__input")
    page.fill("input.md-search__input", query)
    page.press("input.md-search__input", "End")


def test_a_search_with_no_result_offers_contact_support_and_suggestions(browser, endpoint):
    page = browser.new_page()
    try:
        page.goto(f"{endpoint.url}/account/reset-your-password/")
        search_for(page, NOTHING)
        box = page.locator(".kb-search-empty")
        sync_api.expect(box).to_be_visible(timeout=15_000)
        assert page.locator(".md-search-result__list > *").count() == 0  # Material itself found nothing
        contact = box.get_by_role("link", name="Contact support")
        assert contact.get_attribute("href") == "../../contact/"
        suggestions = box.locator(".kb-search-empty__suggestions a")
        sync_api.expect(suggestions.first).to_be_visible(timeout=15_000)
        hrefs = suggestions.evaluate_all("links => links.map(a => a.href)")
        assert any(h.endswith("/payments/request-a-refund/") for h in hrefs), hrefs
        assert endpoint.wait_for_misses(timeout=15) == [("en", NOTHING, 1)]  # still recorded as before
        search_for(page, "password")  # a search with results: the box goes away
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        sync_api.expect(box).to_be_hidden(timeout=15_000)
    finally:
        page.close()


def test_chinese_pages_offer_the_way_on_in_chinese_without_an_endpoint(browser, served):
    page = browser.new_page()
    try:
        page.goto(served + "zh/")
        search_for(page, "火星旅行")
        box = page.locator(".kb-search-empty")
        sync_api.expect(box).to_be_visible(timeout=15_000)
        assert box.get_by_role("link", name="联系客服").get_attribute("href") == "../contact/"
        page.wait_for_timeout(1000)  # the static server has no /api/suggest: the contact link stays, alone
        assert box.locator(".kb-search-empty__suggestions").count() == 0
    finally:
        page.close()


def test_kb_yml_names_the_contact_address_per_language(site):
    from kb.content.config import load_config
    from kb.problems import KbError

    text = site.config.read_text(encoding="utf-8")
    site.write("kb.yml", text + "search:\n  contact_url: https://example.com/support\n")
    assert load_config(site.config).contact_urls == {"en": "https://example.com/support"}
    site.write("kb.yml", text + "search:\n  contact_url: {en: contact/, zh: zh/contact/}\n")
    assert load_config(site.config).contact_urls == {"en": "contact/", "zh": "zh/contact/"}
    site.write("kb.yml", text + "search:\n  contact: x\n")
    with pytest.raises(KbError) as caught:
        load_config(site.config)
    assert "'search' must be a mapping of contact_url" in str(caught.value)


def test_the_contact_link_is_relative_to_each_page_unless_absolute():
    from plugins.kb_site.search import no_dead_end

    page = '<div class="md-search-result"></div></body>'
    labels = {"contact": "Contact support"}
    assert '"contact": "../../contact/"' in no_dead_end(page, "contact/", "en", "../../", labels)
    assert '"contact": "https://example.com/help"' in no_dead_end(page, "https://example.com/help", "en", "../", labels)
    assert 'src="../assets/javascripts/kb-search-empty.js"' in no_dead_end(page, None, "zh", "../", labels)
    assert no_dead_end("<p>no search box</p></body>", "contact/", "en", "", labels) == "<p>no search box</p></body>"
