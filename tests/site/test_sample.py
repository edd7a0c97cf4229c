"""The sample help center: the counts it promises, a clean check, a strict build, and bilingual search."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from kb.content.config import load_config
from kb.content.site import load_site
from tests.conftest import REPO


@pytest.fixture(scope="module")
def content():
    return load_site(load_config(REPO / "kb.yml"))


@pytest.fixture(scope="module")
def built(sample_site) -> Path:
    return sample_site


def test_sample_is_clean(content):
    assert content.problems == []


def test_sample_counts(content):
    langs = Counter(a.lang for a in content.articles)
    assert langs["en"] >= 40 and langs["zh"] >= 15
    assert len({a.category for a in content.articles}) >= 6
    assert len(content.questions) >= 100
    assert {q.lang for q in content.questions} == {"en", "zh"}
    assert any(len(a.covers) >= 2 for a in content.articles)


def _length(article) -> int:
    """Words for English; for Chinese, characters / 2 (a common equivalence for reading length)."""
    if article.lang == "zh":
        return len(re.findall(r"[\u4e00-\u9fff]", article.body)) // 2
    return len(re.findall(r"[A-Za-z0-9']+", article.body))


def test_article_lengths(content):
    outside = [(a.path, _length(a)) for a in content.articles if not 150 <= _length(a) <= 600]
    assert outside == []


def test_strict_build_has_navigation_by_category(built):
    home = (built / "index.html").read_text(encoding="utf-8")
    for title in (
        "Account and sign-in",
        "Payments and refunds",
        "Courses and certificates",
        "Video and technical problems",
        "Mobile app",
        "Privacy and data",
    ):
        assert title in home
    assert 'class="kb-hero-search"' in home and 'name="q"' in home


def test_articles_show_review_date_and_edit_link(built):
    page = (built / "account/reset-your-password/index.html").read_text(encoding="utf-8")
    assert re.search(r'<time datetime="\d{4}-\d{2}-\d{2}">', page)
    assert "edit/main/articles/account/reset-your-password.md" in page


def test_navigation_prune_is_on():
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert "- navigation.prune" in config


def _search_tokens(text: str, separator: str) -> set[str]:
    return {t for t in re.split(separator, re.sub(r"<[^>]+>", " ", text)) if t}


def test_chinese_words_are_tokens_under_the_site_separator(built):
    index = json.loads((built / "search/search_index.json").read_text(encoding="utf-8"))
    separator = index["config"]["separator"]
    assert "\\u200b" in separator
    assert set(index["config"]["lang"]) == {"en", "zh"}
    page = next(d for d in index["docs"] if d["location"].startswith("zh/account/forgot-password"))
    tokens = _search_tokens(page["text"], separator)  # Python's re reads \uXXXX escapes as JavaScript does
    assert {"密码", "重置"} <= tokens
    # The same text under a separator without U+200B has no such token: this test notices if it is dropped.
    assert "密码" not in _search_tokens(page["text"], separator.replace("\\u200b", ""))


def test_no_report_page_or_files_in_the_site(built):
    assert not (built / "coverage").exists()
    index = json.loads((built / "search/search_index.json").read_text(encoding="utf-8"))
    assert not any(d["location"].startswith("coverage/") for d in index["docs"])
    assert "/coverage/" not in (built / "sitemap.xml").read_text(encoding="utf-8")


def test_report_page_and_files(report_folder):
    page = (report_folder / "index.html").read_text(encoding="utf-8")
    assert '<meta name="robots" content="noindex, nofollow">' in page
    assert "<svg" in page and "Gaps (" in page
    data = json.loads((report_folder / "coverage.json").read_text(encoding="utf-8"))
    gaps = [q for q in data["questions"] if q["status"] == "gap"]
    assert gaps and gaps == sorted(gaps, key=lambda q: -q["volume"])
    assert "pay-with-paypal" in {q["id"] for q in gaps}
    assert (report_folder / "coverage.csv").read_text(encoding="utf-8-sig").startswith("id,question,volume")


def test_manifest_lists_every_article(built, content):
    manifest = json.loads((built / "kb-articles.json").read_text(encoding="utf-8"))
    assert {a["id"] for a in manifest["articles"]} == {a.id for a in content.articles}


def test_related_articles_are_written_into_pages(built):
    page = (built / "account/reset-your-password/index.html").read_text(encoding="utf-8")
    block = re.search(r'<nav class="kb-related".*?</nav>', page, re.S).group(0)
    links = re.findall(r'href="([^"]+)"', block)
    assert 1 <= len(links) <= 5
    assert not any("reset-your-password" in link for link in links)
    zh = (built / "zh/account/forgot-password/index.html").read_text(encoding="utf-8")
    assert all(
        "/zh/" in link
        for link in re.findall(r'href="([^"]+)"', re.search(r'<nav class="kb-related".*?</nav>', zh, re.S).group(0))
    )


def test_report_page_links_lead_to_the_articles(built, report_folder):
    page = (report_folder / "index.html").read_text(encoding="utf-8")
    report = page.split('class="kb-report"', 1)[1].split("</div>", 1)[0]
    links = set(re.findall(r'href="([^"#?]+)"', report))
    assert links
    for link in links:  # --site-url /: from the site's root, where the endpoint serves the site
        assert link.startswith("/")
        assert (built / link.lstrip("/") / "index.html").resolve().is_file(), link


def test_each_page_speaks_its_own_language(built):
    # The theme is English; Chinese pages still get lang="zh" and Material's Chinese labels.
    for page, lang, search in (
        ("zh/account/forgot-password", "zh", "搜索"),
        ("zh", "zh", "搜索"),
        ("account/reset-your-password", "en", "Search"),
        ("", "en", "Search"),
    ):
        html = (built / page / "index.html").read_text(encoding="utf-8")
        assert f'<html lang="{lang}"' in html, page
        assert f'placeholder="{search}"' in html, page
