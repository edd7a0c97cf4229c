"""Keyed hashes that let the endpoint tell readers apart without keeping who they are (see PRIVACY.md).

BLAKE2b in keyed mode is a MAC by design: without the key (a salt) a hash cannot be tied back to an IP address or
a client id, even by trying every IPv4 address.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

SALT_BYTES = 32


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def pseudonym(salt: bytes, value: str) -> str:
    """A stable stand-in for `value` while `salt` lives (the rate limiter's key for an IP address)."""
    return hashlib.blake2b(value.encode(), key=salt, digest_size=16).hexdigest()


def dedupe_key(day_salt: bytes, voter: str, article: str, day: dt.date) -> str:
    """Equal for one reader's votes on one article on one UTC day; unlinkable once the day's salt is erased."""
    # NUL separators: no choice of voter and article can collide with another pair.
    return hashlib.blake2b(f"{voter}\0{article}\0{day.isoformat()}".encode(), key=day_salt, digest_size=16).hexdigest()
