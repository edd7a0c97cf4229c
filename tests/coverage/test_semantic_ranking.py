"""Suggestions ranked with sentence embeddings fused in, through the real loading code and a tiny model the suite
builds; every output says whether semantic ranking was on, and why not."""

from __future__ import annotations

import json

from kb.coverage.analysis import analyse
from kb.matching.matcher import build_matcher
from kb.matching.semantic import SectionIndex, article_passages, load_ranker
from kb.model import Question
from tests.coverage.test_coverage import ARTICLES
from tests.matching.tiny_model import build_tiny_model


def test_the_report_says_whether_semantic_ranking_is_on(kb, site, tmp_path):
    corpus = [text for _, text in article_passages(ARTICLES)] + ["Where is my password reset email?"]
    model = build_tiny_model(tmp_path / "tiny-model", corpus)
    site.write(
        "questions.yml",
        (site.root / "questions.yml").read_text(encoding="utf-8")
        + "  - id: reset-email\n    question: Where is my password reset email?\n    volume: 60\n",
    )
    on = json.loads(
        kb("coverage", "--format", "json", "--fail-under", "0", "--embedding-model", str(model), cwd=site.root).out
    )
    assert on["semantic_ranking"] == f"on ({model})"
    assert next(q for q in on["questions"] if q["id"] == "reset-email")["articles"][0]["id"] == "account/reset-password"
    off = kb("coverage", "--fail-under", "0", "--embedding-model", str(model), "--no-embeddings", cwd=site.root)
    assert "semantic ranking: off (--no-embeddings)" in off.out
    default = kb("coverage", "--fail-under", "0", cwd=site.root)
    assert "semantic ranking: off (no embedding model set" in default.out
    missing = kb("coverage", "--fail-under", "0", "--embedding-model", str(tmp_path / "nowhere"), cwd=site.root)
    assert "semantic ranking: off (model folder" in missing.out and "does not exist" in missing.out
    site.write(
        "kb.yml", (site.root / "kb.yml").read_text(encoding="utf-8") + f"coverage:\n  embedding_model: {model}\n"
    )
    assert f"semantic ranking: on ({model})" in kb("coverage", "--fail-under", "0", cwd=site.root).out


def test_fusion_orders_candidates_and_keeps_the_lexical_decision(tmp_path):
    corpus = [text for _, text in article_passages(ARTICLES)]
    ranker, status = load_ranker(
        str(build_tiny_model(tmp_path / "m", corpus)), tmp_path / "models", tmp_path / "vectors"
    )
    assert status.on
    questions = [
        Question("q1", "subtitles are out of sync with the video", "en", volume=1),
        Question("q2", "pay with bitcoin", "en", volume=1),
    ]
    matcher = build_matcher(ARTICLES, tmp_path / "index")
    plain = analyse(ARTICLES, questions, matcher)
    fused = analyse(ARTICLES, questions, matcher, sections=SectionIndex(ranker, ARTICLES))
    for a, b in zip(plain.results, fused.results):
        assert (a.status, a.confidence) == (b.status, b.confidence)  # the decision stays lexical
        assert b.candidates and len(b.candidates) <= 3
    assert fused.results[0].candidates[0].article.id == "subtitles"


def test_related_articles_use_the_same_fused_ranking(tmp_path):
    from kb.search.related import related

    corpus = [text for _, text in article_passages(ARTICLES)]
    ranker, _ = load_ranker(str(build_tiny_model(tmp_path / "m", corpus)), tmp_path / "models", tmp_path / "vectors")
    matcher = build_matcher(ARTICLES, tmp_path / "index")
    sections = SectionIndex(ranker, ARTICLES)
    plain, fused = related(ARTICLES, matcher, 3), related(ARTICLES, matcher, 3, sections)
    langs = {a.id: a.lang for a in ARTICLES}
    for article in ARTICLES:
        others = [o.id for o in fused[article.id]]
        assert article.id not in others and len(others) <= 3
        assert all(langs[o] == article.lang for o in others)
    assert any(plain[a.id] != fused[a.id] for a in ARTICLES)  # meaning changed some neighbours


def test_suggestions_use_the_site_section_vectors_when_the_endpoint_has_the_model(tmp_path):
    import json as json_module

    from kb.matching.matcher import build_matcher as matcher_for
    from kb.search.suggest import SECTIONS, SiteSuggester
    from kb.site.manifest import write_endpoint_data

    corpus = [text for _, text in article_passages(ARTICLES)]
    model = build_tiny_model(tmp_path / "m", corpus)
    ranker, _ = load_ranker(str(model), tmp_path / "models", tmp_path / "vectors")
    site = tmp_path / "site"
    stats = matcher_for(ARTICLES, tmp_path / "index").stats
    write_endpoint_data(site, ARTICLES, (), stats, SectionIndex(ranker, ARTICLES))
    assert (site / SECTIONS).is_file()
    with_meaning = SiteSuggester(site, ranker)("subtitles out of sync", "en", 3)
    lexical = SiteSuggester(site)("subtitles out of sync", "en", 3)
    assert with_meaning and with_meaning[0]["url"] == lexical[0]["url"] == "subtitles/"
    assert all(s["url"] in {a.url for a in ARTICLES if a.lang == "en"} for s in with_meaning)
    other, _ = load_ranker(
        str(build_tiny_model(tmp_path / "other", corpus, seed=1)), tmp_path / "models", tmp_path / "v2"
    )
    assert SiteSuggester(site, other)._current().sections is None  # vectors of another model are not used
    write_endpoint_data(site, ARTICLES, (), stats)  # a build without a model removes stale vectors
    assert not (site / SECTIONS).exists()
    assert json_module.loads((site / "kb-articles.json").read_text(encoding="utf-8"))["articles"]
