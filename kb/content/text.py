"""Small text helpers shared by loading, scaffolding and imports."""

from __future__ import annotations

import hashlib
import re
import unicodedata

CJK = re.compile(r"[\u3400-\u9fff]")  # the Chinese characters kb segments with jieba
_WORD = re.compile(r"[a-z0-9]+")
_SPACE = re.compile(r"\s+")


def slugify(text: str, max_words: int = 8) -> str:
    """An ascii slug of the text's words; empty when the text has none (Chinese, say)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower().replace("'", "")
    return "-".join(_WORD.findall(ascii_text)[:max_words])


def text_id(text: str, prefix: str = "q") -> str:
    """A readable id for a question: its slug, or a short hash when it has no ascii words."""
    return slugify(text) or f"{prefix}-{hashlib.sha1(normalise(text).encode()).hexdigest()[:8]}"


def normalise(text: str) -> str:
    """The form two wordings must share to count as the same question."""
    text = unicodedata.normalize("NFKC", text).casefold().strip()
    text = _SPACE.sub(" ", text)
    return text.rstrip("?？!！.。 ")


def unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def detect_lang(text: str) -> str:
    """zh when a good part of the text is Chinese, else en: for folders and files that do not say."""
    cjk = len(CJK.findall(text))
    return "zh" if cjk and cjk * 4 >= len(text.replace(" ", "")) else "en"
