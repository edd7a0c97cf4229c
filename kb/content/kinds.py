"""What kind of question a ticket or issue title is: a how-to or problem (the knowledge base's business), a bug
report or a feature request (the product team's). Told from the wording when the support lead did not say."""

from __future__ import annotations

import re

_OPEN = r"^\s*[\[【(（]?\s*"
_FEATURE = re.compile(
    _OPEN + r"(feature|feat|fr|enhancement|request|suggestion|idea|proposal|需求|建议|功能建议|新功能)\b"
    r"|\b(feature request|please (add|support|make)|can you (add|support|make)|could you (add|support)"
    r"|would (be|love) (nice|great|good|helpful|to)|add (an? |the )?(option|support|ability|setting|feature|way)"
    r"|support for|ability to|it would be|should (be able|allow|support|have|not require|let))\b"
    # A title that is an order, not a question: "Add icons for logins", "Allow users to ...", "LDAPS support".
    r"|^\s*(allow|implement|introduce|consider|integrate|make it possible|option to|let users)\b(?!.*[?？]\s*$)"
    r"|希望|建议|能否(增加|添加|支持|加)|能不能(增加|添加|支持|加)|可否(增加|添加|支持)|请求(增加|添加|支持)"
    r"|增加.{0,12}功能|添加.{0,12}功能|新增|支持.{0,20}[吗么]|可以支持|求支持|需求",
    re.IGNORECASE,
)
# Customers tag many a problem "[BUG]" (issue templates ask them to): only the wording counts, not the tag.
_TAG = re.compile(_OPEN + r"(bug|问题|question|help|求助)\s*[\]】)）:：-]?\s*", re.IGNORECASE)
_BUG = re.compile(r"\b(bug|crash(es|ed|ing)?|regression|segfault)\b|崩溃|闪退|缺陷", re.IGNORECASE)


def question_kind(text: str, declared: str = "") -> str:
    """`question`, `bug` or `feature`: as declared, else from the wording (a bug tag wins over a wish)."""
    if declared:
        return declared
    if _BUG.search(_TAG.sub("", text, count=1)):
        return "bug"
    if _FEATURE.search(text):
        return "feature"
    return "question"
