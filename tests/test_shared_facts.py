"""Facts declared once in Python; where SQL or JavaScript must repeat one, it is checked against the Python."""

from __future__ import annotations

import re

from feedback_widget import misses, votes, widget
from feedback_widget.migrate import MIGRATIONS_DIR
from kb.model import LANGUAGES
from tests.conftest import REPO

ASSETS = REPO / "feedback_widget" / "theme" / "assets" / "kb-feedback"


def test_the_endpoint_accepts_the_languages_kb_writes():
    assert misses.LANGS == LANGUAGES
    assert set(widget.LABELS) == set(LANGUAGES)


def test_the_widget_script_repeats_the_reasons_and_limits_exactly():
    script = (ASSETS / "feedback.js").read_text(encoding="utf-8")
    reasons = re.search(r"var REASONS = \[([^\]]*)\]", script).group(1)
    assert tuple(r.strip().strip('"') for r in reasons.split(",")) == votes.REASONS
    assert re.search(r"var COMMENT_MAX = (\d+);", script).group(1) == str(votes.COMMENT_MAX_CHARS)
    assert all(reason in widget.LABELS[lang] for lang in LANGUAGES for reason in votes.REASONS)


def test_the_search_scripts_repeat_the_query_limit_exactly():
    miss = (ASSETS / "search-miss.js").read_text(encoding="utf-8")
    assert re.search(r"var MAX_CHARS = (\d+);", miss).group(1) == str(misses.QUERY_MAX_CHARS)
    suggest = (ASSETS / "suggest.js").read_text(encoding="utf-8")
    assert re.findall(r"query\.slice\(0, (\d+)\)", suggest) == [str(misses.QUERY_MAX_CHARS)]


def test_the_schema_repeats_the_comment_limit_exactly():
    sql = "\n".join(p.read_text(encoding="utf-8") for p in sorted(MIGRATIONS_DIR.glob("*.sql")))
    limits = set(re.findall(r"length\(comment\)\s*<=\s*(\d+)", sql))
    assert limits == {str(votes.COMMENT_MAX_CHARS)}
    reasons = re.findall(r"reason IN \(([^)]*)\)", sql)
    assert reasons
    for found in reasons:
        assert tuple(r.strip().strip("'") for r in found.split(",")) == votes.REASONS
