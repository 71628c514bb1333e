"""KalshiClient replaying Kalshi's recorded demo session, request by request.

The venue here is not our simulator: it answers each request with the next recorded exchange
(recorded/X.json with its status from X.meta.json), byte for byte, after checking that the
client sent what Kalshi was sent: the same method and path, the same query values (cursor,
tickers, status, ticker; `limit` may differ) and, for order creates, the same JSON body.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from courtside.domain.errors import (
    AuthenticationError,
    DataError,
    InsufficientBalanceError,
    OrderRejectedError,
)
from courtside.domain.orders import BookSide, OrderRequest, OrderStatus, SelfTradePrevention, TimeInForce
from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.http import Timing
from courtside.kalshi.ratelimit import BASIC
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.venue import KalshiVenue

LEP = "KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP"
BASE = "https://external-api.demo.kalshi.co/trade-api/v2"
D = Decimal


class RecordedVenue:
    """Serves a script of recorded stems in order; an unexpected request fails the test."""

    def __init__(
        self,
        root: Path,
        script: list[str],
        *,
        loose_query: tuple[str, ...] = (),
        served_at: dict[str, str] | None = None,
    ) -> None:
        self.root = root
        self.script = list(script)
        self.loose = set(loose_query)  # stems whose recorded query is not compared
        self.served_at = served_at or {}  # stem -> another path to answer with its recorded reply
        self.served: list[str] = []

    def meta(self, stem: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.root / f"{stem}.meta.json").read_text())
        if stem in self.served_at:
            data["path"] = self.served_at[stem]
        return data

    def __call__(self, request: httpx.Request) -> httpx.Response:
        assert self.script, f"unrecorded request {request.method} {request.url}"
        stem = self.script.pop(0)
        meta = self.meta(stem)
        recorded = httpx.URL(meta["path"])
        assert (request.method, request.url.path) == (meta["method"], recorded.path), stem
        if stem not in self.loose:
            for key, value in recorded.params.items():
                if key != "limit":
                    assert request.url.params.get(key) == value, f"{stem}: query {key}"
        if meta.get("request_body") is not None:
            sent = json.loads(request.content)
            want = meta["request_body"]
            assert {k: sent.get(k) for k in want} == want, stem
            assert not {k: v for k, v in sent.items() if k not in want and v}, stem
        self.served.append(stem)
        body = (self.root / f"{stem}.json").read_bytes()
        return httpx.Response(meta["status"], content=body, headers={"content-type": "application/json"})


async def no_sleep(seconds: float) -> None:
    return None


@pytest.fixture
def venue(recorded_dir: Path) -> Callable[..., tuple[RecordedVenue, KalshiClient]]:
    def make(
        script: list[str],
        *,
        auth: httpx.Auth | None = None,
        loose_query: tuple[str, ...] = (),
        served_at: dict[str, str] | None = None,
    ) -> tuple[RecordedVenue, KalshiClient]:
        v = RecordedVenue(recorded_dir, script, loose_query=loose_query, served_at=served_at)
        return v, KalshiClient(
            BASE, auth=auth, transport=httpx.MockTransport(v), timing=Timing(sleep=no_sleep)
        )

    return make


def request(
    coid: str, side: BookSide, price: str, tif: TimeInForce, *, post_only: bool = False
) -> OrderRequest:
    return OrderRequest(
        LEP,
        side,
        D(1),
        D(price),
        tif,
        client_order_id=coid,
        self_trade_prevention=SelfTradePrevention.TAKER_AT_CROSS,
        post_only=post_only,
    )


async def test_market_data_as_recorded(venue: Any) -> None:
    script = [
        "exchange__status",
        "markets__unauth_single",
        "orderbook__base",
        "markets__single_filter_lastpage",
    ]
    v, client = venue(script)
    async with client as c:
        status = await c.get_exchange_status()
        market = await c.get_market(LEP)
        book = await c.get_orderbook(LEP)
        listed = await c.get_markets(tickers=[LEP])  # the recorded last page ends with cursor ""
    assert v.served == script
    assert status.trading_active
    assert (market.yes_bid, market.yes_ask) == (D("0.47"), D("0.52"))
    assert book.best_yes_ask is not None
    assert book.best_yes_ask.price == market.yes_ask
    assert [m.ticker for m in listed] == [LEP]


async def test_cursors_are_sent_back_verbatim(venue: Any) -> None:
    v, client = venue(["markets__page1", "markets__page2", "markets__page3"])
    tickers = []
    async with client as c:
        async for m in c.iter_markets(limit=5):
            tickers.append(m.ticker)
            if len(tickers) == 15:  # page 3's cursor leads to a page that was not recorded
                break
    assert v.served == ["markets__page1", "markets__page2", "markets__page3"]
    assert len(set(tickers)) == 15


async def test_a_cursor_answered_with_page_one_stops_the_walk(venue: Any) -> None:
    """Kalshi answers an unknown cursor with page 1 (recorded/markets__garbage_cursor.json):
    the walk must stop rather than loop over the same pages."""
    v, client = venue(["markets__page1", "markets__garbage_cursor"], loose_query=("markets__garbage_cursor",))
    async with client as c:
        with pytest.raises(DataError, match="cursor repeated"):
            await c.get_markets(limit=5)
    assert v.served == ["markets__page1", "markets__garbage_cursor"]


async def test_public_trades_follow_the_recorded_query(venue: Any) -> None:
    v, client = venue(["trades__public_recorded"])
    async with client as c:
        trades = []
        async for t in c.iter_trades(ticker="KXPGATOUR-USO26-JDAY", limit=12):
            trades.append(t)
            if len(trades) == 12:
                break
    assert v.served == ["trades__public_recorded"]
    assert trades[0].count == D("7.77")


async def test_maker_order_lifecycle_as_recorded(venue: Any) -> None:
    """Create, read, cancel, read again (still "resting": Kalshi's read-after-cancel lag),
    cancel again (404: gone), reuse the client_order_id (409, resolved to the first order)."""
    script = [
        "orders__create_v2_maker",
        "orders__get_after_create",
        "orders__cancel_v2",
        "orders__get_after_cancel",
        "orders__cancel_already_canceled",
        "orders__reuse_canceled_client_id",
        "portfolio__orders_list",
    ]
    v, client = venue(script, loose_query=("portfolio__orders_list",))
    maker = request("4a75a66e-ca85-4187-93cd-aac5e01ad982", BookSide.BID, "0.01", TimeInForce.GTC)
    async with client as c:
        ack = await c.create_order(maker)
        resting = await c.get_order(ack.order_id)
        cancel = await c.cancel_order(ack.order_id)
        lagging = await c.get_order(ack.order_id)
        again = await c.cancel_order(ack.order_id)
        reused = await KalshiVenue(c).place(maker)
    assert v.served == script
    assert (ack.fill_count, ack.remaining_count) == (D(0), D(1))
    assert resting.status is OrderStatus.RESTING
    assert (cancel.gone, cancel.reduced_by) == (False, D(1))
    assert lagging.status is OrderStatus.RESTING  # the venue's lag, not ours to fix
    assert (again.gone, again.reduced_by) == (True, D(0))
    assert reused.order_id == ack.order_id
    assert reused.remaining_count == 0  # the first order is canceled: nothing rests under that id


async def test_taker_order_and_portfolio_as_recorded(venue: Any, rsa_key: rsa.RSAPrivateKey) -> None:
    script = [
        "account__limits",  # a signed client sizes its buckets before its first signed call
        "orders__create_v2_taker_ioc",
        "fills__after_taker",
        "portfolio__positions",
        "auth__balance_ok",
        "settlements__page",
    ]
    v, client = venue(script, auth=KalshiAuth("kid", rsa_key))
    taker = request("2b8394e0-515e-4b89-b624-f34067756855", BookSide.BID, "0.99", TimeInForce.IOC)
    async with client as c:
        ack = await c.create_order(taker)
        fills = await c.get_fills()
        positions = await c.get_positions()
        balance = await c.get_balance()
        settlements = await c.get_settlements()
        limiter = c.http.limiter
    assert v.served == script
    assert limiter is not None
    assert (limiter.read.capacity, limiter.write.capacity) == (200, 100)
    assert (ack.average_fill_price, ack.average_fee_paid, ack.remaining_count) == (
        D("0.52"),
        D("0.0175"),
        D(0),
    )
    assert fills[0].fee == D("0.0175")
    assert positions[0].position == D(3)
    assert balance.on_shard(0) == D("98.0186")
    assert settlements == []


async def test_self_trade_prevention_as_recorded(venue: Any) -> None:
    script = [
        "orders__stp_setup",
        "orders__stp_self_cross",
        "orders__stp_resting_after",
        "cleanup__stp_resting",
    ]
    v, client = venue(script)
    setup = request(
        "7a521eb4-7258-42de-876f-9a92a33724a5", BookSide.BID, "0.48", TimeInForce.GTC, post_only=True
    )
    cross = request("8ae6f81d-5f9d-4bb0-8bff-076e5cb4038d", BookSide.ASK, "0.48", TimeInForce.IOC)
    async with client as c:
        resting = await c.create_order(setup)
        killed = await c.create_order(cross)
        after = await c.get_order(resting.order_id)
        cleanup = await c.cancel_order(resting.order_id)
    assert v.served == script
    assert (killed.fill_count, killed.remaining_count) == (D(0), D(0))
    assert after.status is OrderStatus.RESTING
    assert not cleanup.gone


@pytest.mark.parametrize(
    ("stem", "req", "error", "code"),
    [
        (
            "orders__invalid_price_structure",
            request(
                "a8d9ddb6-1895-4d43-872a-cef1bae23e96", BookSide.BID, "0.515", TimeInForce.GTC, post_only=True
            ),
            OrderRejectedError,
            "invalid_price",
        ),
        (
            "orders__post_only_cross",
            request(
                "ad2fa654-072a-4e06-ad01-762a60ead30d", BookSide.BID, "0.99", TimeInForce.GTC, post_only=True
            ),
            OrderRejectedError,
            "invalid_order",
        ),
    ],
)
async def test_rejections_as_recorded(
    venue: Any, stem: str, req: OrderRequest, error: type, code: str
) -> None:
    v, client = venue([stem])
    async with client as c:
        with pytest.raises(error) as info:
            await c.create_order(req)
    assert v.served == [stem]
    assert info.value.code == code


async def test_insufficient_balance_as_recorded(venue: Any) -> None:
    big = OrderRequest(
        LEP,
        BookSide.BID,
        D(10099),
        D("0.99"),
        TimeInForce.GTC,
        client_order_id="0ef50cc6-49b9-4beb-8c16-b04ba2d9b061",
        self_trade_prevention=SelfTradePrevention.TAKER_AT_CROSS,
    )
    v, client = venue(["orders__insufficient_balance"])
    async with client as c:
        with pytest.raises(InsufficientBalanceError):
            await c.create_order(big)
    assert v.served == ["orders__insufficient_balance"]


@pytest.mark.parametrize(
    ("stem", "says"),
    [
        ("auth__bad_signature", "wrong private key"),
        ("auth__unknown_key_id", "unknown API key id"),
        ("auth__skew_minus30s", "sync the clock"),
        ("auth__missing_signature_header", "signature header was not sent"),
    ],
)
async def test_auth_failures_as_recorded(venue: Any, stem: str, says: str) -> None:
    v, client = venue([stem])
    async with client as c:
        with pytest.raises(AuthenticationError, match=says):
            await c.get_balance()
    assert v.served == [stem]


async def test_signed_client_paces_at_basic_rates_when_limits_are_unreadable(
    venue: Any, rsa_key: rsa.RSAPrivateKey
) -> None:
    """If GET /account/limits fails, the Basic-tier buckets stay and the real call still goes out."""
    v, client = venue(
        ["auth__unknown_key_id", "auth__balance_ok"],
        auth=KalshiAuth("kid", rsa_key),
        served_at={"auth__unknown_key_id": "/trade-api/v2/account/limits"},
    )
    async with client as c:
        balance = await c.get_balance()
        limiter = c.http.limiter
    assert v.served == ["auth__unknown_key_id", "auth__balance_ok"]
    assert balance.balance == D("98.0186")
    assert limiter is not None
    assert limiter.limits == BASIC
