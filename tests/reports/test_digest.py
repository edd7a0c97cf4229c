"""`kb feedback digest`: what readers said in a period, for the product team, as Markdown or HTML."""

from __future__ import annotations

import datetime as dt

import pytest

from feedback_widget.misses import SearchMiss
from feedback_widget.reports import read_window
from feedback_widget.sqlite_store import SqliteStore
from feedback_widget.votes import Vote
from kb.model import Question
from kb.reports.digest import build_digest, to_html, to_markdown, window
from tests.conftest import REPO

ARTICLE = "payments/request-a-refund"
COMMENT = "Jane <script>alert(1)</script> | jane@example.com"


def _store_votes(db, day: dt.date, votes, misses=()):
    store = SqliteStore(db, clock=lambda: dt.datetime.combine(day, dt.time(12), dt.UTC))
    try:
        store.add_votes(votes)
        if misses:
            store.add_search_misses(misses)
    finally:
        store.close()


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "votes.db"
    q3, q4 = dt.date(2026, 8, 10), dt.date(2026, 11, 3)
    _store_votes(path, q3, [Vote(ARTICLE, True, voter=f"r{i}") for i in range(3)] + [Vote(ARTICLE, False, voter="x")])
    votes = [Vote(ARTICLE, False, "not_solved", COMMENT, voter="a"), Vote(ARTICLE, False, "outdated", voter="b")]
    votes += [Vote(ARTICLE, False, "not_solved", voter=f"n{i}") for i in range(2)] + [Vote(ARTICLE, True, voter="c")]
    votes += [Vote("account/reset-your-password", True, voter=f"h{i}") for i in range(5)]
    _store_votes(path, q4, votes, [SearchMiss("wechat pay", "en"), SearchMiss("wechat pay", "en")])
    _store_votes(path, dt.date(2027, 1, 5), [Vote(ARTICLE, False, "unclear", "next quarter", voter="z")])
    return path


def test_a_period_and_the_one_before(db):
    win = window("2026-Q4", None, dt.date(2027, 2, 1))
    assert (win.start, win.end, win.previous_label) == (dt.date(2026, 10, 1), dt.date(2026, 12, 31), "2026-Q3")
    now, before = read_window(db, win.start, win.end), read_window(db, win.previous_start, win.previous_end)
    assert (now.helpful, now.not_helpful, before.helpful, before.not_helpful) == (6, 4, 3, 1)
    assert now.reasons == (("not_solved", 3), ("outdated", 1))
    assert [c.text for c in now.comments] == [COMMENT]  # not the next quarter's
    assert [(m.query, m.count) for m in now.missed_searches] == [("wechat pay", 2)]
    digest = build_digest(win, now, before, {ARTICLE: "Request a refund"})
    assert digest.change == pytest.approx(-15.0)
    assert [a.article for a in digest.weakest] == [ARTICLE]


def test_since_counts_days_back_from_today():
    win = window(None, "30d", dt.date(2026, 11, 30))
    assert (win.start, win.end) == (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert (win.previous_start, win.previous_end) == (dt.date(2026, 10, 2), dt.date(2026, 10, 31))
    assert window(None, "2w", dt.date(2026, 11, 30)).start == dt.date(2026, 11, 17)
    for bad in ("30", "0d", "month"):
        with pytest.raises(ValueError):
            window(None, bad, dt.date(2026, 11, 30))
    with pytest.raises(ValueError):
        window("Q4", None, dt.date(2026, 11, 30))


def test_markdown_and_html_say_it_in_words_with_readers_text_escaped(db):
    win = window("2026-Q4", None, dt.date(2027, 2, 1))
    questions = [
        Question("dark-mode", "Do you offer a dark mode?", "en", volume=55, kind="feature"),
        Question("crash", "The app crashes on start | <b>", "en", volume=80, kind="bug"),
        Question("refund", "How do I get a refund?", "en", volume=300, kind="question"),
        Question("export", "Can you add an export to PDF?", "en", volume=12),  # a wish, by its wording
    ]
    digest = build_digest(
        win,
        read_window(db, win.start, win.end),
        read_window(db, win.previous_start, win.previous_end),
        {ARTICLE: "Request a refund"},
        questions,
        "Studyloop",
    )
    md = to_markdown(digest)
    assert md.startswith("# Studyloop: what readers said in 2026-Q4\n\n1 Oct 2026 to 31 Dec 2026.")
    assert "**60% of 10 votes said the article helped**; down 15 points from 2026-Q3 (75% of 4 votes)." in md
    assert "| It did not solve my problem | 3 | 75% |" in md
    assert "not_solved" not in md
    assert "| Request a refund | 20% | 5 |" in md
    assert "Jane &lt;script&gt;alert(1)&lt;/script&gt; \\| jane@example.com" in md and "<script>" not in md
    assert "| feature request | 55 | Do you offer a dark mode? |" in md
    assert "| feature request | 12 | Can you add an export to PDF? |" in md
    assert "| bug report | 80 | The app crashes on start \\| &lt;b&gt; |" in md
    assert "How do I get a refund" not in md
    assert "| 2 | wechat pay |" in md
    page = to_html(digest)
    assert page.startswith("<!doctype html>") and "<style" not in page and "<script" not in page
    assert "Jane &lt;script&gt;alert(1)&lt;/script&gt; | jane@example.com" in page
    assert "It did not solve my problem" in page and "feature request" in page and "wechat pay" in page


def test_kb_feedback_digest_renders_for_the_sample(kb, db, tmp_path):
    args = ["--config", str(REPO / "kb.yml"), "feedback", "digest", "--db", str(db)]
    result = kb(*args, "--period", "2026-Q4")
    assert result.code == 0, result.err
    assert "# what readers said in 2026-Q4" in result.out and "| Request a refund | 20% | 5 |" in result.out
    out = tmp_path / "digest.html"
    result = kb(*args, "--since", "30d", "--format", "html", "--out", str(out))
    assert result.code == 0, result.err
    assert "what readers said in the last 30 days" in out.read_text(encoding="utf-8")
    assert kb(*args).code == 2  # --period or --since
    assert kb(*args, "--period", "last quarter").code == 2
    assert (
        kb(
            "--config", str(REPO / "kb.yml"), "feedback", "digest", "--db", str(tmp_path / "none.db"), "--since", "30d"
        ).code
        == 2
    )
