"""A reader's vote from end to end: the built sample, `kb feedback serve` as a real process, Debian's chromium."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

import pytest
from playwright import sync_api

from .conftest import REPO
from .endpoint import Endpoint, serving

ARTICLE = "account/reset-your-password"
CHINESE_ARTICLE = "zh/account/forgot-password"


@pytest.fixture(scope="module")
def endpoint(sample_site, tmp_path_factory) -> Iterator[Endpoint]:
    with serving(sample_site, tmp_path_factory.mktemp("e2e") / "votes.db") as running:
        yield running


@pytest.fixture
def page(browser, endpoint):
    context = browser.new_context()  # a fresh localStorage, so a fresh reader
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    page.requests = requests
    yield page
    context.close()


def test_a_reader_says_no_and_tells_why(page, endpoint):
    before = len(endpoint.votes())
    page.goto(f"{endpoint.url}/{ARTICLE}/")
    page.get_by_role("button", name="No").click()
    sync_api.expect(page.get_by_role("status")).to_have_text("Thank you. You can tell us more below.")
    # ... and the reasons are indeed below it, not above.
    assert page.evaluate(
        "document.querySelector('.kb-feedback__status').compareDocumentPosition(document.querySelector('.kb-feedback__details')) & Node.DOCUMENT_POSITION_FOLLOWING"
    )
    page.get_by_label("It did not solve my problem").check()
    page.get_by_label("Anything else you want to tell us? (optional)").fill(
        "The <b>reset</b> link expired after 5 minutes"
    )
    page.get_by_role("button", name="Send").click()
    sync_api.expect(page.get_by_role("status")).to_have_text("Thank you for your feedback.")
    expected = (ARTICLE, 0, "not_solved", "The <b>reset</b> link expired after 5 minutes")
    votes = endpoint.wait_for_votes(before + 1, last=expected)
    assert votes[before:] == [expected]  # the details replaced the reader's first "No": one vote
    assert all(url.startswith(endpoint.url) for url in page.requests), "the page asked another site for something"


def test_keyboard_only_vote_on_a_chinese_article(page, endpoint):
    before = len(endpoint.votes())
    page.goto(f"{endpoint.url}/{CHINESE_ARTICLE}/")
    sync_api.expect(page.get_by_role("group", name="这篇文章对您有帮助吗？")).to_be_visible()
    page.get_by_role("button", name="有帮助", exact=True).focus()
    page.keyboard.press("Enter")
    sync_api.expect(page.get_by_role("status")).to_have_text("感谢您的反馈。")
    sync_api.expect(page.get_by_role("button", name="有帮助", exact=True)).to_have_attribute("aria-pressed", "true")
    assert endpoint.wait_for_votes(before + 1)[-1] == (CHINESE_ARTICLE, 1, None, None)


def test_a_vote_waits_in_the_browser_while_the_endpoint_is_down(page, endpoint):
    before = len(endpoint.votes())
    page.route("**/api/feedback", lambda route: route.abort())  # as if the endpoint were down
    page.goto(f"{endpoint.url}/{ARTICLE}/")
    page.get_by_role("button", name="Yes").click()
    sync_api.expect(page.get_by_role("status")).to_have_text("Thank you for your feedback.")  # no error shown
    page.wait_for_function("(localStorage.getItem('kb-feedback.outbox') || '[]').length > 2")
    assert len(endpoint.votes()) == before
    page.unroute("**/api/feedback")
    page.goto(f"{endpoint.url}/{CHINESE_ARTICLE}/")  # a later page view sends it
    assert endpoint.wait_for_votes(before + 1)[-1] == (ARTICLE, 1, None, None)
    page.wait_for_function("localStorage.getItem('kb-feedback.outbox') === '[]'")


def test_the_home_page_has_no_widget(page, endpoint):
    page.goto(f"{endpoint.url}/")
    assert page.locator("form[name=feedback]").count() == 0
    assert page.get_by_role("button", name="Yes").count() == 0
    assert page.locator("#__kb_feedback").count() == 0


def test_the_vote_shows_in_the_coverage_report(page, endpoint):
    from feedback_widget.reports import read_feedback
    from kb.content.config import load_config
    from kb.content.site import load_site
    from kb.coverage.audit import site_report
    from kb.reports.page import render

    page.goto(f"{endpoint.url}/{ARTICLE}/")
    page.get_by_role("button", name="No").click()
    page.get_by_label("It is out of date").check()
    page.get_by_label("Anything else you want to tell us? (optional)").fill("Screens <i>changed</i> in v5")
    page.get_by_role("button", name="Send").click()
    endpoint.wait_for_votes(1, last=(ARTICLE, 0, "outdated", "Screens <i>changed</i> in v5"))
    config = load_config(REPO / "kb.yml")
    content = load_site(config)
    report = site_report(config, content.articles, content.questions, feedback=read_feedback(endpoint.db))
    health = next(h for h in report.feedback if h.article.id == ARTICLE)
    assert health.votes.not_helpful >= 1
    html = render(report, {})
    assert "Screens &lt;i&gt;changed&lt;/i&gt; in v5" in html and "<i>changed" not in html


def test_a_search_that_finds_nothing_is_reported(page, endpoint):
    page.goto(f"{endpoint.url}/")
    page.click("input.md-search__input")
    page.fill("input.md-search__input", "chromecast wibblefrotz")
    page.press("input.md-search__input", "End")
    sync_api.expect(page.locator(".md-search-result__meta")).not_to_have_text("Type to start searching")
    assert endpoint.wait_for_misses() == [("en", "chromecast wibblefrotz", 1)]


def test_a_search_with_results_is_not_reported(page, endpoint):
    page.goto(f"{endpoint.url}/")
    page.click("input.md-search__input")
    page.fill("input.md-search__input", "password")
    page.press("input.md-search__input", "End")
    page.wait_for_selector(".md-search-result__item")
    page.wait_for_timeout(2500)  # longer than the script waits before reporting
    with sqlite3.connect(endpoint.db) as con:
        assert con.execute("SELECT count(*) FROM search_misses WHERE query = 'password'").fetchone() == (0,)


def test_the_contact_page_suggests_articles_while_typing(page, endpoint):
    page.goto(f"{endpoint.url}/contact/")
    page.fill("#kb-suggest-subject", "I was charged twice this month")
    page.wait_for_selector("#kb-suggestions li a")
    links = page.eval_on_selector_all(
        "#kb-suggestions li a", "links => links.map(a => [a.textContent, a.getAttribute('href')])"
    )
    assert 1 <= len(links) <= 5
    assert any("payments/" in href for _, href in links)
    page.locator("#kb-suggestions li a").first.click()
    page.wait_for_load_state()
    assert "/payments/" in page.url
