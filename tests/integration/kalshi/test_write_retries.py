"""Writes against the simulator under 429s: a create or cancel refused before it executed (429, no
Retry-After, kalshi-api.md §1.3) is sent again with the same client_order_id after a jittered
exponential backoff, a bounded number of times within a time budget; a 5xx is never re-sent blindly.
Every attempt pays its own tokens from the write bucket; KalshiVenue's client_order_id lookups pay
reads."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from tests.fakes import FakeTime

from courtside.domain.errors import ExchangeUnavailableError, RateLimitedError
from courtside.domain.orders import BookSide, OrderRequest, OrderStatus, TimeInForce
from courtside.domain.tennis import Tour
from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.http import RetryPolicy, Timing
from courtside.kalshi.ratelimit import AccountLimits, BucketLimits, RateLimiter
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.venue import KalshiVenue
from courtside.sim.generator import MatchSpec, build_bundle
from courtside.sim.testing import SimSession

D = Decimal
CREATE = r"/portfolio/events/orders$"
CANCEL = r"/portfolio/events/orders/[^/]+$"


def listed(s: SimSession) -> str:
    now = datetime.now(UTC)
    spec = MatchSpec(
        "Jannik Sinner", "Carlos Alcaraz", Tour.ATP, "ATP Bastad", "Final", now + timedelta(days=1), 0.5
    )
    bundle = build_bundle([spec], None, now)
    s.control.bulk(bundle)
    return str(bundle["markets"][0]["ticker"])


def client(s: SimSession, ft: FakeTime, *, max_attempts: int = 5, write_budget: float = 10.0) -> KalshiClient:
    """The real client; a generous limiter of its own (so pacing never hides a retry), fake time."""
    limits = AccountLimits("test", BucketLimits(1000, 1000), BucketLimits(1000, 1000))
    limiter = RateLimiter(limits, now=ft.now, sleep=ft.sleep)
    auth = KalshiAuth(s.key_id, s.private_key)
    retry = RetryPolicy(max_attempts=max_attempts, write_budget=write_budget)
    return KalshiClient(
        s.base_url, auth=auth, pacing=limiter, timing=Timing(now=ft.now, sleep=ft.sleep), retry=retry
    )


def resting_bid(ticker: str, coid: str) -> OrderRequest:
    return OrderRequest(ticker, BookSide.BID, D(3), D("0.10"), TimeInForce.GTC, client_order_id=coid)


async def test_create_refused_by_429s_is_sent_again_with_the_same_id(sim_server: SimSession) -> None:
    ticker, ft = listed(sim_server), FakeTime()
    sim_server.control.fault(status=429, count=3, method="POST", path_regex=CREATE)
    async with client(sim_server, ft) as c:
        ack = await c.create_order(resting_bid(ticker, "retry-429-a"))
        assert c.http.limiter is not None
        write_tokens, read_tokens = c.http.limiter.write.spent, c.http.limiter.read.spent
        orders = await c.get_orders()
    assert [(o.order_id, o.client_order_id, o.status) for o in orders] == [
        (ack.order_id, "retry-429-a", OrderStatus.RESTING)
    ]
    assert len(ft.slept) == 3  # one backoff per 429, growing (full jitter within [½, 1] of 2^n·base)
    for n, delay in enumerate(ft.slept):
        assert 0.125 * 2**n <= delay <= 0.25 * 2**n
    assert write_tokens == 4 * 10  # four sends, each paying the create's 10 write tokens
    assert read_tokens == 0  # nothing was looked up: a 429 proves the order did not execute


async def test_429s_are_bounded_by_count_and_leave_nothing_on_the_book(sim_server: SimSession) -> None:
    ticker, ft = listed(sim_server), FakeTime()
    sim_server.control.fault(status=429, count=50, method="POST", path_regex=CREATE)
    async with client(sim_server, ft, max_attempts=4) as c:
        with pytest.raises(RateLimitedError):
            await c.create_order(resting_bid(ticker, "retry-429-b"))
        sent = c.http.requests_sent
    sim_server.control.clear_faults()
    async with client(sim_server, FakeTime()) as c:
        assert await c.get_orders() == []
    assert sent == 4
    assert len(ft.slept) == 3


async def test_429s_are_bounded_by_total_time(sim_server: SimSession) -> None:
    ticker, ft = listed(sim_server), FakeTime()
    sim_server.control.fault(status=429, count=50, method="POST", path_regex=CREATE)
    async with client(sim_server, ft, max_attempts=100, write_budget=2.0) as c:
        with pytest.raises(RateLimitedError):
            await c.create_order(resting_bid(ticker, "retry-429-c"))
        sent = c.http.requests_sent
    assert sum(ft.slept) <= 2.0
    assert sent in (4, 5)  # backoffs of ≤0.25, ≤0.5, ≤1 s fit in 2 s; the one after 1-2 s may; 2-4 s never


async def test_a_409_after_429s_resolves_to_the_order_that_landed(sim_server: SimSession) -> None:
    """The id was used by an earlier send (a previous run): the retry's 409 is resolved by lookup."""
    ticker, ft = listed(sim_server), FakeTime()
    req = resting_bid(ticker, "retry-429-d")
    async with client(sim_server, ft) as c:
        first = await c.create_order(req)
        sim_server.control.fault(status=429, count=2, method="POST", path_regex=CREATE)
        again = await KalshiVenue(c).place(req)
        orders = await c.get_orders()
    assert again.order_id == first.order_id
    assert len(orders) == 1


async def test_a_500_on_create_is_not_sent_again_blindly(sim_server: SimSession) -> None:
    ticker, ft = listed(sim_server), FakeTime()
    sim_server.control.fault(status=500, count=1, method="POST", path_regex=CREATE)
    async with client(sim_server, ft) as c:
        with pytest.raises(ExchangeUnavailableError):
            await KalshiVenue(c).place(resting_bid(ticker, "retry-500"))
        assert c.http.limiter is not None
        writes, reads = c.http.limiter.write.spent, c.http.limiter.read.spent
    assert ft.slept == []
    assert (writes, reads) == (10, 10)  # one create, then one lookup by client_order_id (a read)


async def test_cancel_backs_off_on_429(sim_server: SimSession) -> None:
    ticker, ft = listed(sim_server), FakeTime()
    async with client(sim_server, ft) as c:
        ack = await c.create_order(resting_bid(ticker, "retry-429-e"))
        sim_server.control.fault(status=429, count=2, method="DELETE", path_regex=CANCEL)
        assert c.http.limiter is not None
        before = c.http.limiter.write.spent
        result = await c.cancel_order(ack.order_id, market_ticker=ticker)
        spent = c.http.limiter.write.spent - before
        (order,) = await c.get_orders()
    assert not result.gone
    assert result.reduced_by == D(3)
    assert order.status is OrderStatus.CANCELED
    assert len(ft.slept) == 2
    assert spent == 3 * 2  # three sends of a cancel at 2 write tokens each


async def test_a_shard_transfer_refused_by_429_is_moved_once(sim_server: SimSession) -> None:
    ft = FakeTime()
    sim_server.control.fault(
        status=429, count=2, method="POST", path_regex="intra_exchange_instance_transfer"
    )
    async with client(sim_server, ft) as c:
        before = await c.get_balance()
        await c.intra_exchange_transfer(D("12.5"), source_shard=0, destination_shard=3)
        after = await c.get_balance()
    assert len(ft.slept) == 2
    assert after.on_shard(3) == (before.on_shard(3) or 0) + D("12.5")
    assert after.on_shard(0) == (before.on_shard(0) or 0) - D("12.5")
