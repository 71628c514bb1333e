"""Client-side token buckets matching Kalshi's read and write budgets.

Every authenticated request costs tokens (default 10; V2 cancel 2; GET one order 2); reads and
writes drain separate buckets sized from GET /account/limits (Basic: 200 / 100 tokens/s,
docs:getting_started/rate_limits, kalshi-api.md §1.3). Time and sleep are injected.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]

DEFAULT_COST = 10
WRITE_PATHS = re.compile(r"^/portfolio/(events/)?orders(/|$)|^/portfolio/order_groups")
COSTS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("DELETE", re.compile(r"^/portfolio/events/orders/[^/]+$"), 2),
    ("GET", re.compile(r"^/portfolio/orders/[^/]+$"), 2),
)


@dataclass(frozen=True, slots=True)
class BucketLimits:
    capacity: int
    refill_rate: int


@dataclass(frozen=True, slots=True)
class AccountLimits:
    """GET /account/limits: the usage tier and both bucket sizes."""

    usage_tier: str
    read: BucketLimits
    write: BucketLimits


BASIC = AccountLimits("basic", BucketLimits(200, 200), BucketLimits(100, 100))


class TokenBucket:
    """Refills `refill_rate` tokens/s up to `capacity`; `acquire` waits (via the injected sleep)."""

    def __init__(
        self, limits: BucketLimits, *, now: Monotonic = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.capacity = float(limits.capacity)
        self.rate = float(limits.refill_rate)
        self._now = now
        self._sleep = sleep
        self._tokens = self.capacity
        self._stamp = now()
        self._lock = asyncio.Lock()
        self.spent = 0  # tokens taken since creation (every request sent, retries included)

    @property
    def tokens(self) -> float:
        self._refill()
        return self._tokens

    def _refill(self) -> None:
        now = self._now()
        self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self.rate)
        self._stamp = now

    async def acquire(self, cost: int) -> float:
        """Take `cost` tokens, waiting until they exist; returns the seconds waited."""
        if cost > self.capacity:
            raise ValueError(f"a request of {cost} tokens can never fit a bucket of {self.capacity}")
        waited = 0.0
        async with self._lock:
            self._refill()
            while self._tokens < cost - 1e-9:  # float refill can land a hair short
                delay = (cost - self._tokens) / self.rate
                await self._sleep(delay)
                waited += delay
                self._refill()
            self._tokens -= cost
            self.spent += cost
        return waited


def is_write(method: str, path: str) -> bool:
    """Order create/amend/cancel/decrease and order groups drain the write bucket."""
    return method.upper() != "GET" and bool(WRITE_PATHS.search(path))


def cost_of(method: str, path: str) -> int:
    """Token cost of one request; `path` is relative to /trade-api/v2, without the query."""
    for verb, pattern, cost in COSTS:
        if method.upper() == verb and pattern.search(path):
            return cost
    return DEFAULT_COST


class RateLimiter:
    """The read and write buckets of one account."""

    def __init__(
        self, limits: AccountLimits = BASIC, *, now: Monotonic = time.monotonic, sleep: Sleep = asyncio.sleep
    ) -> None:
        self.limits = limits
        self.read = TokenBucket(limits.read, now=now, sleep=sleep)
        self.write = TokenBucket(limits.write, now=now, sleep=sleep)

    async def acquire(self, method: str, path: str, *, orders: int = 1) -> float:
        """Wait for the tokens one request needs (batch writes cost per order)."""
        bucket = self.write if is_write(method, path) else self.read
        cost = cost_of(method, path) * max(orders, 1)
        return await bucket.acquire(min(cost, int(bucket.capacity)))
