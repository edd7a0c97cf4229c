from kb.matching.matcher import build_matcher
from kb.search.related import related, related_html
from tests.coverage.test_coverage import ARTICLES


def test_related_same_language_never_itself(tmp_path):
    found = related(ARTICLES, build_matcher(ARTICLES, tmp_path / "index"), limit=5)
    for article in ARTICLES:
        others = found[article.id]
        assert article not in others and len(others) <= 5
        assert all(o.lang == article.lang for o in others)
    assert found["refunds"][0].id == "refunds-old"
    assert found["zh-password"] == []  # the only Chinese article has no Chinese neighbour


def test_related_html_escapes_and_links_from_the_page(tmp_path):
    evil = ARTICLES[1].__class__(**{**ARTICLES[1].__dict__, "title": "<b>Refunds</b>"})
    out = related_html(ARTICLES[0], [evil], "../../")
    assert '<a href="../../refunds/">&lt;b&gt;Refunds&lt;/b&gt;</a>' in out
    assert related_html(ARTICLES[0], [], "../") == ""


def test_related_is_cached_under_the_index_key(tmp_path):
    from kb.matching.index import ArticleIndex
    from kb.matching.matcher import Matcher
    from kb.search.related import related_cached

    index, _ = ArticleIndex.build(ARTICLES, tmp_path / "index")
    matcher = Matcher(index.stats())
    first = related_cached(ARTICLES, matcher, 5, tmp_path / "index")
    files = list((tmp_path / "index").glob("related-*.json"))
    assert len(files) == 1
    assert related_cached(ARTICLES, matcher, 5, tmp_path / "index") == first
    files[0].write_text('{"refunds": ["subtitles"]}', encoding="utf-8")  # read back, not recomputed
    assert [a.id for a in related_cached(ARTICLES, matcher, 5, tmp_path / "index")["refunds"]] == ["subtitles"]
