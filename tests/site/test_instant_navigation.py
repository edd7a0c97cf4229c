"""The reader scripts under Material's instant navigation, where a page change swaps the content and the <head>
elements without loading the page: votes must be filed under the page the reader is on, not the first one."""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from playwright import sync_api

from kb.site.build import mkdocs_command, mkdocs_env
from tests.conftest import REPO, free_port
from tests.endpoint import Endpoint, serving

FIRST = "account/reset-your-password"
SECOND = "account/unlock-a-locked-account"


@pytest.fixture(scope="module")
def port() -> int:
    return free_port()


@pytest.fixture(scope="module")
def instant_site(tmp_path_factory, port) -> Path:
    """The sample built with navigation.instant turned on (a copy of mkdocs.yml pointing at the same content).

    Material only navigates in place to addresses in the sitemap, which holds site_url's host and port."""
    folder = tmp_path_factory.mktemp("instant")
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["site_url"] = f"http://127.0.0.1:{port}/"
    config["docs_dir"] = str(REPO / "articles")
    config["theme"]["features"].append("navigation.instant")
    for i, plugin in enumerate(config["plugins"]):
        if isinstance(plugin, dict) and "kb" in plugin:
            plugin["kb"]["config_file"] = str(REPO / "kb.yml")
        elif plugin == "kb-coverage":  # it reads kb.yml beside mkdocs.yml unless told otherwise
            config["plugins"][i] = {"kb-coverage": {"config_file": str(REPO / "kb.yml")}}
    (folder / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    site = folder / "site"
    command = mkdocs_command("build", "--strict", "-f", str(folder / "mkdocs.yml"), "-d", str(site))
    result = subprocess.run(command, cwd=REPO, capture_output=True, text=True, env=mkdocs_env())
    assert result.returncode == 0, result.stderr
    return site


@pytest.fixture(scope="module")
def endpoint(instant_site, tmp_path_factory, port) -> Iterator[Endpoint]:
    with serving(instant_site, tmp_path_factory.mktemp("instant-db") / "votes.db", port) as running:
        yield running


@pytest.fixture
def page(browser, endpoint):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()


def arrive(page, url: str) -> None:
    """A full page load, then a mark that only survives as long as no other page is loaded."""
    page.goto(url)
    page.wait_for_load_state("networkidle")  # Material's instant navigation starts once it has the sitemap
    page.evaluate("window.__kbFirstLoad = true")


def still_the_first_load(page) -> bool:
    return page.evaluate("window.__kbFirstLoad === true")


def test_votes_follow_the_reader_from_page_to_page(page, endpoint):
    arrive(page, f"{endpoint.url}/")
    page.locator(f"article a[href$='{FIRST}/']").first.click()
    page.wait_for_url(f"**/{FIRST}/")
    assert still_the_first_load(page), "the link loaded a new page: instant navigation is not on"

    page.get_by_role("button", name="No").click()
    page.get_by_label("It is out of date").check()
    page.get_by_role("button", name="Send").click()
    assert endpoint.wait_for_votes(1, last=(FIRST, 0, "outdated", None))[-1] == (FIRST, 0, "outdated", None)

    page.locator(f"article a[href$='{SECOND}/']").first.click()
    page.wait_for_url(f"**/{SECOND}/")
    assert still_the_first_load(page)
    sync_api.expect(page.get_by_role("button", name="Yes")).to_have_count(1)  # one widget, not one per page visited
    page.get_by_role("button", name="Yes").click()
    sync_api.expect(page.get_by_role("status")).to_have_text("Thank you for your feedback.")
    assert endpoint.wait_for_votes(2, last=(SECOND, 1, None, None))[-1] == (SECOND, 1, None, None)

    page.go_back()  # Material renders the previous page again, in place
    page.wait_for_url(f"**/{FIRST}/")
    assert still_the_first_load(page)
    page.get_by_role("button", name="Yes").click()
    # The reader changed their mind on the first article: their vote there is replaced, the other one stays.
    expected = [(FIRST, 1, None, None), (SECOND, 1, None, None)]
    deadline = time.monotonic() + 10
    while sorted(endpoint.votes()) != expected and time.monotonic() < deadline:
        time.sleep(0.05)
    assert sorted(endpoint.votes()) == expected


def test_a_link_from_chinese_into_english_loads_english_in_full(page, endpoint):
    """Material alone swaps the English page in place here (the English home is a prefix of every address), keeping
    the Chinese search index and <html lang="zh">: kb's script makes it a full load."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    arrive(page, f"{endpoint.url}/zh/")
    page.locator("article a", has_text="English help").first.click()
    page.wait_for_url(f"{endpoint.url}/")
    assert _a_new_page(page)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.click("input.md-search__input")
    page.fill("input.md-search__input", "wibblefrotz")
    page.press("input.md-search__input", "End")
    assert endpoint.wait_for_misses(timeout=15) == [("en", "wibblefrotz", 1)]
    assert any(u.endswith("/search/search_index.json") for u in requested)


def test_a_link_into_the_other_language_loads_that_language_in_full(page, endpoint):
    """So the Chinese page fetches its own language's search index (kb.search.scope).

    Material leaves a link into another language to the browser only once its request for that language's sitemap
    has answered; until then its instant navigation swaps the page in place. The English home is served here
    without its Chinese alternate link, so Material never makes that request: the page must load in full anyway."""
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))

    removed: list[int] = []

    def without_chinese_alternate(route):
        response = route.fetch()
        body, count = re.subn(r'<link rel="alternate" href="[^"]*" hreflang="zh">', "", response.text())
        removed.append(count)
        route.fulfill(response=response, body=body)

    page.route(f"{endpoint.url}/", without_chinese_alternate)
    arrive(page, f"{endpoint.url}/")
    assert removed == [1]  # the English home as served had its Chinese alternate, taken out here
    assert not any("/zh/sitemap.xml" in u for u in requested)
    page.locator("article a[href$='zh/']").first.click()
    page.wait_for_url("**/zh/")
    assert _a_new_page(page)  # a new page, not one swapped in place
    assert page.evaluate("document.documentElement.lang") == "zh"
    page.wait_for_load_state("networkidle")
    index = "/search/search_index.zh.json"
    for _ in range(75):  # the search worker may ask for it a moment after the page has loaded
        if any(u.endswith(index) for u in requested):
            break
        page.wait_for_timeout(200)
    assert any(u.endswith(index) for u in requested), "the Chinese page did not load the Chinese search index"


def test_an_article_whose_language_differs_from_its_folder_is_loaded_in_full(page, endpoint):
    """A link the script cannot tell apart (no hreflang, under the English home) to a Chinese page: instant
    navigation swaps it in, and the page then loads again in full in its own language."""
    arrive(page, f"{endpoint.url}/{FIRST}/")
    target = f"{endpoint.url}/zh/"
    # An English page's link to the Chinese home, made to look English to the script: it has no hreflang and the
    # page lists no Chinese home, the case of a Chinese article kept in an English folder.
    page.evaluate(
        """target => {
            document.querySelectorAll('link[rel="kb-home"][hreflang="zh"]').forEach(l => l.remove());
            const a = document.createElement("a"); a.href = target; a.id = "kb-test-link"; a.textContent = "zh";
            document.querySelector("article").appendChild(a);
        }""",
        target,
    )
    page.click("#kb-test-link")
    page.wait_for_url(target)
    assert _a_new_page(page)
    assert page.evaluate("document.documentElement.lang") == "zh"


def _a_new_page(page, timeout: float = 15) -> bool:
    """Whether the page was loaded anew (the first page's marker gone). Polled from here with `evaluate`, which the
    site's Content Security Policy does not govern: `wait_for_function` polls with code the page would have to eval,
    which the policy forbids, and failed whenever its first check came before the new page."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if page.evaluate("window.__kbFirstLoad") is not True:
                return True
        except sync_api.Error:  # the old page went away while asked: ask the new one
            pass
        page.wait_for_timeout(100)
    return False
