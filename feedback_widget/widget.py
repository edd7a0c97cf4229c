"""The widget's side of the site build: its theme folder, Material's feedback settings, and its labels.

Material renders the hidden `<form name="feedback">` from `extra.analytics.feedback` and includes the analytics
partial named by `extra.analytics.provider`; ours (`theme/partials/integrations/analytics/kb.html`) renders the
article id, language, endpoint and labels into article pages and loads the script that un-hides the form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .votes import REASONS

THEME_DIR = Path(__file__).resolve().parent / "theme"
PROVIDER = "kb"
DEFAULT_ENDPOINT = "/api/feedback"

# Every text the reader sees, by the article's language (page.meta.kb_lang). Keys are used by feedback.js.
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "question": "Was this article helpful?",
        "yes": "Yes",
        "no": "No",
        "reasons": "What was wrong? (optional)",
        "outdated": "It is out of date",
        "unclear": "It is hard to understand",
        "not_solved": "It did not solve my problem",
        "missing": "Something is missing",
        "comment": "Anything else you want to tell us? (optional)",
        "send": "Send",
        "thanks": "Thank you for your feedback.",
        "thanks_no": "Thank you. You can tell us more below.",
    },
    "zh": {
        "question": "这篇文章对您有帮助吗？",
        "yes": "有帮助",
        "no": "没有帮助",
        "reasons": "哪里有问题？（可选）",
        "outdated": "内容已过时",
        "unclear": "看不明白",
        "not_solved": "没有解决我的问题",
        "missing": "缺少一些信息",
        "comment": "还有什么想告诉我们的吗？（可选）",
        "send": "发送",
        "thanks": "感谢您的反馈。",
        "thanks_no": "感谢您的反馈。您可以在下方告诉我们更多。",
    },
}


def reason_labels(lang: str = "en") -> dict[str, str]:
    """What each vote reason code means, in words, for reports."""
    labels = LABELS.get(lang, LABELS["en"])
    return {code: labels[code] for code in REASONS}


def sibling(endpoint: str, route: str) -> str:
    """Another route of the same endpoint: /api/feedback -> /api/search-miss, http://h:1/api/feedback -> http://h:1/api/suggest."""
    base = endpoint[: -len(DEFAULT_ENDPOINT)] if endpoint.endswith(DEFAULT_ENDPOINT) else endpoint.rsplit("/api/", 1)[0]
    return f"{base}/api/{route}"


def analytics(endpoint: str = DEFAULT_ENDPOINT, lang: str = "en") -> dict[str, Any]:
    """`extra.analytics` for Material: our provider, its feedback form, and what our partial reads."""
    labels = LABELS.get(lang, LABELS["en"])
    ratings = [
        {"icon": "material/thumb-up-outline", "name": labels["yes"], "data": 1, "note": ""},
        {"icon": "material/thumb-down-outline", "name": labels["no"], "data": 0, "note": ""},
    ]
    return {
        "provider": PROVIDER,
        "feedback": {"title": labels["question"], "ratings": ratings},
        "kb_endpoint": endpoint,
        "kb_search_misses": sibling(endpoint, "search-miss"),
        "kb_suggest": sibling(endpoint, "suggest"),
        "kb_labels": LABELS,
    }


def merge_analytics(current: dict[str, Any] | None, endpoint: str, lang: str = "en") -> dict[str, Any]:
    """The site's `extra.analytics` with the widget in it; a site that set its own provider keeps it unchanged."""
    ours = analytics(endpoint, lang)
    if not current:
        return ours
    if current.get("provider") == PROVIDER:  # the site tuned the form itself: fill in only what it left out
        return {**ours, **current}
    return current


def hide_unless_article(meta: dict[str, Any]) -> None:
    """Tell Material not to render the form at all on pages that are not articles (home, landing, reports)."""
    if meta.get("kb_article"):
        return
    hide = meta.get("hide")
    hide = list(hide) if isinstance(hide, (list, tuple)) else ([hide] if hide else [])
    if "feedback" not in hide:
        meta["hide"] = [*hide, "feedback"]
