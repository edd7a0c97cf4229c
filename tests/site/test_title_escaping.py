"""A title with HTML in it is text wherever kb puts it: navigation, <title>, the header, <h1>, listings, search,
the footer's links; and `kb check` warns about it (kb/site/navigation.py safe_title, plugins/kb_site)."""

from __future__ import annotations

import functools
import http.server
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

EVIL = '<img src=x onerror="window.__xss=1"> Reset & "password"'
ESCAPED = "&lt;img src=x onerror=&#34;window.__xss=1&#34;&gt; Reset &amp; &#34;password&#34;"

MKDOCS_YML = """\
site_name: Test help center
docs_dir: articles
theme:
  name: material
  features: [navigation.footer, navigation.prune]
plugins:
  - search
  - kb
"""


@pytest.fixture
def evil_site(site) -> Path:
    site.write("mkdocs.yml", MKDOCS_YML)
    site.article("index.md", "# Help\n\n<!-- kb:categories -->\n")
    site.article(
        "account/evil.md",
        f"---\ntitle: '{EVIL}'\ncategory: account\ncovers: [forgot-password]\n---\n\nBody about a password reset.\n",
    )
    # Not `kb build`: it is strict, and the warning below would stop it. A site built without --strict must be safe.
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=site.root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return site.root / "site"


def test_kb_check_warns_about_html_in_a_title(kb, site):
    site.article("account/evil.md", f"---\ntitle: '{EVIL}'\ncategory: account\n---\n\nBody.\n")
    site.article("account/entity.md", "---\ntitle: Refunds &amp; returns\ncategory: account\n---\n\nBody.\n")
    site.article("account/fine.md", "---\ntitle: Refunds & returns <3\ncategory: account\n---\n\nBody.\n")
    result = kb("check", cwd=site.root)
    assert result.code == 0
    assert "articles/account/evil.md:2: warning: the title contains HTML" in result.err
    assert "articles/account/entity.md:2: warning: the title contains HTML" in result.err
    assert "fine.md" not in result.err
    assert kb("check", "--strict", cwd=site.root).code == 1


def test_a_title_with_html_is_escaped_in_every_page(evil_site):
    pages = {p.relative_to(evil_site).as_posix(): p.read_text(encoding="utf-8") for p in evil_site.rglob("*.html")}
    for name, html in pages.items():
        assert "<img src=x" not in html, f"{name} has the title's HTML as HTML"
    page = pages["account/evil/index.html"]
    assert f"<title>{ESCAPED} - Test help center</title>" in page
    assert f"<h1>{ESCAPED}</h1>" in page
    assert ESCAPED in pages["index.html"]  # the category listing
    neighbour = pages["account/reset-password/index.html"]
    nav = neighbour[neighbour.index('class="md-nav') :]
    assert ESCAPED in nav
    labels = re.findall(r'aria-label="([^"]*Reset &amp;[^"]*)"', neighbour)
    assert labels and all("&amp;amp;" not in label for label in labels)  # escaped once, not twice


def test_in_chromium_the_title_is_text_and_runs_nothing(evil_site, browser):
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(evil_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    page = browser.new_page()
    try:
        for path in ("/account/evil/", "/account/reset-password/", "/"):
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            assert page.evaluate("window.__xss === undefined"), path
            assert page.evaluate("document.querySelectorAll('img[src=x]').length") == 0, path
        page.goto(url + "/account/evil/")
        assert page.title().startswith('<img src=x onerror="window.__xss=1"> Reset & "password"')
        assert page.inner_text("h1") == EVIL
        page.click("input.md-search__input")
        page.fill("input.md-search__input", "Reset")
        page.press("input.md-search__input", "End")
        page.wait_for_selector(".md-search-result__item", timeout=15_000)
        assert EVIL in page.inner_text(".md-search-result")
        assert page.evaluate("window.__xss === undefined")
    finally:
        page.close()
        server.shutdown()
