"""Site search in a real browser: Material's own search over the built sample, in English and Chinese."""

from __future__ import annotations


def type_query(page, query: str) -> None:
    """Fill the search box and release a key: Material searches on keyup, which typing Chinese does not send."""
    page.fill("input.md-search__input", query)
    page.press("input.md-search__input", "End")


def search(browser, url: str, query: str) -> list[str]:
    page = browser.new_page()
    try:
        page.goto(url)
        page.click("input.md-search__input")
        type_query(page, query)
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        return page.eval_on_selector_all(
            ".md-search-result__item > a", "links => links.map(a => a.getAttribute('href'))"
        )
    finally:
        page.close()


def test_english_plural_and_stemmed_forms_find_the_article(browser, served):
    hrefs = search(browser, served, "resetting passwords")
    assert any("account/reset-your-password" in h for h in hrefs[:3]), hrefs


def test_chinese_query_finds_the_chinese_article(browser, served):
    hrefs = search(browser, served, "忘记密码")
    assert any("zh/account/forgot-password" in h for h in hrefs[:3]), hrefs


def test_both_languages_in_one_session(browser, served):
    page = browser.new_page()
    try:
        page.goto(served)
        page.click("input.md-search__input")
        for query, expected in (("refunds", "payments/request-a-refund"), ("重置密码", "zh/account/forgot-password")):
            type_query(page, query)
            page.wait_for_function(
                "expected => [...document.querySelectorAll('.md-search-result__item > a')].some(a => a.href.includes(expected))",
                arg=expected,
                timeout=15_000,
            )
    finally:
        page.close()


def test_home_search_box_opens_site_search(browser, served):
    page = browser.new_page()
    try:
        page.goto(served)
        page.fill("#kb-hero-q", "certificate")
        page.press("#kb-hero-q", "Enter")
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        assert "certificate" in page.input_value("input.md-search__input")
    finally:
        page.close()


def test_pages_make_no_third_party_requests(browser, served):
    page = browser.new_page()
    hosts = set()
    page.on("request", lambda request: hosts.add(request.url.split("/")[2]))
    try:
        page.goto(served + "account/reset-your-password/")
        page.wait_for_load_state("networkidle")
    finally:
        page.close()
    assert hosts == {served.split("/")[2]}
