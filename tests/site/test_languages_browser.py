"""One help center, two languages, in a real browser: each language's navigation, the language switcher, each
language's search scope, and Chinese pages that render every character (Debian's fonts-noto-cjk; `make test`
installs it with chromium)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.site.test_search_browser import type_query

ENGLISH_CATEGORIES = ("Account and sign-in", "Payments and refunds", "Courses and certificates", "Privacy and data")
CHINESE_CATEGORIES = ("账户与登录", "付款与退款", "课程与证书", "隐私与数据")
EN_ARTICLE, ZH_ARTICLE = "account/reset-your-password/", "zh/account/forgot-password/"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def sidebar(page) -> str:
    return page.inner_text(".md-sidebar--primary nav.md-nav--primary")


def test_a_chinese_article_shows_only_the_chinese_help_center(page, served):
    page.goto(served + ZH_ARTICLE)
    nav = sidebar(page)
    assert all(title in nav for title in CHINESE_CATEGORIES), nav
    assert not any(title in nav for title in ENGLISH_CATEGORIES), nav
    assert "中文帮助" not in nav and "Reset your password" not in nav
    footer = page.eval_on_selector_all(".md-footer__link", "links => links.map(a => a.href)")
    assert footer and all("/zh/" in href for href in footer), footer
    assert page.get_attribute("html", "lang") == "zh"
    assert page.title().endswith("Studyloop 帮助中心")


def test_an_english_article_shows_only_the_english_help_center(page, served):
    page.goto(served + EN_ARTICLE)
    nav = sidebar(page)
    assert all(title in nav for title in ENGLISH_CATEGORIES), nav
    assert not any(title in nav for title in CHINESE_CATEGORIES) and "中文帮助" not in nav, nav


def switch_language(page, lang: str) -> None:
    page.hover(".md-header__option .md-select")  # Material opens the language list on hover and focus
    page.click(f".md-select__link[hreflang='{lang}']")


def test_the_switcher_leads_to_the_translation_and_back(page, served):
    page.goto(served + EN_ARTICLE)
    switch_language(page, "zh")
    page.wait_for_url(served + ZH_ARTICLE)
    assert page.inner_text("article h1") == "忘记密码怎么办"
    switch_language(page, "en")
    page.wait_for_url(served + EN_ARTICLE)
    assert page.inner_text("article h1") == "Reset your password"


def test_the_switcher_leads_home_when_there_is_no_translation(page, served):
    page.goto(served + "account/update-your-profile/")
    switch_language(page, "zh")
    page.wait_for_url(served + "zh/")
    switch_language(page, "en")
    page.wait_for_url(served)


def results(page, query: str) -> list[str]:
    page.click("input.md-search__input")
    type_query(page, query)
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    return page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")


def test_search_stays_in_the_readers_language_until_they_ask(page, served):
    # "iOS" is in Chinese and English articles alike.
    page.goto(served + ZH_ARTICLE)
    found = results(page, "iOS")
    assert found and all("/zh/" in href for href in found), found
    # The reader asks for English articles: the English home opens with the same search.
    page.click("a.kb-search-elsewhere[hreflang='en']")
    page.wait_for_url(served + "?q=iOS")
    page.wait_for_selector(".md-search-result__item", timeout=15_000)
    english = page.eval_on_selector_all(".md-search-result__item > a", "links => links.map(a => a.href)")
    assert english and not any("/zh/" in href for href in english), english

    page.goto(served + EN_ARTICLE)
    found = results(page, "iOS")
    assert found and not any("/zh/" in href for href in found), found


# Draws each character in the element's own font on a canvas and compares it with a character no font has
# (U+10FFFD, private use): a character drawn the same is a missing glyph, the box a reader would see.
MISSING_GLYPHS = """element => {
  const style = getComputedStyle(element);
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 64;
  const context = canvas.getContext("2d");
  const draw = text => {
    context.clearRect(0, 0, 64, 64);
    context.font = `${style.fontWeight} 40px ${style.fontFamily}`;
    context.textBaseline = "top";
    context.fillText(text, 4, 4);
    return context.getImageData(0, 0, 64, 64).data.join(",");
  };
  const box = draw("\\u{10FFFD}");
  const chars = [...new Set(element.innerText.match(/[\\u4e00-\\u9fff]/g) || [])];
  const drawn = chars.map(draw);
  return {chars: chars.length, distinct: new Set(drawn).size, boxes: chars.filter((c, i) => drawn[i] === box)};
}"""


def missing_glyphs(page) -> dict:
    return page.eval_on_selector("body", MISSING_GLYPHS)


def test_a_chinese_page_renders_every_character(page, served, tmp_path):
    page.goto(served + ZH_ARTICLE)
    page.screenshot(path=tmp_path / "zh-article.png", full_page=False)
    found = missing_glyphs(page)
    assert found["chars"] > 50 and found["boxes"] == [], found
    assert found["distinct"] == found["chars"]
    # The English home's link to the Chinese help center too.
    page.goto(served)
    assert page.eval_on_selector("article a[href='zh/']", "a => a.innerText") == "中文帮助"
    assert missing_glyphs(page)["boxes"] == []


def test_the_glyph_check_sees_boxes_without_a_cjk_font(browser, served, tmp_path):
    """The check above is real: in a chromium that has only Latin fonts, it finds the boxes."""
    fonts = tmp_path / "fonts.conf"
    fonts.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        "<dir>/usr/share/fonts/truetype/dejavu</dir>"
        f"<cachedir>{tmp_path / 'cache'}</cachedir></fontconfig>",
        encoding="utf-8",
    )
    env = {**os.environ, "FONTCONFIG_FILE": str(fonts)}
    latin_only = browser.browser_type.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, env=env)
    try:
        page = latin_only.new_page()
        page.goto(served + ZH_ARTICLE)
        found = missing_glyphs(page)
    finally:
        latin_only.close()
    assert found["chars"] > 50 and len(found["boxes"]) == found["chars"], found
