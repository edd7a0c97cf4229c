"""Turning text into search terms, the same way for articles and for customers' questions.

English words are lower-cased, stop words dropped and stemmed with porter2 ("resetting" -> "reset", where Whoosh's
default stemmer gives "resett"). Runs of Chinese characters are segmented by jieba in search mode, which also
yields the shorter words inside long ones (忘记密码 -> 忘记, 密码). One analysis serves both languages because
Chinese articles quote English (error codes, "App", "PDF") and customers mix the two. `terms()` is the one
definition; the Whoosh index runs it through `KbTokenizer`, so indexing and querying cannot drift apart.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache

from whoosh.analysis import Token, Tokenizer
from whoosh.lang.porter2 import stem as porter2

_TOKEN = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?|[\u3400-\u9fff]+", re.IGNORECASE)

ENGLISH_STOP_WORDS = frozenset(
    """a about after all also am an and any are as at be been before being but by can could did do does doing
    don for from had has have having he her here hers him his how i if in into is it its itself just me more
    most my myself no nor not now of off on once only or other our ours out over own same she should so some
    such than that the their theirs them then there these they this those through to too under until up very
    was we were what when where which while who whom why will with would you your yours yourself""".split()
)
CHINESE_STOP_WORDS = frozenset(
    """的 了 吗 呢 吧 啊 呀 么 嘛 是 在 我 你 他 她 它 我们 你们 怎么 怎么办 怎样 如何 什么 为什么 哪里 哪儿 哪 啥 咋
    咋办 可以 能 能不能 一下 请问 还 和 与 或 就 就是 都 也 又 才 要 想 想要 会 有 没有 没 不 这个 那个 这 那 个 把
    被 给 让 到 去 来 着 过 后 之后 以后 时 时候 但是 可是 然后 所以 因为 如果 已经 之前 一直 根本 好 里 上 下 得 地 该 这样 那么""".split()
)
STOP_WORDS = ENGLISH_STOP_WORDS | CHINESE_STOP_WORDS
# Contractions typed without their apostrophe, as customers do: stop words like the forms they stand for.
_BARE_CONTRACTIONS = frozenset(
    """arent cant couldnt didnt doesnt dont hadnt hasnt havent id ill im isnt ive shouldnt thats theres theyre
    wasnt werent whats wont wouldnt youre youve""".split()
)


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


@lru_cache(maxsize=100_000)
def latin_term(word: str) -> str:
    word = word.replace("’", "'")
    if word.endswith("n't"):
        return ""  # can't, don't, won't: negated auxiliaries carry no topic
    if "'" in word:
        word = word.split("'")[0]
    return "" if word in ENGLISH_STOP_WORDS or word in _BARE_CONTRACTIONS else porter2(word)


def terms(text: str) -> list[str]:
    """The search terms of a text, in order."""
    found = []
    for match in _TOKEN.finditer(text.lower()):
        word = match.group(0)
        if word[0] < "\u3400":
            term = latin_term(word)
            if term and term not in ENGLISH_STOP_WORDS:
                found.append(term)
        else:
            found += [w for w in _jieba().cut_for_search(word) if w not in CHINESE_STOP_WORDS]
    return found


def query_words(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """A question's words, each with the shorter known words inside it.

    Chinese runs are cut in jieba's precise mode, so 二维码 is one word (with 二维 as a part), not three separate
    concepts that a question would need all of; Latin words are as in `terms()`.
    """
    found: list[tuple[str, tuple[str, ...]]] = []
    for match in _TOKEN.finditer(text.lower()):
        word = match.group(0)
        if word[0] < "\u3400":
            term = latin_term(word)
            if term and term not in ENGLISH_STOP_WORDS:
                found.append((term, ()))
            continue
        for piece in _jieba().cut(word):
            if piece in CHINESE_STOP_WORDS:
                continue
            parts = (
                tuple(p for p in _jieba().cut_for_search(piece) if p != piece and p not in CHINESE_STOP_WORDS)
                if len(piece) > 2
                else ()
            )
            found.append((piece, parts))
    return found


def typed_words(text: str) -> list[str]:
    """A text's words as typed, for showing: Latin words whole, Chinese runs cut into words (jieba's precise mode,
    as `query_words` cuts them), so that 安装ClamAV服务问题 shows as 安装, ClamAV, 服务, 问题."""
    found = []
    for match in _TOKEN.finditer(text):  # the words `terms()` reads, as typed
        word = match.group(0)
        found += [word] if word[0] < "\u3400" else list(_jieba().cut(word))
    return found


def pairs(words: list[str]) -> list[str]:
    """Adjacent term pairs: matching one is phrase evidence ("reset password" rather than "reset" ... "password")."""
    return [f"{a}_{b}" for a, b in zip(words, words[1:])]


class KbTokenizer(Tokenizer):
    """Whoosh's view of `terms()`: one token per term, positions counted in terms."""

    def __call__(
        self,
        value,
        positions=False,
        chars=False,
        keeporiginal=False,
        removestops=True,
        start_pos=0,
        start_char=0,
        tokenize=True,
        mode="",
        **kwargs,
    ):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for position, term in enumerate(terms(value) if tokenize else [value], start_pos):
            token.text = term
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = term
            if positions:
                token.pos = position
            yield token
