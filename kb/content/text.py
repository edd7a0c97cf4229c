"""Small text helpers shared by loading, scaffolding and imports."""

from __future__ import annotations

import hashlib
import re
import unicodedata

CJK = re.compile(r"[\u3400-\u9fff]")  # the Chinese characters kb segments with jieba
_WORD = re.compile(r"[a-z0-9]+")
_SPACE = re.compile(r"\s+")
# What a terminal or a page would act on rather than show: ANSI escape sequences (colours, cursor moves, window
# titles), then the other C0 and C1 control characters (BEL, ESC, CR, ...; tab and newline stay) and the
# bidirectional overrides that make text read differently from what it is.
_ESCAPE_SEQUENCE = re.compile(r"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def without_controls(text: str) -> str:
    """`text` without escape sequences and control characters, for printing to a terminal or writing in a page."""
    if text.isprintable():  # the common case, checked in C
        return text
    return _CONTROL.sub("", _ESCAPE_SEQUENCE.sub("", text))


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
