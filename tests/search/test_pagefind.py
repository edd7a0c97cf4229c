"""Pagefind fed while the site renders (kb.search.pagefind.Feed): the same pages and the same search answers as
indexing the pages after the build, and nothing left behind by a build that stops."""

from __future__ import annotations

import json
import os
import tempfile
import threading
from pathlib import Path

import pytest

from kb.search.pagefind import Feed, write_index
from tests.conftest import serving_folder


def _page(title: str, text: str, lang: str = "en") -> str:
    return (
        f'<html lang="{lang}"><head><title>{title}</title></head><body><nav>menu</nav>'
        f'<article class="md-content__inner md-typeset" data-pagefind-body><h1>{title}</h1><p>{text}</p>'
        "</article></body></html>"
    )


TOPICS = ["password", "invoice", "refund", "email", "language", "avatar", "billing", "device", "export", "backup"]
RECORDS = [
    (f"/help/{topic}/", _page(f"Change your {topic}", f"Open settings, then {topic}, to change your {topic}."))
    for topic in TOPICS
] + [("/zh/help/mima/", _page("重置密码", "在登录页点击忘记密码，按邮件里的链接设置新密码。", "zh"))]
QUERIES = [("en", "change"), ("en", "invoice"), ("en", "settings backup"), ("zh", "密码")]


def _files(site: Path, folder: str) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in (site / "pagefind" / folder).iterdir()}


@pytest.fixture(scope="module")
def bundles(tmp_path_factory) -> tuple[Path, Path]:
    """The same pages indexed after the build (one folder) and fed three at a time, before any browser starts
    (`write_index` runs its own event loop, which Playwright's on this thread would forbid)."""
    after = tmp_path_factory.mktemp("after")
    write_index(after, RECORDS)
    fed = tmp_path_factory.mktemp("fed")
    feed = Feed(fed, chunk=3)  # three folders handed over while "rendering", the fourth by finish
    for record in RECORDS:
        feed.add(record)
    assert feed.finish().pages == len(RECORDS)
    return after, fed


def test_fed_pages_are_the_pages_indexed_after_the_build(bundles):
    after, fed = bundles
    assert _files(fed, "fragment") == _files(after, "fragment")  # each page's address, text and title
    languages = json.loads((fed / "pagefind/pagefind-entry.json").read_text(encoding="utf-8"))["languages"]
    assert {lang: entry["page_count"] for lang, entry in languages.items()} == {"en": 10, "zh": 1}
    assert sorted(p.name for p in fed.iterdir()) == ["pagefind"]  # no staging folder left beside it


def test_fed_pages_answer_searches_as_the_pages_indexed_after_the_build(bundles, browser):
    answers = []
    for site in bundles:
        with serving_folder(site) as url:
            page = browser.new_page()
            try:
                found = {}
                for lang, query in QUERIES:
                    page.goto(url + "pagefind/pagefind-entry.json")  # an address on the bundle's origin
                    found[lang, query] = page.evaluate(
                        """async ([lang, query]) => {
                            const pagefind = await import("/pagefind/pagefind.js");
                            await pagefind.options({ baseUrl: "/" });
                            document.documentElement.lang = lang;
                            await pagefind.init();
                            const search = await pagefind.search(query);
                            const pages = await Promise.all(search.results.map(r => r.data()));
                            return pages.map(p => p.url).sort();
                        }""",
                        [lang, query],
                    )
            finally:
                page.close()
        answers.append(found)
    after, fed = answers
    assert after[("en", "invoice")] == ["/help/invoice/"]
    assert len(after[("en", "change")]) == 10 and after[("zh", "密码")] == ["/zh/help/mima/"]
    assert fed == after


def test_a_build_that_stops_leaves_no_bundle_no_scratch_folder_and_no_indexing_thread(tmp_path):
    before = set(Path(tempfile.gettempdir()).glob("kb-pagefind-feed-*"))
    site = tmp_path / "site"
    feed = Feed(site, chunk=2)
    for record in RECORDS[:5]:  # two folders handed over, a third being filled
        feed.add(record)
    assert _pagefind_children()  # Pagefind is at work
    feed.close()
    assert not (site / "pagefind").exists()
    assert list(site.iterdir()) == []  # the bundle being made is gone with its scratch pages
    assert set(Path(tempfile.gettempdir()).glob("kb-pagefind-feed-*")) == before
    assert not [t for t in threading.enumerate() if t.name == "kb-pagefind"]
    assert not _pagefind_children()  # its service was closed, not left running


def _pagefind_children() -> list[str]:
    """The names of this process's child processes that are Pagefind's."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            name, rest = stat.read_text().rsplit(")", 1)
        except OSError:
            continue
        state, parent = rest.split()[:2]
        if int(parent) == os.getpid() and "pagefind" in name and state != "Z":
            found.append(name.split("(", 1)[1])
    return found


def test_the_previews_records_are_made_again_only_for_pages_rewritten(tmp_path, monkeypatch):
    from kb.model import Article, Question
    from kb.search import pagefind

    articles = [
        Article(id=f"account/a{i}", path=f"account/a{i}.md", title=f"Topic {i}", lang="en", covers=["reset"])
        for i in range(3)
    ]
    for i, article in enumerate(articles):
        page = tmp_path / article.url / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(f'<html><body><article class="md-content__inner md-typeset">Topic {i}</article></body></html>')
    made = []
    real = pagefind.Records.of
    monkeypatch.setattr(pagefind.Records, "of", lambda self, a, html: made.append(a.id) or real(self, a, html))
    questions = [Question(id="reset", question="How do I reset my password?", lang="en")]
    kept = pagefind.KeptRecords()
    first = kept.records(tmp_path, articles, questions)
    assert len(made) == 3 and len(first) == 3 and first == pagefind.records(tmp_path, articles, questions)
    made.clear()
    page = tmp_path / articles[1].url / "index.html"
    page.write_text(page.read_text().replace("Topic 1", "Topic one, renamed"))
    again = kept.records(tmp_path, articles, questions)
    assert made == ["account/a1"]  # the other two pages were not read again
    assert again == pagefind.records(tmp_path, articles, questions) and again != first
    made.clear()
    other = [Question(id="reset", question="I forgot my password", lang="en")]
    assert kept.records(tmp_path, articles, other) == pagefind.records(tmp_path, articles, other)
    assert len(made) == 6  # other questions: every record again (and three more by `records` itself)
