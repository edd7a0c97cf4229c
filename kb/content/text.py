"""Small text helpers shared by loading, scaffolding and imports."""

from __future__ import annotations

import hashlib
import re
import unicodedata

CJK = re.compile(r"[\u3400-\u9fff]")  # the Chinese characters kb segments with jieba
# A tag a ticket's subject carries around the question: [BUG], [Feature Request], 【求助】.
BRACKET_TAG = r"\[[^\]]{1,20}\]|【[^】]{1,20}】"
_WORD = re.compile(r"[a-z0-9]+")
_SPACE = re.compile(r"\s+")


def slugify(text: str, max_words: int = 8) -> str:
    """An ascii slug of the text's words; empty when the text has none (Chinese, say)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace("'", "")
    return "-".join(_WORD.findall(ascii_text)[:max_words])


def pinyin_slug(title: str, max_words: int = 8) -> str:
    """An ascii slug for Chinese text: each word's pinyin, words joined by '-' (如何申请退款 -> ruhe-shenqing-tuikuan);
    Latin words in it stay as they are."""
    import jieba
    from pypinyin import lazy_pinyin

    jieba.setLogLevel(60)  # no "Building prefix dict" chatter on the terminal
    words = ["".join(lazy_pinyin(word)) if CJK.search(word) else word for word in jieba.lcut(title)]
    return slugify(" ".join(words), max_words)


def readable_slug(text: str, max_words: int = 8) -> str:
    """The text's slug, through pinyin when it has Chinese; empty when it has no word either way."""
    return pinyin_slug(text, max_words) if CJK.search(text) else slugify(text, max_words)


def text_id(text: str, prefix: str = "q") -> str:
    """A readable id for a question: its slug (pinyin for Chinese: 忘记了用户名 -> wangji-le-yonghuming), or a short
    hash when it has no word to spell. Tags a ticket's subject opens or ends with ([BUG], 【求助】) are not part
    of the question's name."""
    return (
        readable_slug(_EDGE_TAGS.sub(" ", text))
        or readable_slug(text)
        or f"{prefix}-{hashlib.sha1(normalise(text).encode()).hexdigest()[:8]}"
    )


_EDGE_TAGS = re.compile(rf"^(?:\s*(?:{BRACKET_TAG})[\s:：]*)+|(?:\s*(?:{BRACKET_TAG}))+\s*$")


def normalise(text: str) -> str:
    """The form two wordings must share to count as the same question."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = _SPACE.sub(" ", text)
    return text.rstrip("?？!！.。 ")


# Reply and forward prefixes that ticket subjects carry: Re:, Fwd:, FW:, AW: and WG: (German), SV:/VS: (Nordic),
# 回复:, 答复: and 转发: (Chinese, with either colon), as many as there are.
_PREFIX = re.compile(r"^(?:\s*(?:re|fwd?|aw|wg|sv|vs|回复|答复|转发)\s*(?:\[\d+\])?\s*[:：]\s*)+", re.IGNORECASE)
# Words that carry no part of what is asked: two wordings that differ only in these ask the same question.
_FUNCTION_WORDS = frozenset(
    "a an the i me my we our us you your it its is are am was were be been do does did can could would should will "
    "shall may might must to of in on for with at by from and or there this that these those please hi hello have "
    "has had get got any some".split()
)
_SENTENCE_PARTICLES = frozenset("吗呢吧啊呀嘛")
_QUESTION_TOKENS = re.compile(r"[a-z0-9]+|[\u3400-\u9fff]")


def strip_reply_prefix(text: str) -> str:
    """`Re: Fwd: How do I ...` -> `How do I ...`."""
    return _PREFIX.sub("", text).strip()


def question_key(text: str) -> str:
    """The question's words, normalised: case, width, punctuation of any language, reply prefixes and function
    words left out. Two wordings with the same key ask the same question."""
    text = unicodedata.normalize("NFKC", strip_reply_prefix(text)).casefold().replace("'", "").replace("’", "")
    words = [w for w in _QUESTION_TOKENS.findall(text) if w not in _FUNCTION_WORDS and w not in _SENTENCE_PARTICLES]
    return " ".join(words) or normalise(text)


# Words that name the product or ask whether something exists rather than what: "Do you offer a dark mode?" and
# "Does the app have a dark mode?" ask the same thing. Used only as a second, looser match on imports.
_GENERIC_WORDS = frozenset(
    "offer offers provide provides support supports supported available exist exists possible app apps application "
    "website site service feature features option options way".split()
)


def question_core(text: str) -> str:
    """`question_key` without the generic words; empty when nothing else is left."""
    return " ".join(w for w in question_key(text).split() if w not in _GENERIC_WORDS)


def unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


# What a page's language is not told by: code (fenced, even inside an indented block, or inline), link targets
# and addresses, HTML tags.
_NOT_PROSE = re.compile(
    r"^[ \t]*(```|~~~)[^\n]*\n.*?^[ \t]*\1[ \t]*$|`[^`\n]*`|\]\([^)]*\)|https?://\S+|<[^>]{1,500}>", re.M | re.S
)
_LATIN = re.compile(r"[A-Za-z]")


def detect_lang(text: str) -> str:
    """zh when a good part of the text's letters are Chinese, else en: for folders and files that do not say.
    Code, links and tags are left out: a Chinese page that lists commands and a configuration file is still a
    Chinese page."""
    prose = _NOT_PROSE.sub(" ", text)
    cjk = len(CJK.findall(prose))
    return "zh" if cjk and cjk * 4 >= len(_LATIN.findall(prose)) else "en"


def question_lang(text: str) -> str:
    """A question's language: zh when it holds Chinese words at all. Chinese customers name products, errors and
    settings in English ("OneDrive 报错 invalid_grant"); English customers do not write Chinese."""
    return "zh" if len(CJK.findall(text)) >= 2 else "en"
