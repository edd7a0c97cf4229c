"""The widget's side of the build: the kb-feedback MkDocs plugin, its theme partial and its settings."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import jinja2
import pytest

from feedback_widget.widget import LABELS, THEME_DIR, analytics, hide_unless_article, merge_analytics
from plugins.theme import with_theme_dir
from tests.conftest import Site

HOME = """\
---
title: Help center
---

# Help center

<!-- kb:categories -->
"""

ZH_ARTICLE = """\
---
title: 重置密码
summary: 通过邮件获取重置链接。
category: account
covers: [zh-forgot-password]
lang: zh
---

打开 **设置 > 密码**，选择 *重置*。
"""

MKDOCS_YML = """\
site_name: Test help center
docs_dir: articles
theme:
  name: material
  font: false          # no requests to font services: the site must work offline
plugins:
  - search
  - kb
  - kb-feedback
"""


def make_site(site: Site, extra_yml: str = "") -> Site:
    """The conftest help center plus a home page, a Chinese article and an mkdocs.yml with the widget."""
    site.article("index.md", HOME)
    site.article("zh/account/reset-password.md", ZH_ARTICLE)
    site.write("mkdocs.yml", MKDOCS_YML + extra_yml)
    return site


def build(site: Site) -> Path:
    out = site.root / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(out)],
        cwd=site.root,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    return out


def widget_settings(html: str) -> dict | None:
    match = re.search(r'<script type="application/json" id="__kb_feedback">(.*?)</script>', html)
    return json.loads(match.group(1)) if match else None


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    from tests.conftest import ARTICLE, KB_YML, QUESTIONS_YML

    site = Site(tmp_path_factory.mktemp("widget"))
    site.write("kb.yml", KB_YML)
    site.write("questions.yml", QUESTIONS_YML)
    site.article("account/reset-password.md", ARTICLE)
    return build(make_site(site))


def test_article_pages_get_the_form_and_their_settings(built):
    html = (built / "account/reset-password/index.html").read_text(encoding="utf-8")
    assert '<form class="md-feedback" name="feedback" hidden>' in html
    settings = widget_settings(html)
    assert settings == {
        "article": "account/reset-password",
        "lang": "en",
        "endpoint": "/api/feedback",
        "labels": LABELS["en"],
    }
    assert "kb-feedback/feedback.js" in html and "function __md_analytics" in html


def test_chinese_articles_get_chinese_labels(built):
    settings = widget_settings((built / "zh/account/reset-password/index.html").read_text(encoding="utf-8"))
    assert settings["lang"] == "zh" and settings["labels"]["question"] == "这篇文章对您有帮助吗？"


def test_the_home_page_has_no_widget_at_all(built):
    html = (built / "index.html").read_text(encoding="utf-8")
    assert 'name="feedback"' not in html
    assert widget_settings(html) is None and "kb-feedback/feedback.css" not in html
    assert "kb-feedback/search-miss.js" in html  # searches that find nothing are still reported from here


def test_the_script_and_styles_are_part_of_the_site(built):
    assert (built / "assets/kb-feedback/feedback.js").is_file()
    assert (built / "assets/kb-feedback/feedback.css").is_file()


@pytest.mark.parametrize("name", ["feedback.js", "search-miss.js", "suggest.js"])
def test_the_scripts_talk_to_no_other_site(name):
    script = (THEME_DIR / "assets/kb-feedback" / name).read_text(encoding="utf-8")
    assert not re.search(r"https?://", script.split("*/", 1)[1])
    assert "innerHTML" not in script  # every text goes in with textContent


def test_a_site_with_its_own_analytics_keeps_them(site):
    make_site(site, "extra:\n  analytics:\n    provider: google\n    property: G-TEST\n")
    html = (build(site) / "account/reset-password/index.html").read_text(encoding="utf-8")
    assert "googletagmanager" in html
    assert widget_settings(html) is None


def test_the_endpoint_option_reaches_the_page(site):
    make_site(site)
    site.write(
        "mkdocs.yml",
        MKDOCS_YML.replace(
            "  - kb-feedback\n", "  - kb-feedback:\n      endpoint: https://feedback.example.com/api/feedback\n"
        ),
    )
    settings = widget_settings((build(site) / "account/reset-password/index.html").read_text(encoding="utf-8"))
    assert settings["endpoint"] == "https://feedback.example.com/api/feedback"


# The partial on its own: MkDocs renders without autoescaping, so escaping is the partial's job.


def render_partial(meta: dict, extra_analytics: dict | None = None) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(THEME_DIR)))
    env.filters["url"] = lambda path: f"../{path}"
    page = type("Page", (), {"meta": meta})()
    config = {"extra": {"analytics": extra_analytics if extra_analytics is not None else analytics()}}
    return env.get_template("partials/integrations/analytics/kb.html").render(page=page, config=config)


def test_the_article_id_is_escaped_in_the_page():
    hostile = 'x</script><script>alert("id")</script>'
    html = render_partial({"kb_article": hostile, "kb_lang": "en"})
    assert "</script><script>alert" not in html
    assert widget_settings(html)["article"] == hostile


def test_an_unknown_language_falls_back_to_english():
    assert widget_settings(render_partial({"kb_article": "a", "kb_lang": "fr"}))["labels"] == LABELS["en"]


def test_pages_that_are_not_articles_get_no_feedback_form_only_the_search_script():
    for meta in ({}, {"title": "Coverage report"}):
        html = render_partial(meta)
        assert 'id="__kb_feedback"' not in html and "feedback.css" not in html
        assert 'id="__kb_search"' in html and "search-miss.js" in html


def test_search_routes_follow_the_feedback_endpoint():
    settings = analytics("http://127.0.0.1:8001/api/feedback")
    assert settings["kb_search_misses"] == "http://127.0.0.1:8001/api/search-miss"
    assert settings["kb_suggest"] == "http://127.0.0.1:8001/api/suggest"


# Settings the plugin hands to MkDocs and Material


def test_material_gets_our_provider_form_and_labels():
    settings = analytics("/feedback")
    assert settings["provider"] == "kb" and settings["kb_endpoint"] == "/feedback"
    assert settings["feedback"]["title"] == "Was this article helpful?"
    assert [r["data"] for r in settings["feedback"]["ratings"]] == [1, 0]
    assert analytics(lang="zh")["feedback"]["title"] == LABELS["zh"]["question"]


def test_every_language_has_every_label():
    assert all(set(labels) == set(LABELS["en"]) for labels in LABELS.values())


def test_a_sites_own_analytics_win():
    google = {"provider": "google", "property": "G-1"}
    assert merge_analytics(google, "/api/feedback") == google
    tuned = merge_analytics({"provider": "kb", "feedback": {"title": "Helpful?", "ratings": []}}, "/api/feedback")
    assert tuned["feedback"]["title"] == "Helpful?" and tuned["kb_endpoint"] == "/api/feedback"
    assert merge_analytics(None, "/x")["provider"] == "kb"


def test_our_templates_come_after_the_sites_custom_dir():
    ours = str(THEME_DIR)
    assert with_theme_dir(["/material", "/mkdocs"], None, THEME_DIR) == [ours, "/material", "/mkdocs"]
    assert with_theme_dir(["/site/overrides", "/material"], "/site/overrides", THEME_DIR) == [
        "/site/overrides",
        ours,
        "/material",
    ]
    assert with_theme_dir([ours, "/material"], None, THEME_DIR) == [ours, "/material"]


def test_the_form_is_hidden_on_pages_that_are_not_articles():
    home = {"title": "Home", "hide": ["navigation"]}
    hide_unless_article(home)
    assert home["hide"] == ["navigation", "feedback"]
    article = {"kb_article": "a"}
    hide_unless_article(article)
    assert "hide" not in article
