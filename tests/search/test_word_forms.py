from kb.search.word_forms import FIELD, add_to_search_index, extra_terms, forms
from tests.coverage.test_coverage import ARTICLES


def test_forms_of_nouns_and_verbs():
    assert {"passwords"} <= forms("password")
    assert {"resetting", "resets"} <= forms("reset")
    assert forms("policies") == {"policy"} and forms("refunds") == {"refund"}
    assert {"changing", "changed", "changes"} <= forms("change")


def test_extra_terms_skip_stop_words_contractions_and_words_present():
    extra = extra_terms("Reset your password", "You didn't reset passwords").split()
    assert "resetting" in extra and "password" not in extra and "passwords" not in extra
    assert not any(w.startswith(("your", "didn")) for w in extra)


def test_search_index_gets_a_field_for_english_articles_only():
    index = {
        "config": {"fields": {"title": {"boost": 1000.0}}},
        "docs": [
            {"location": "reset-password/", "title": "x", "text": ""},
            {"location": "zh-password/", "title": "y", "text": ""},
            {"location": "reset-password/#steps", "title": "z", "text": ""},
        ],
    }
    out = add_to_search_index(index, ARTICLES)
    assert "passwords" in out["docs"][0][FIELD].split()
    assert FIELD not in out["docs"][1] and FIELD not in out["docs"][2]
    assert out["config"]["fields"][FIELD]["boost"] < out["config"]["fields"]["title"]["boost"]
