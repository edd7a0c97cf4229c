"""The index cache is keyed by the code that analyses the articles, so a cache made by other code is rebuilt."""

from __future__ import annotations

from kb.matching import index
from kb.matching.index import ANALYSIS_VERSION, INDEX_VERSION, UpdateCounts, analysis_version
from kb.model import Article


def test_the_version_follows_the_analysis_code_and_the_segmenter(tmp_path):
    code = tmp_path / "analysis.py"
    code.write_text('CHINESE_STOP_WORDS = {"的"}\n', encoding="utf-8")
    before = analysis_version([code], "jieba 0.42.1")
    assert before == analysis_version([code], "jieba 0.42.1")
    assert before.startswith(f"{INDEX_VERSION}-")
    code.write_text('CHINESE_STOP_WORDS = {"的", "之后"}\n', encoding="utf-8")  # a stop word added
    assert analysis_version([code], "jieba 0.42.1") != before
    assert analysis_version([code], "jieba 0.43") != analysis_version([code], "jieba 0.42.1")


def test_an_index_made_by_other_analysis_code_is_built_again(tmp_path, monkeypatch):
    articles = [
        Article(id="account/reset", path="account/reset.md", title="Reset your password", lang="en"),
        Article(id="payments/refund", path="payments/refund.md", title="Request a refund", lang="en"),
    ]
    folder = tmp_path / "index"
    assert index.ArticleIndex.build(articles, folder)[1] == UpdateCounts(added=2)
    assert index.ArticleIndex.build(articles, folder)[1] == UpdateCounts()  # the same code: kept
    monkeypatch.setattr(index, "ANALYSIS_VERSION", ANALYSIS_VERSION + "-other")  # as after an upgrade
    assert index.ArticleIndex.build(articles, folder)[1] == UpdateCounts(added=2)
