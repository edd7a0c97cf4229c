"""Per-client rate limiting: a token bucket for each client, kept in memory and keyed by a pseudonym.

Each client may send `burst` votes at once, then one every `1 / rate` seconds. Buckets that have filled up again
hold no information and are dropped, so memory stays bounded by the clients active in the last `burst / rate`
seconds.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBuckets:
    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic, sweep_above: int = 10_000):
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be above 0 and burst at least 1")
        self.rate = rate
        self.burst = burst
        self._clock = clock
        self._sweep_above = sweep_above
        self._next_sweep = sweep_above
        self._buckets: dict[str, _Bucket] = {}

    def take(self, key: str) -> float:
        """0 if `key` may go ahead (and spend a token), else the seconds until it may."""
        now = self._clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self._next_sweep:
                self._sweep(now)
            bucket = self._buckets[key] = _Bucket(self.burst, now)
        else:
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
        if bucket.tokens >= 1:
            bucket.tokens -= 1
            return 0.0
        return (1 - bucket.tokens) / self.rate

    def __len__(self) -> int:
        return len(self._buckets)

    def _sweep(self, now: float) -> None:
        full = [key for key, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.burst]
        for key in full:
            del self._buckets[key]
        # Many clients active at once: sweep again only when their number has doubled, so the cost stays O(1)
        # per request on average instead of a full scan for every new client.
        self._next_sweep = max(self._sweep_above, 2 * len(self._buckets))


def retry_after(wait: float) -> str:
    """`wait` as a Retry-After header value: whole seconds, at least 1."""
    return str(max(1, math.ceil(wait)))


class AddressCap:
    """At most `per_address` readers a day from one address may vote on one article (their repeats replace).

    The per-client rule (one vote per client id, article and day) is only as strong as the client id, which any
    script can make up afresh for every vote. This cap bounds what one address adds to an article's figures:
    `per_address` distinct readers (client ids) a UTC day, each counted once. An office or school behind one
    address may need more (`--votes-per-address`).

    Kept in memory only, keyed by hashes under the process's own salt, and forgotten when the day changes; a
    restart starts the day's counts afresh. At most `max_keys` (address, article) pairs are held (about 60 MB
    at the default): a new pair past that makes room by forgetting the pair that came first that day. Many
    made-up addresses can so neither exhaust memory nor stop other readers from voting; getting three more
    readers counted for one address and article costs `max_keys` fresh pairs first, at the rate limit's pace.
    """

    def __init__(self, per_address: int, clock: Callable[[], dt.date], max_keys: int = 100_000):
        if per_address < 1 or max_keys < 1:
            raise ValueError("per_address and max_keys must be at least 1")
        self.per_address = per_address
        self.max_keys = max_keys
        self._clock = clock
        self._day: dt.date | None = None
        self._voters: dict[str, set[str]] = {}  # hash of (address, article) -> hashes of the readers counted

    def admit(self, address: str, voter: str) -> bool:
        """True if `voter` may vote (again) from `address` (both already hashed, the article in `address`); False
        when the address has reached its readers."""
        today = self._clock()
        if today != self._day:
            self._day, self._voters = today, {}
        voters = self._voters.get(address)
        if voters is None:
            if len(self._voters) >= self.max_keys:
                del self._voters[next(iter(self._voters))]  # the day's first pair: dicts keep insertion order
            voters = self._voters[address] = set()
        if voter in voters:
            return True  # a repeat: it replaces the reader's earlier vote
        if len(voters) >= self.per_address:
            return False
        voters.add(voter)
        return True

    def __len__(self) -> int:
        return len(self._voters)
