"""Words customers use for the same thing, as stemmed terms. Each group is a set of interchangeable words.

A help center says "sign in" and "refund"; customers write "login" and "money back". The groups are kept short
and specific: a loose synonym turns near misses into false matches.
"""

from __future__ import annotations

from functools import lru_cache

from kb.content.text import CJK
from kb.matching.analysis import terms

GROUPS: tuple[tuple[str, ...], ...] = (
    ("sign in", "log in", "login", "logon", "signin"),
    ("sign up", "register", "registration", "signup", "create account"),
    ("password", "passcode", "pwd"),
    ("refund", "money back", "reimburse", "chargeback"),
    ("charge", "bill", "debit"),
    ("cancel", "unsubscribe", "stop subscription"),
    ("subscription", "plan", "membership"),
    ("invoice", "receipt"),
    ("certificate", "diploma", "credential"),
    ("video", "lesson", "lecture"),
    ("buffer", "lag", "stutter", "freez"),
    ("sound", "audio"),
    ("subtitle", "caption"),
    ("app", "application"),
    ("crash", "close unexpectedly", "quit"),
    ("download", "offline"),
    ("delete", "remove", "erase", "close"),
    ("email", "e-mail", "mail"),
    ("two-step", "2fa", "two-factor", "mfa"),
    ("phone", "mobile"),
    ("code", "otp"),
    ("discount", "coupon", "promo", "voucher"),
    ("enroll", "enrol", "join", "sign up for"),
    ("progress", "completion"),
    ("quiz", "test", "exam"),
    ("disappear", "vanish", "missing", "gone", "lost"),
    ("employer", "boss", "manager", "organisation", "organization", "company", "work"),
    ("gift", "present"),
    ("proof", "evidence", "confirm"),
    ("university", "uni", "school", "college"),
    ("offline", "no signal", "no internet", "without internet"),
    ("laptop", "computer", "desktop", "pc"),
    ("storage", "space", "gb"),
    ("name", "surname"),
    ("locked", "blocked", "lock out"),
    ("price", "cost", "fee"),
    ("error", "fail", "problem", "issue"),
    ("screen", "display"),
    ("notification", "alert", "reminder", "buzz"),
    ("sign out", "log out", "logout", "kick"),
    ("phone", "iphone", "android", "smartphone"),
    ("speed", "faster", "slower"),
    ("quality", "resolution", "hd", "blurry"),
    ("忘记", "忘了", "想不起"),
    ("密码", "口令"),
    ("登录", "登陆", "登入"),
    ("退款", "退钱", "退费"),
    ("发票", "收据"),
    ("卡顿", "卡", "缓冲", "加载慢"),
    ("闪退", "崩溃"),
    ("注销", "删除账户", "删号"),
    ("证书", "结业证"),
    ("验证码", "短信码"),
)


def _phrase_terms(phrase: str) -> list[str]:
    # Chinese entries are single words already; segmenting them would load jieba's dictionary for nothing.
    return [phrase] if CJK.match(phrase) else terms(phrase)


def synonym_groups(extra: tuple[tuple[str, ...], ...] = ()) -> dict[str, tuple[str, ...]]:
    """term -> every term of its group (multi-word entries contribute each of their terms).

    `extra` are the help center's own groups (kb.yml `synonyms:`), added to the built-in ones.
    """
    return _table(GROUPS + tuple(extra))


@lru_cache(maxsize=8)
def _table(groups: tuple[tuple[str, ...], ...]) -> dict[str, tuple[str, ...]]:
    table: dict[str, set[str]] = {}
    for group in groups:
        group_terms = {t for phrase in group for t in _phrase_terms(phrase)}
        for term in group_terms:
            table.setdefault(term, set()).update(group_terms)
    return {term: tuple(sorted(members)) for term, members in table.items()}
