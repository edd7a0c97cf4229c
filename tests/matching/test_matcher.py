from kb.matching.index import _field_texts, term_stats
from kb.matching.matcher import Matcher, Params, build_matcher
from kb.model import Article


def _article(id, title, body):
    return Article(id=id, path=f"{id}.md", title=title, lang="en", body=body)


def test_a_title_naming_the_question_outranks_a_body_repeating_its_words(tmp_path):
    articles = [
        _article("clipper", "Web clipper", "Install it from your browser's store. It saves a page as a note."),
        _article(
            "tips",
            "Tips",
            "Notes sync in the background. " * 3 + "The web clipper connects to the desktop app; the clipper "
            "needs the desktop app running, and the clipper asks for a token. Sync your notes daily.",
        ),
        _article("sync", "Synchronisation", "Notes sync between devices through a sync target."),
    ]
    matcher = build_matcher(articles, tmp_path / "index")
    top = matcher.rank(matcher.query("web clipper cannot connect"), limit=2)
    assert [matcher.stats.ids[r.position] for r in top] == ["clipper", "tips"]

    without = Matcher(term_stats(articles, tmp_path / "index"), Params(title_weight=0))
    top = without.rank(without.query("web clipper cannot connect"), limit=1)
    assert without.stats.ids[top[0].position] == "tips"  # inside BM25F alone, the repeating body wins


def test_the_sections_above_a_page_in_its_nav_title_are_read_as_context_not_title():
    texts = _field_texts(
        Article(id="db/backup", path="db/backup.md", title="Databases › Backups", lang="en", headings=("Steps",))
    )
    assert texts["title"] == "Backups"
    assert texts["headings"] == "Databases\nSteps"
    plain = _field_texts(Article(id="a", path="a.md", title="Reset your password", lang="en"))
    assert plain["title"] == "Reset your password" and plain["headings"] == ""


def test_a_word_common_in_the_text_but_rare_among_titles_picks_shortlist_candidates(tmp_path):
    articles = [_article("export", "Export", "Choose a format.")] + [
        _article(f"other-{i}", f"Topic {i}", f"Export is mentioned here, page {i}.") for i in range(9)
    ]
    matcher = build_matcher(articles, tmp_path / "index")
    assert matcher.df("export") == 10 and matcher.title_df("export") == 1
    docs, _ = matcher.candidates(matcher.query("export"), max_df=2)
    assert [matcher.stats.ids[d] for d in docs] == ["export"]


def test_a_help_center_with_no_articles_matches_nothing(tmp_path):
    matcher = build_matcher([], tmp_path / "index")
    assert matcher.rank(matcher.query("reset password")) == []
    docs, _ = matcher.candidates(matcher.query("reset password"), max_df=5)
    assert len(docs) == 0


def test_a_term_has_the_same_position_whether_looked_up_by_its_number_or_by_the_vocabulary(tmp_path):
    from dataclasses import replace

    first = [_article("a", "Reset your password", "Open settings."), _article("b", "Refunds", "Money back.")]
    stats = term_stats(first, tmp_path / "one", snapshot_new=False)
    numbered, listed = stats.positions(), replace(stats, by_number=None).positions()
    assert type(numbered) is not type(listed)  # the first from the terms' numbers, the second a dict over them all
    later = term_stats([_article("c", "Zebra crossing", "Unheard words.")], tmp_path / "two", snapshot_new=False)
    for term in (*stats.vocabulary, *later.vocabulary, "never-seen"):
        assert numbered[term] == listed[term]  # terms numbered after these statistics were made: None in both
    assert [numbered[t] for t in stats.vocabulary] == list(range(len(stats.vocabulary)))
    assert numbered["zebra"] is None and later.positions()["zebra"] is not None
    fresh = stats.positions()  # nothing asked yet: get and in answer as [] does
    assert fresh.get("password") == listed["password"] is not None and "password" in fresh
    assert fresh.get("zebra", -1) == -1 and "zebra" not in fresh and "zebra" not in listed
    matcher = Matcher(stats)
    assert matcher.df("password") == 1 and matcher.df("zebra") == 0
