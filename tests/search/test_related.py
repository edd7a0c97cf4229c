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


def test_scoring_a_few_articles_gives_the_figures_of_scoring_all(tmp_path):
    import numpy as np

    from kb.content.config import load_config
    from kb.content.site import load_site
    from tests.conftest import REPO

    articles = load_site(load_config(REPO / "kb.yml")).articles
    matcher = build_matcher(articles, tmp_path / "index")
    docs = np.array([0, 3, 7, 20, len(articles) - 1])
    for article in articles[:10]:
        query = matcher.query(f"{article.title} {article.summary}")
        scores, coverage = matcher.score(query)
        some_scores, some_coverage = matcher.score_some(query, docs)
        assert np.array_equal(some_scores, scores[docs]) and np.allclose(some_coverage, coverage[docs])


def test_large_help_centers_rank_related_articles_from_a_shortlist_with_the_same_result(tmp_path, monkeypatch):
    import kb.search.related as module
    from kb.content.config import load_config
    from kb.content.site import load_site
    from tests.conftest import REPO

    articles = load_site(load_config(REPO / "kb.yml")).articles
    matcher = build_matcher(articles, tmp_path / "index")
    exact = related(articles, matcher, limit=5)
    assert sum(1 for others in exact.values() if others) > 40
    monkeypatch.setattr(module, "EXACT_UP_TO", 0)  # as if the sample had more articles than scored exactly
    monkeypatch.setattr(module, "RARE_MIN_DF", 7)  # words in at most 10% of the articles find candidates
    shortlisted = related(articles, matcher, limit=5)
    first = sum(1 for a in articles if shortlisted[a.id][:1] == exact[a.id][:1])
    kept = sum(len(set(shortlisted[a.id]) & set(exact[a.id])) for a in articles)
    assert first >= 0.9 * len(articles) and kept >= 0.8 * sum(len(others) for others in exact.values())
    monkeypatch.setattr(module, "RARE_MIN_DF", 14)  # 20%: the same lists, bar a rare tie
    shortlisted = related(articles, matcher, limit=5)
    assert sum(1 for a in articles if shortlisted[a.id] == exact[a.id]) >= len(articles) - 2


def test_term_statistics_without_the_whoosh_index_are_the_index_s(tmp_path):
    import numpy as np

    from kb.content.config import load_config
    from kb.content.site import load_site
    from kb.matching.index import ArticleIndex, term_stats
    from tests.conftest import REPO

    articles = load_site(load_config(REPO / "kb.yml")).articles
    index, _ = ArticleIndex.build(articles, tmp_path / "whoosh")
    expected, direct = index.stats(), term_stats(list(reversed(articles)), tmp_path / "direct")
    assert (direct.key, direct.ids, direct.langs, direct.paths, direct.vocabulary) == (
        expected.key,
        expected.ids,
        expected.langs,
        expected.paths,
        expected.vocabulary,
    )
    for name, postings in expected.fields.items():
        for part in ("terms", "docs", "freqs", "lengths"):
            assert np.array_equal(getattr(direct.fields[name], part), getattr(postings, part)), (name, part)
    assert list((tmp_path / "direct").glob("stats-*.npz"))  # kept for the next build


def _related_ids(found):
    return {key: [o.id for o in others] for key, others in found.items()}


def test_the_preview_recomputes_only_the_lists_an_edit_changes_and_gets_a_full_build_s(tmp_path, monkeypatch):
    import dataclasses

    import kb.search.related as module
    from kb.content.config import load_config
    from kb.content.site import load_site
    from kb.search.related import RelatedMemory
    from tests.conftest import REPO

    articles = load_site(load_config(REPO / "kb.yml")).articles
    by_id = {a.id: a for a in articles}
    english = [a for a in articles if a.lang == "en"]
    first, second, third = english[3], english[10], english[20]
    edits = [
        # a line added to one article's body
        [
            dataclasses.replace(a, body=a.body + "\nPlease allow a few minutes.\n") if a is first else a
            for a in articles
        ],
        # a title taking another article's words
        [dataclasses.replace(a, title=second.title + " again") if a.id == third.id else by_id[a.id] for a in articles],
        # a new article, a copy of another under its own id
        articles + [dataclasses.replace(second, id="copy-of-second", path="account/copy-of-second.md")],
        # an article removed
        [a for a in articles if a.id != second.id],
    ]
    for shortlist in (False, True):
        if shortlist:  # as if the sample had more articles than scored exactly
            monkeypatch.setattr(module, "EXACT_UP_TO", 0)
            monkeypatch.setattr(module, "RARE_MIN_DF", 7)
        memory = RelatedMemory()
        matcher = build_matcher(articles, tmp_path / f"index-{shortlist}")
        memory.adopt(articles, matcher, 5, related(articles, matcher, limit=5))
        assert memory.knows(matcher, 5)
        for number, edited in enumerate(edits):
            matcher = build_matcher(edited, tmp_path / f"index-{shortlist}")
            kept, full = (
                _related_ids(memory.related(edited, matcher, 5)),
                _related_ids(related(edited, matcher, limit=5)),
            )
            if not shortlist and number >= 2:  # the article count moved: a small help center recomputes every list
                assert memory.recomputed == len(edited)
            else:
                assert 0 < memory.recomputed < len(edited)
            if shortlist and number >= 2:
                # an added or removed article moves the frequency of common words, which the shortlisted lists of
                # articles sharing no rarer word with it do not follow: a few lists keep their articles in another
                # order. One article is 1.4% of the sample's 69 (0.01% of 10,000, where one list in 10,000 had two
                # articles swapped), so the bound here is loose: at most 5% of the lists, never other articles
                differing = [key for key in full if kept[key] != full[key]]
                assert len(differing) <= len(full) // 20
                assert all(set(kept[key]) == set(full[key]) for key in differing)
            else:
                assert kept == full, number
        copy_of = "copy-of-second"
        assert not any(copy_of in others for others in kept.values())  # removed again: in no list
    assert not memory.knows(build_matcher(articles, tmp_path / "other", synonyms=(("cash", "money"),)), 5)
    assert not memory.knows(matcher, 3)


def _query_words(matcher, article) -> set[str]:
    query = matcher.query(f"{article.title} {article.summary}")
    return {t for concept in query.concepts for t in concept.terms}


def test_a_shortlisted_list_is_computed_again_when_an_edited_article_can_enter_it_through_its_title(
    tmp_path, monkeypatch
):
    """Above EXACT_UP_TO articles an article enters other lists' shortlists through a word rare among titles (common
    in the text) in its own title. A list reading such a word of an edited article is computed again only when the
    article entered or left its shortlist or was or now scores among its best; the lists stay a full build's."""
    import dataclasses

    import kb.search.related as module
    from benchmarks.corpus import COMMON
    from benchmarks.corpus import articles as synthetic
    from kb.search.related import RelatedMemory

    monkeypatch.setattr(module, "EXACT_UP_TO", 0)  # 600 articles shortlisted, as above 2,000
    articles = synthetic(600)
    # an article of common words only (each in a few titles, most texts)
    reader = dataclasses.replace(articles[0], id="reader", path="account/reader.md", title="Payment refund card")
    articles.append(dataclasses.replace(reader, summary="Order price month year plan.", body="Text."))
    matcher = build_matcher(articles, tmp_path / "index")
    memory = RelatedMemory()
    assert _related_ids(memory.related(articles, matcher, 5)) == _related_ids(related(articles, matcher, 5))
    assert memory.recomputed == len(articles)
    reads = _query_words(matcher, reader)

    def title_word(article) -> str:  # the common word of a synthetic title ("<topic> <common> <topic>")
        return next(
            iter(_query_words(matcher, dataclasses.replace(article, summary="", title=article.title.split()[1])))
        )

    # the best-scored article after the reader's five, with a word of the reader in its title that is rare among
    # titles only
    by_id = {a.id: a for a in articles}
    edited = next(
        by_id[i] for i in _related_ids(related(articles, matcher, 10))["reader"][5:] if title_word(by_id[i]) in reads
    )
    word = title_word(edited)
    assert matcher.title_df(word) <= module.RARE_MIN_DF < matcher.df(word)  # rare among titles only
    readers = {a.id for a in articles if word in _query_words(matcher, a)}
    assert len(readers) > 30

    def update(changed: list) -> dict:
        nonlocal matcher
        matcher = build_matcher(changed, tmp_path / "index")
        kept = _related_ids(memory.related(changed, matcher, 5))
        assert kept == _related_ids(related(changed, matcher, 5))
        return kept

    # a line added: the lists of the articles reading its title's word are not all computed again
    lined = dataclasses.replace(edited, body=edited.body + "\nOne more line.\n")
    update([lined if a.id == edited.id else a for a in articles])
    assert 0 < memory.recomputed < len(readers) // 2
    # its body reads more like the reader: it enters the reader's list. It repeats the reader's words it has already,
    # none of them its title's, and makes no word pair of the reader's: an edit that adds a word or a word pair has
    # the lists reading it computed again in any case
    has = [w for w in COMMON if w in lined.body.lower() and w != edited.title.split()[1]]
    more = " ".join(
        " ".join([w] * 3)
        for w in has
        if _query_words(matcher, dataclasses.replace(reader, title=w, summary="")) & reads
    )
    closer = dataclasses.replace(lined, body=f"{lined.body}\n{more}.\n")
    current = [closer if a.id == edited.id else a for a in articles]
    kept = update(current)
    assert edited.id in kept[reader.id]
    # another article titled with the word, made to hold the word's largest weight in any text: a line added to it
    # moves that weight, and the lists reading the word are still not all computed again (the shortlists count
    # the word's weight bound for a title having it, which no article's length moves)
    other = next(a for a in current if a.id != edited.id and title_word(a) == word)
    heavy = dataclasses.replace(other, body=f"{other.body}\n{' '.join([edited.title.split()[1]] * 12)}.\n")
    current = [heavy if a.id == other.id else a for a in current]
    update(current)
    weights = [matcher.doc_weights(p)[0].get(word, 0.0) for p in range(matcher.size)]
    assert weights[matcher.stats.ids.index(other.id)] == max(weights)
    update(
        [dataclasses.replace(heavy, body=heavy.body + "\nOne more line.\n") if a.id == other.id else a for a in current]
    )
    assert 0 < memory.recomputed < len(readers) // 2


def test_lists_adopted_without_their_bounds_are_computed_again_when_an_edit_may_change_them(tmp_path, monkeypatch):
    import dataclasses

    import kb.search.related as module
    from benchmarks.corpus import articles as synthetic
    from kb.search.related import RelatedMemory

    monkeypatch.setattr(module, "EXACT_UP_TO", 0)
    articles = synthetic(600)
    matcher = build_matcher(articles, tmp_path / "index")
    memory = RelatedMemory()
    memory.adopt(articles, matcher, 5, related(articles, matcher, 5))
    edited = articles[301]
    changed = [dataclasses.replace(a, body=a.body + "\nOne more line.\n") if a is edited else a for a in articles]
    matcher = build_matcher(changed, tmp_path / "index")
    word = next(iter(_query_words(matcher, dataclasses.replace(edited, summary="", title=edited.title.split()[1]))))
    readers = {a.id for a in articles if word in _query_words(matcher, a)}
    assert _related_ids(memory.related(changed, matcher, 5)) == _related_ids(related(changed, matcher, 5))
    assert memory.recomputed >= len(readers)  # none of their bounds known: each reader's list computed again
    memory.related(changed, matcher, 5)
    edited = changed[301]
    again = [dataclasses.replace(a, body=a.body + "\nA second line.\n") if a is edited else a for a in changed]
    matcher = build_matcher(again, tmp_path / "index")
    assert _related_ids(memory.related(again, matcher, 5)) == _related_ids(related(again, matcher, 5))
    assert memory.recomputed < len(readers) // 2  # now known
