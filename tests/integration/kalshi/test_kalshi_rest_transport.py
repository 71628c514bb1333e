"""Transport-level behaviour of KalshiClient over httpx.MockTransport with recorded bodies:
retry/backoff, pagination, no blind POST retries, cancel 404; and KalshiVenue's resolution of a
create whose outcome is unknown, by client_order_id."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import httpx
import pytest

from courtside.domain.errors import (
    DuplicateOrderError,
    ExchangeUnavailableError,
    OutcomeUnknownError,
    RateLimitedError,
)
from courtside.domain.orders import BookSide, OrderRequest, TimeInForce
from courtside.kalshi.http import RetryPolicy, Timing
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.venue import KalshiVenue

Handler = Callable[[httpx.Request], httpx.Response]
LEP = "KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP"
BASE = "http://sim.test/trade-api/v2"


class Sleeps:
    def __init__(self) -> None:
        self.calls: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


def client(
    handler: Handler, sleeps: Sleeps | None = None, *, max_attempts: int = 5, **kw: Any
) -> KalshiClient:
    return KalshiClient(
        BASE,
        transport=httpx.MockTransport(handler),
        timing=Timing(sleep=sleeps or Sleeps()),
        retry=RetryPolicy(max_attempts=max_attempts),
        **kw,
    )


def ioc_request(coid: str = "2b8394e0-515e-4b89-b624-f34067756855") -> OrderRequest:
    return OrderRequest(LEP, BookSide.BID, Decimal(1), Decimal("0.99"), TimeInForce.IOC, client_order_id=coid)


async def test_429_is_retried_with_backoff_then_succeeds(body: Callable[[str], Any]) -> None:
    calls: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        calls.append(req.url.path)
        if len(calls) <= 2:
            return httpx.Response(429, json={"error": "too many requests"})
        return httpx.Response(200, json=body("markets__unauth_single"))

    sleeps = Sleeps()
    async with client(handler, sleeps) as c:
        market = await c.get_market(LEP)
    assert market.yes_ask == Decimal("0.52")
    assert len(calls) == 3
    assert len(sleeps.calls) == 2
    assert sleeps.calls[1] > sleeps.calls[0] * 0.9 > 0


async def test_retries_are_bounded() -> None:
    sleeps = Sleeps()
    async with client(
        lambda r: httpx.Response(503, json={"error": {"code": "service_unavailable"}}), sleeps, max_attempts=4
    ) as c:
        with pytest.raises(ExchangeUnavailableError):
            await c.get_exchange_status()
    assert len(sleeps.calls) == 3


async def test_network_error_on_get_is_retried(body: Callable[[str], Any]) -> None:
    attempts = []

    def handler(req: httpx.Request) -> httpx.Response:
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ReadTimeout("slow", request=req)
        return httpx.Response(200, json=body("exchange__status"))

    async with client(handler) as c:
        assert (await c.get_exchange_status()).trading_active
    assert len(attempts) == 2


async def test_pagination_follows_cursors_and_stops_at_empty_string(body: Callable[[str], Any]) -> None:
    pages = [body("markets__page1"), body("markets__page2"), body("markets__single_filter_lastpage")]
    seen_cursors: list[str | None] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen_cursors.append(req.url.params.get("cursor"))
        assert req.url.params["limit"] == "1000"
        return httpx.Response(200, json=pages[len(seen_cursors) - 1])

    async with client(handler) as c:
        markets = await c.get_markets(series_ticker="KXWTACHALLENGERMATCH")
    assert len(seen_cursors) == 3
    assert seen_cursors[0] is None
    assert seen_cursors[1] == pages[0]["cursor"]
    assert seen_cursors[2] == pages[1]["cursor"]
    assert len(markets) == 11
    assert markets[-1].ticker == LEP


async def test_pagination_stops_at_null_cursor(body: Callable[[str], Any]) -> None:
    first = body("markets__page1")
    last = {**body("markets__page2"), "cursor": None}
    replies = iter([first, last])
    async with client(lambda r: httpx.Response(200, json=next(replies))) as c:
        markets = [m async for m in c.iter_markets(status="unopened")]
    assert len(markets) == 10


async def test_post_refused_by_429_is_resent_unchanged_and_bounded() -> None:
    """429 means not executed: the same body (same client_order_id) again, max_attempts times."""
    bodies: list[bytes] = []

    def handler(req: httpx.Request) -> httpx.Response:
        assert req.method == "POST"
        bodies.append(req.content)
        return httpx.Response(429, json={"error": "too many requests"})

    sleeps = Sleeps()
    async with client(handler, sleeps, max_attempts=3) as c:
        with pytest.raises(RateLimitedError):
            await c.create_order(ioc_request())
    assert len(bodies) == 3
    assert len(set(bodies)) == 1
    assert json.loads(bodies[0])["client_order_id"] == ioc_request().client_order_id
    assert len(sleeps.calls) == 2


async def test_order_body_uses_strings_and_unix_seconds(body: Callable[[str], Any]) -> None:
    from datetime import UTC, datetime

    sent: list[dict[str, Any]] = []

    def handler(req: httpx.Request) -> httpx.Response:
        sent.append(json.loads(req.content))
        return httpx.Response(201, json=body("orders__create_v2_maker"))

    req = OrderRequest(
        LEP,
        BookSide.BID,
        Decimal(1),
        Decimal("0.01"),
        client_order_id="4a75a66e",
        expiration_time=datetime(2026, 6, 12, tzinfo=UTC),
    )
    async with client(handler) as c:
        ack = await c.create_order(req)
    assert ack.remaining_count == Decimal(1)
    assert sent[0]["count"] == "1.00"
    assert sent[0]["price"] == "0.0100"
    assert sent[0]["side"] == "bid"
    assert sent[0]["time_in_force"] == "good_till_canceled"
    assert sent[0]["expiration_time"] == 1781222400


async def test_dropped_post_is_resolved_by_client_order_id(body: Callable[[str], Any]) -> None:
    log: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        log.append(f"{req.method} {req.url.path}")
        if req.method == "POST":
            raise httpx.ReadError("connection dropped after send", request=req)
        assert req.url.params["ticker"] == LEP
        return httpx.Response(200, json=body("portfolio__orders_list"))

    async with client(handler) as c:
        ack = await KalshiVenue(c).place(ioc_request())
    assert log == ["POST /trade-api/v2/portfolio/events/orders", "GET /trade-api/v2/portfolio/orders"]
    assert ack.order_id == "97ec18b7-10d3-4557-9de0-8598aad625f0"
    assert ack.fill_count == 1
    assert ack.average_fill_price == Decimal("0.52")
    assert ack.average_fee_paid == Decimal("0.0175")


async def test_dropped_post_not_visible_is_resent_once_and_409_resolves(body: Callable[[str], Any]) -> None:
    posts, gets = [], []
    orders = body("portfolio__orders_list")

    def handler(req: httpx.Request) -> httpx.Response:
        if req.method == "POST":
            posts.append(json.loads(req.content)["client_order_id"])
            if len(posts) == 1:
                raise httpx.RemoteProtocolError("server hung up", request=req)
            return httpx.Response(409, json=body("orders__duplicate_client_order_id"))
        gets.append(1)
        return httpx.Response(200, json={"orders": [], "cursor": ""} if len(gets) == 1 else orders)

    async with client(handler) as c:
        ack = await KalshiVenue(c).place(ioc_request())
    assert posts == ["2b8394e0-515e-4b89-b624-f34067756855"] * 2  # same id both times
    assert ack.order_id == "97ec18b7-10d3-4557-9de0-8598aad625f0"


async def test_unresolvable_outcome_raises_outcome_unknown() -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        if req.method == "POST":
            raise httpx.ReadTimeout("no answer", request=req)
        return httpx.Response(200, json={"orders": [], "cursor": ""})

    async with client(handler) as c:
        with pytest.raises(OutcomeUnknownError) as info:
            await KalshiVenue(c).place(ioc_request("abc-123"))
    assert info.value.client_order_id == "abc-123"


async def test_409_with_a_different_order_is_a_real_duplicate(body: Callable[[str], Any]) -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        if req.method == "POST":
            return httpx.Response(409, json=body("orders__duplicate_client_order_id"))
        return httpx.Response(200, json=body("portfolio__orders_list"))

    other = OrderRequest(
        "KXOTHER-1",
        BookSide.ASK,
        Decimal(5),
        Decimal("0.40"),
        client_order_id="2b8394e0-515e-4b89-b624-f34067756855",
    )
    async with client(handler) as c:
        with pytest.raises(DuplicateOrderError):
            await KalshiVenue(c).place(other)


async def test_cancel_404_means_gone(body: Callable[[str], Any]) -> None:
    def handler(req: httpx.Request) -> httpx.Response:
        if req.url.path.endswith("2597b999-f887-4195-8bac-c3f97a1f2021"):
            return httpx.Response(200, json=body("orders__cancel_v2"))
        return httpx.Response(404, json=body("orders__cancel_already_canceled"))

    async with client(handler) as c:
        first = await c.cancel_order("2597b999-f887-4195-8bac-c3f97a1f2021")
        again = await c.cancel_order("97ec18b7-10d3-4557-9de0-8598aad625f0")
    assert (first.gone, first.reduced_by) == (False, Decimal(1))
    assert (again.gone, again.reduced_by) == (True, Decimal(0))


async def test_signed_requests_exclude_the_query(rsa_key: Any) -> None:
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    from courtside.kalshi.auth import KalshiAuth

    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        seen.append(req)
        return httpx.Response(200, json={"cursor": "", "fills": []})

    async with client(handler, auth=KalshiAuth("kid", rsa_key, now_ms=lambda: 1000)) as c:
        assert await c.get_fills(ticker=LEP) == []
    req = seen[-1]  # (seen[0] is the GET /account/limits a signed client makes first)
    assert req.url.path.endswith("/portfolio/fills")
    assert req.url.query  # the request had a query string...
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
    rsa_key.public_key().verify(
        base64.b64decode(req.headers["KALSHI-ACCESS-SIGNATURE"]),
        b"1000GET/trade-api/v2/portfolio/fills",
        pss,
        hashes.SHA256(),
    )


async def test_client_side_limiter_paces_reads(body: Callable[[str], Any]) -> None:
    from courtside.kalshi.ratelimit import BASIC, RateLimiter

    clock = {"t": 0.0}
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        clock["t"] += seconds

    limiter = RateLimiter(BASIC, now=lambda: clock["t"], sleep=sleep)
    async with client(lambda r: httpx.Response(200, json=body("exchange__status")), pacing=limiter) as c:
        for _ in range(25):  # Basic: 200 tokens of read capacity at 10 a call -> 20 free, then 50 ms each
            await c.get_exchange_status()
    assert len(sleeps) == 5
    assert sum(sleeps) == pytest.approx(0.25)


async def test_cancel_with_a_lost_answer_is_sent_again_and_404_means_done(body: Callable[[str], Any]) -> None:
    deletes = []

    def handler(req: httpx.Request) -> httpx.Response:
        deletes.append(req.method)
        if len(deletes) == 1:
            raise httpx.ReadError("dropped", request=req)
        return httpx.Response(404, json=body("orders__cancel_already_canceled"))

    async with client(handler) as c:
        result = await c.cancel_order("2597b999-f887-4195-8bac-c3f97a1f2021")
    assert deletes == ["DELETE", "DELETE"]
    assert result.gone


async def test_503_on_create_is_not_retried_and_checked_by_lookup() -> None:
    calls: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        calls.append(req.method)
        if req.method == "POST":
            return httpx.Response(503, json={"error": {"code": "service_unavailable", "message": "m"}})
        return httpx.Response(200, json={"orders": [], "cursor": ""})

    sleeps = Sleeps()
    async with client(handler, sleeps) as c:
        with pytest.raises(ExchangeUnavailableError):
            await KalshiVenue(c).place(ioc_request())
    assert calls == ["POST", "GET"]
    assert sleeps.calls == []


async def test_key_id_never_reaches_errors_or_logs(rsa_key: Any, caplog: pytest.LogCaptureFixture) -> None:
    import logging

    from courtside.domain.errors import AuthenticationError
    from courtside.kalshi.auth import KalshiAuth

    key_id = "0e4b7c1a-secret-key-id"

    def handler(req: httpx.Request) -> httpx.Response:
        return httpx.Response(
            401,
            json={
                "error": {
                    "code": "authentication_error",
                    "message": "authentication_error",
                    "details": "INCORRECT_API_KEY_SIGNATURE",
                }
            },
        )

    caplog.set_level(logging.DEBUG)
    async with client(handler, auth=KalshiAuth(key_id, rsa_key)) as c:
        with pytest.raises(AuthenticationError) as info:
            await c.get_balance()
        text = f"{info.value} {info.value!r} {c!r} {caplog.text}"
    assert "401 on GET /trade-api/v2/portfolio/balance" in caplog.text
    assert key_id not in text
    assert "BEGIN" not in text
