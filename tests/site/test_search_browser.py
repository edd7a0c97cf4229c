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


# Queries as customers type them (kb.search.ticket_words and the kb-search worker): question words and filler
# removed, Chinese segmented as the index is, the ticket wording of each article in its entry.


def test_how_do_i_get_my_money_back_finds_request_a_refund(browser, served):
    hrefs = search(browser, served, "how do i get my money back")
    assert any("payments/request-a-refund" in h for h in hrefs[:3]), hrefs
    assert not any("zh/" in h for h in hrefs[:5]), hrefs


def test_login_finds_the_sign_in_articles(browser, served):
    hrefs = search(browser, served, "login")
    assert hrefs and "account/" in hrefs[0], hrefs
    assert any("account/sign-in-with-google-or-apple" in h for h in hrefs[:5]), hrefs


def test_chinese_filler_is_removed_and_the_query_segmented(browser, served):
    for query, expected in (
        ("我想退款", "zh/payments/request-refund"),
        ("怎么取消自动续费", "zh/payments/cancel-auto-renewal"),
    ):
        hrefs = search(browser, served + "zh/", query)
        assert any(expected in h for h in hrefs[:3]), (query, hrefs)


def test_question_words_do_not_match_as_prefixes(browser, served):
    hrefs = search(browser, served, "how do i change my email")
    assert "account/change-your-email-address" in hrefs[0], hrefs  # not "Install the app" for i*, do*, how*


def test_a_typo_finds_the_article(browser, served):
    hrefs = search(browser, served, "invoce")
    assert any("payments/download-invoices-and-vat-receipts" in h for h in hrefs[:3]), hrefs


def test_landing_pages_never_outrank_articles(browser, served):
    for url, query in ((served, "refund"), (served + "zh/", "忘记密码"), (served + "zh/", "帮助中心")):
        pages = [h.removeprefix(served).split("?")[0].split("#")[0] for h in search(browser, url, query)]
        landing = [i for i, p in enumerate(pages) if p in ("", "zh/", "contact/")]
        articles = [i for i, p in enumerate(pages) if p not in ("", "zh/", "contact/")]
        assert articles and (not landing or min(landing) > max(articles)), (query, pages)
