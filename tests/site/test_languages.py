"""Each language of the built sample is a help center of its own: navigation, previous/next, description, site
name, language switcher and search index (the browser tests check the same in chromium)."""

from __future__ import annotations

import json
import re

import pytest

from kb.content.config import load_config
from kb.content.site import load_site
from kb.content.translations import translation_groups
from kb.search.scope import scoped_indexes
from kb.site.languages import alternate, page_language, switcher_targets
from tests.conftest import REPO


def html(built, page: str) -> str:
    return (built / page / "index.html").read_text(encoding="utf-8")


def meta_description(text: str) -> str:
    return re.search(r'<meta name="description" content="([^"]*)">', text).group(1)


def footer_links(text: str) -> list[str]:
    return re.findall(r'<a href="([^"]*)" class="md-footer__link md-footer__link--(?:prev|next)"', text)


def primary_nav(text: str) -> str:
    return re.search(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', text, re.S).group(0)


def test_each_language_has_its_own_description_and_site_name(sample_site):
    zh_home, en_home = html(sample_site, "zh"), html(sample_site, "")
    assert meta_description(zh_home) == "关于 Studyloop 课程、付款、视频播放和移动应用的常见问题解答。"
    assert meta_description(en_home).startswith("Answers to common questions about Studyloop")
    # An article's own summary describes it.
    assert meta_description(html(sample_site, "zh/payments/request-refund")).startswith("单门课程和订阅的退款条件")
    assert "<title>申请退款 - Studyloop 帮助中心</title>" in html(sample_site, "zh/payments/request-refund")
    assert "<title>Request a refund - Studyloop Help Center</title>" in html(sample_site, "payments/request-a-refund")


def test_previous_and_next_stay_within_the_language(sample_site):
    # The Chinese home was preceded by the last English article; now it starts the Chinese help center.
    assert footer_links(html(sample_site, "zh")) == ["account/two-step-verification/"]
    for page in ("zh/account/forgot-password", "zh/privacy/export-data", "zh/video/video-buffering"):
        links = footer_links(html(sample_site, page))
        assert links and all(not link.startswith("../../../") or "/zh/" in link for link in links), (page, links)
    # The last English article leads back only (the issue: the Chinese home's "previous" was this article).
    last_english = html(sample_site, "privacy/what-your-organisation-can-see")
    assert len(footer_links(last_english)) == 1 and "md-footer__link--next" not in last_english


def test_navigation_of_each_language(sample_site):
    zh_nav, en_nav = primary_nav(html(sample_site, "zh/account/forgot-password")), primary_nav(html(sample_site, ""))
    assert "账户与登录" in zh_nav and "Account and sign-in" not in zh_nav and "中文帮助" not in zh_nav
    assert "Account and sign-in" in en_nav and "账户与登录" not in en_nav and "中文帮助" not in en_nav


def test_the_switcher_and_alternate_links_point_at_the_translation(sample_site):
    en = html(sample_site, "payments/request-a-refund")
    assert '<link rel="alternate" href="../../zh/payments/request-refund/" hreflang="zh">' in en
    assert re.search(r'<a href="../../zh/payments/request-refund/" hreflang="zh" class="md-select__link">\s*中文', en)
    zh = html(sample_site, "zh/payments/request-refund")
    assert re.search(r'<a href="../../../payments/request-a-refund/" hreflang="en" class="md-select__link">', zh)
    untranslated = html(sample_site, "zh/account/wechat-login")
    assert re.search(r'<a href="../../../" hreflang="en" class="md-select__link">', untranslated)


def test_each_language_has_its_own_search_index(sample_site):
    search = sample_site / "search"
    en = json.loads((search / "search_index.json").read_text(encoding="utf-8"))
    zh = json.loads((search / "search_index.zh.json").read_text(encoding="utf-8"))
    assert zh["docs"] and all(d["location"].startswith("zh/") for d in zh["docs"])
    english_only = [d for d in en["docs"] if not d["location"].startswith("zh/")]
    assert len(english_only) > len(zh["docs"])
    # Chinese pages stay findable from English pages by their Chinese words only.
    crash = next(d for d in en["docs"] if d["location"] == "zh/mobile/app-crashes/")
    assert "闪退" in crash["title"] and "App" not in crash["title"] and "iOS" not in crash["tags"]
    assert "<script>(function(){var open=XMLHttpRequest" in html(sample_site, "zh/mobile/app-crashes")
    assert "search_index.zh.json" not in html(sample_site, "mobile/install-the-app")


@pytest.fixture(scope="module")
def sample():
    config = load_config(REPO / "kb.yml")
    return config, load_site(config).articles


def test_switcher_targets(sample):
    config, articles = sample
    by_path, groups = {a.path: a for a in articles}, translation_groups(articles)

    def targets(path, url):
        return switcher_targets(path, url, by_path, groups, ["en", "zh"], config)

    assert targets("account/reset-your-password.md", "account/reset-your-password/") == {
        "en": "account/reset-your-password/",
        "zh": "zh/account/forgot-password/",
    }
    assert targets("zh/account/wechat-login.md", "zh/account/wechat-login/") == {
        "en": "",
        "zh": "zh/account/wechat-login/",
    }
    assert targets("contact/index.md", "contact/") == {"en": "contact/", "zh": "zh/"}
    assert targets("zh/index.md", "zh/") == {"en": "", "zh": "zh/"}
    assert page_language("zh/index.md", by_path, config) == "zh"
    assert page_language("coverage/index.md", by_path, config) == "en"
    # The site's own switcher entries keep their names; an entry for another site is left alone.
    configured = [{"name": "EN", "lang": "en", "link": "/"}, {"name": "FR", "lang": "fr", "link": "https://fr/"}]
    assert alternate({"en": "", "zh": "zh/"}, configured) == [
        {"name": "EN", "lang": "en", "link": "./"},
        {"name": "FR", "lang": "fr", "link": "https://fr/"},
    ]
    assert [e["name"] for e in alternate({"en": "", "zh": "zh/"}, None)] == ["English", "中文"]


def test_scoped_indexes_split_by_language():
    index = {
        "config": {"lang": ["en", "zh"]},
        "docs": [
            {"location": "a/", "title": "Refund", "text": "<p>Get your money back</p>"},
            {"location": "zh/b/#x", "title": "退款 App", "text": "<p>在 App Store 退款</p>", "tags": ["iOS", "退款"]},
            {"location": "zh/c/", "title": "iOS", "text": "iPad"},
        ],
    }
    scoped = scoped_indexes(index, lambda at: "zh" if at.startswith("zh/") else "en", ["en", "zh"], "en")
    assert [d["location"] for d in scoped["search_index.zh.json"]["docs"]] == ["zh/b/#x", "zh/c/"]
    en = scoped["search_index.json"]["docs"]
    assert [d["location"] for d in en] == ["a/", "zh/b/#x"]  # zh/c/ has no Chinese word left
    assert en[1]["text"].split() == ["<p>在", "退款</p>"] and en[1]["tags"] == ["退款"]
    assert scoped["search_index.json"]["config"] == index["config"]


def test_kb_yml_names_and_describes_each_language(site):
    from kb.problems import KbError

    text = site.config.read_text(encoding="utf-8")
    site.write("kb.yml", text + "site_name: {zh: 帮助中心}\nsite_description: Help for everyone.\n")
    config = load_config(site.config)
    assert config.site_names == {"zh": "帮助中心"} and config.site_descriptions == {"en": "Help for everyone."}
    site.write("kb.yml", text + "site_description: {fr: Aide}\n")
    with pytest.raises(KbError) as caught:
        load_config(site.config)
    assert "kb.yml:11: error: 'site_description' must be a text per language (en, zh)" in str(caught.value)
