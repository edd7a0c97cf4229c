from kb.model import Article, Question
from kb.search.ticket_words import FIELD, LANDING_BOOST, SEPARATOR, add_questions_to_index, synonyms_of

REFUND = Article(
    id="request-a-refund",
    path="payments/request-a-refund.md",
    title="Request a refund",
    category="payments",
    lang="en",
    covers=("how-to-request-refund",),
)
ZH_REFUND = Article(
    id="zh-request-refund",
    path="zh/payments/request-refund.md",
    title="申请退款",
    category="payments",
    lang="zh",
    covers=("zh-refund",),
)
UNCOVERED = Article(id="tablet", path="mobile/tablet.md", title="Use a tablet", category="mobile", lang="en")
QUESTIONS = [
    Question(
        id="how-to-request-refund",
        question="How do I get my money back?",
        lang="en",
        variants=("refund request for a course",),
    ),
    Question(id="zh-refund", question="买错了能退吗", lang="zh", variants=("不想学了退钱",)),
    Question(id="not-covered", question="Where is my certificate?", lang="en"),
]


def index_of(*locations: str) -> dict:
    return {
        "config": {"fields": {"title": {"boost": 1000.0}, "text": {"boost": 1.0}}},
        "docs": [{"location": loc, "title": "t", "text": ""} for loc in locations],
    }


def test_an_article_entry_holds_the_words_of_the_questions_it_covers_below_the_title():
    index = index_of("payments/request-a-refund/", "payments/request-a-refund/#steps", "mobile/tablet/")
    out = add_questions_to_index(index, [REFUND, UNCOVERED], QUESTIONS)
    words = out["docs"][0][FIELD].split()
    assert {"money", "back", "refund", "request", "course"} <= set(words)
    assert "refunds" in words  # the words' other forms, as for titles
    assert "certificate" not in words  # a question the article does not cover
    assert FIELD not in out["docs"][1] and FIELD not in out["docs"][2]  # sections and articles covering nothing
    fields = out["config"]["fields"]
    assert fields["text"]["boost"] < fields[FIELD]["boost"] < fields["title"]["boost"]


def test_support_synonyms_join_the_customers_words():
    out = add_questions_to_index(index_of("payments/request-a-refund/"), [REFUND], QUESTIONS)
    words = out["docs"][0][FIELD].split()
    assert {"reimburse", "chargeback"} <= set(words)  # "refund" and "money back" are one synonym group


def test_synonym_phrases_match_as_consecutive_words():
    assert "login" in synonyms_of(["I can't log in"], (("log in", "login"),))
    assert synonyms_of(["log the time in"], (("log in", "login"),)) == []
    assert "退钱" in synonyms_of(["申请退款"], (("退款", "退钱"),))


def test_chinese_questions_are_segmented_as_the_search_plugin_segments_pages():
    out = add_questions_to_index(index_of("zh/payments/request-refund/"), [ZH_REFUND], QUESTIONS)
    words = [w for w in out["docs"][0][FIELD].split(SEPARATOR) if w.strip()]
    assert "退钱" in words and "买错" in words
    assert "退费" in words  # from the synonym group of 退款, the title's word


def test_landing_pages_rank_below_articles():
    index = index_of("", "#how-can-we-help", "zh/", "payments/request-a-refund/")
    out = add_questions_to_index(index, [REFUND], QUESTIONS, landing_urls=["", "zh/"])
    assert [d.get("boost") for d in out["docs"]] == [LANDING_BOOST, LANDING_BOOST, LANDING_BOOST, None]
