from __future__ import annotations

from typing import Any

import pytest
from tests.fakes import FakeTime

from courtside.kalshi.parse import parse_account_limits
from courtside.kalshi.ratelimit import BASIC, BucketLimits, RateLimiter, TokenBucket, cost_of, is_write


def test_limits_from_the_recorded_account(recorded: Any) -> None:
    limits = parse_account_limits(recorded.body("account__limits"))
    assert limits == BASIC
    assert limits.usage_tier == "basic"


@pytest.mark.parametrize(
    ("method", "path", "cost", "write"),
    [
        ("GET", "/markets", 10, False),
        ("GET", "/portfolio/orders/abc", 2, False),
        ("GET", "/portfolio/orders", 10, False),
        ("POST", "/portfolio/events/orders", 10, True),
        ("DELETE", "/portfolio/events/orders/abc", 2, True),
        ("DELETE", "/portfolio/events/orders/batched", 2, True),
        ("POST", "/portfolio/events/orders/abc/amend", 10, True),
        ("POST", "/portfolio/intra_exchange_instance_transfer", 10, False),
    ],
)
def test_costs_and_buckets(method: str, path: str, cost: int, write: bool) -> None:
    assert cost_of(method, path) == cost
    assert is_write(method, path) is write


async def test_basic_read_bucket_allows_20_reads_then_waits() -> None:
    clock = FakeTime()
    limiter = RateLimiter(BASIC, now=clock.now, sleep=clock.sleep)
    for _ in range(20):
        await limiter.acquire("GET", "/markets")
    assert clock.slept == []
    waited = await limiter.acquire("GET", "/markets")
    assert waited == pytest.approx(0.05)  # 10 tokens at 200 tokens/s
    assert clock.t == pytest.approx(0.05)


async def test_write_bucket_is_separate_from_reads() -> None:
    clock = FakeTime()
    limiter = RateLimiter(BASIC, now=clock.now, sleep=clock.sleep)
    for _ in range(20):
        await limiter.acquire("GET", "/markets")
    for _ in range(10):
        await limiter.acquire("POST", "/portfolio/events/orders")
    assert clock.slept == []
    for _ in range(50):  # V2 cancels cost 2: 50 more fit in a refilled 100-token bucket
        await limiter.acquire("DELETE", "/portfolio/events/orders/x")
    assert sum(clock.slept) == pytest.approx(1.0)


async def test_bucket_refills_with_time_and_refuses_impossible_costs() -> None:
    clock = FakeTime()
    bucket = TokenBucket(BucketLimits(100, 100), now=clock.now, sleep=clock.sleep)
    await bucket.acquire(100)
    clock.t += 0.5
    assert bucket.tokens == pytest.approx(50)
    with pytest.raises(ValueError):
        await bucket.acquire(101)
