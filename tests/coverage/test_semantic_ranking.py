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


AUDITED = {
    "reset.md": "---\ntitle: Reset your password\n---\n\n## From the sign-in page\n\nChoose Forgot password. {tail}\n",
    "refund.md": "---\ntitle: Request a refund\n---\n\n## Within 30 days\n\nOpen Purchases and choose Refund.\n",
    "subtitles.md": "---\ntitle: Subtitles out of sync\n---\n\n## Fix the timing\n\nReload the video player.\n",
}


def audited_folder(root, tail: str = ""):
    """A folder of Markdown nobody tagged and its questions CSV; `tail` ends the reset article's one section."""
    for name, text in AUDITED.items():
        (root / "docs").mkdir(parents=True, exist_ok=True)
        (root / "docs" / name).write_text(text.format(tail=tail), encoding="utf-8")
    questions = root / "questions.csv"
    questions.write_text("question,count\nI forgot my password,10\nmoney back for a course,5\n", encoding="utf-8")
    return root / "docs", questions


def loads_counted(monkeypatch) -> list[str]:
    """A process with no model loaded yet; returns the models loaded from local files from now on."""
    from kb.matching import semantic

    monkeypatch.setattr(semantic, "_loaded", {})
    monkeypatch.setattr(semantic, "_loading", {})
    loads: list[str] = []
    real = semantic._load_locally
    monkeypatch.setattr(semantic, "_load_locally", lambda choice: loads.append(choice.label) or real(choice))
    return loads


def test_a_rerun_with_every_vector_cached_loads_no_model(tmp_path, monkeypatch):
    from kb.coverage.audit import foreign_report
    from kb.matching import semantic

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    docs, questions = audited_folder(tmp_path)
    model = str(build_tiny_model(tmp_path / "m", list(AUDITED.values()) + ["I forgot my password money back"]))
    loads = loads_counted(monkeypatch)
    first, _ = foreign_report(docs, questions, 0.0, embedding_model=model)
    assert first.semantic == f"on ({model})" and loads == [model]

    semantic._loaded.clear()  # as in a new process
    again, _ = foreign_report(docs, questions, 0.0, embedding_model=model)
    assert again.semantic == f"on ({model})" and loads == [model]  # every vector cached: nothing loaded
    assert again.results == first.results

    # An edit past the part of a section that is embedded (its first SECTION_CHARS characters) changes no vector.
    filler = "Words that matter little. " * (semantic.SECTION_CHARS // 20)
    audited_folder(tmp_path, tail=filler)
    foreign_report(docs, questions, 0.0, embedding_model=model)
    semantic._loaded.clear()
    loads.clear()
    audited_folder(tmp_path, tail=filler + "One more sentence at the end.")
    assert foreign_report(docs, questions, 0.0, embedding_model=model)[0].semantic == f"on ({model})"
    assert loads == []

    audited_folder(tmp_path, tail="An edit inside the embedded part.")  # the section's vector must be made again
    assert foreign_report(docs, questions, 0.0, embedding_model=model)[0].semantic == f"on ({model})"
    assert loads == [model]


def test_a_broken_model_folder_reports_off_and_ranks_lexically(tmp_path, monkeypatch):
    import shutil

    from kb.coverage.audit import foreign_report

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    docs, questions = audited_folder(tmp_path)
    broken = tmp_path / "broken"
    shutil.copytree(build_tiny_model(tmp_path / "m", list(AUDITED.values())), broken)
    (broken / "model.onnx").write_bytes(b"not a model")
    loads = loads_counted(monkeypatch)
    report, _ = foreign_report(docs, questions, 0.0, embedding_model=str(broken))
    assert loads == [str(broken)]
    assert report.semantic.startswith(f"off (model folder {broken} could not be loaded (")
    lexical, _ = foreign_report(docs, questions, 0.0, embeddings=False)
    assert report.results == lexical.results


def test_a_build_session_starts_loading_the_model_with_the_session(site, tmp_path, monkeypatch):
    from kb.site import session as sessions

    model = build_tiny_model(tmp_path / "tiny-model", [text for _, text in article_passages(ARTICLES)])
    site.write("kb.yml", site.config.read_text(encoding="utf-8") + f"coverage:\n  embedding_model: {model}\n")
    loads = loads_counted(monkeypatch)
    monkeypatch.setattr(sessions, "_sessions", {})
    session = sessions.open_session(site.config)
    assert session.semantic_start.prepared.loading  # before anything asked for the sections
    sections, status = session.semantic
    assert status == f"on ({model})" and sections is not None and loads == [str(model)]
