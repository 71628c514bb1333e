"""KalshiClient and KalshiWebSocket against the simulated exchange over real loopback HTTP/WS:
the acceptance list of kalshi-api.md §8.12."""

from __future__ import annotations

import asyncio
import base64
import dataclasses
import time
from collections.abc import Generator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from courtside.domain.errors import (
    AuthenticationError,
    InsufficientBalanceError,
    OrderRejectedError,
)
from courtside.domain.market import FeeSchedule, FeeType
from courtside.domain.orders import BookSide, OrderRequest, OrderStatus, SelfTradePrevention, TimeInForce
from courtside.domain.tennis import Tour
from courtside.kalshi.auth import KalshiAuth, system_now_ms
from courtside.kalshi.http import Timing
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.venue import KalshiVenue
from courtside.kalshi.ws import KalshiWebSocket
from courtside.kalshi.ws_events import FillEvent
from courtside.pricing.fees import kalshi_fee
from courtside.sim.generator import MatchSpec, build_bundle, random_matches
from courtside.sim.testing import SimSession, prepare_session

D = Decimal
MAKER_FEES = FeeSchedule(FeeType.QUADRATIC_WITH_MAKER_FEES, D(1))


def list_match(
    s: SimSession, series: str = "KXATPMATCH", fair: float = 0.5, quad: bool = False, n: int = 0
) -> list[str]:
    """One match (two markets, no resting orders); returns the market tickers."""
    now = datetime.now(UTC)
    names = [
        ("Jannik Sinner", "Carlos Alcaraz"),
        ("Iga Swiatek", "Coco Gauff"),
        ("Casper Ruud", "Holger Rune"),
    ][n]
    spec = MatchSpec(
        names[0], names[1], Tour.ATP, "ATP Bastad", "Final", now + timedelta(days=1), fair, series=series
    )
    bundle = build_bundle([spec], None, now)
    if quad:
        for series_json in bundle["series"]:
            if series_json["ticker"] == series:
                series_json["fee_type"] = "quadratic"
    s.control.bulk(bundle)
    return [m["ticker"] for m in bundle["markets"]]


def mm_quote(s: SimSession, ticker: str, side: str, price: str, count: int) -> None:
    s.control.order(
        s.mm_user_id,
        ticker=ticker,
        side=side,
        price=price,
        count=str(count),
        time_in_force="good_till_canceled",
        self_trade_prevention_type="maker",
    )


def trader(s: SimSession, **kw: Any) -> KalshiClient:
    return KalshiClient(s.base_url, auth=KalshiAuth(s.key_id, s.private_key), **kw)


def order(
    ticker: str, side: BookSide, count: int, price: str, tif: TimeInForce = TimeInForce.IOC, **kw: Any
) -> OrderRequest:
    return OrderRequest(ticker, side, D(count), D(price), tif, **kw)


@pytest.fixture
def s(sim_server: SimSession) -> Generator[SimSession, None, None]:
    return sim_server


# ---- 1. signing --------------------------------------------------------------------------
async def test_signed_request_with_query_succeeds_and_query_signed_fails(s: SimSession) -> None:
    async with trader(s) as c:
        assert await c.get_orders(status="resting") == []

    class QuerySigning(httpx.Auth):
        def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
            ts = str(system_now_ms())
            msg = f"{ts}GET{request.url.raw_path.decode()}".encode()  # path WITH ?query: wrong
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
            sig = s.private_key.sign(msg, pss, hashes.SHA256())  # type: ignore[call-arg, union-attr]
            request.headers.update(
                {
                    "KALSHI-ACCESS-KEY": s.key_id,
                    "KALSHI-ACCESS-TIMESTAMP": ts,
                    "KALSHI-ACCESS-SIGNATURE": base64.b64encode(sig).decode(),
                }
            )
            yield request

    async with KalshiClient(s.base_url, auth=QuerySigning()) as c:
        with pytest.raises(AuthenticationError) as info:
            await c.get_orders(status="resting")
    assert info.value.details == "INCORRECT_API_KEY_SIGNATURE"


async def test_clock_30s_behind_is_rejected(s: SimSession) -> None:
    skewed = KalshiAuth(s.key_id, s.private_key, now_ms=lambda: system_now_ms() - 30_000)
    async with KalshiClient(s.base_url, auth=skewed) as c:
        with pytest.raises(AuthenticationError) as info:
            await c.get_balance()
    assert info.value.code == "header_timestamp_expired"
    assert "NTP" in str(info.value)


# ---- 2. scan -----------------------------------------------------------------------------
async def test_scan_of_1500_markets_across_two_series(s: SimSession) -> None:
    now = datetime.now(UTC)
    matches = [
        dataclasses.replace(m, series=("KXATPMATCH", "KXWTAMATCH")[i % 2])
        for i, m in enumerate(random_matches(750, now, seed=3))
    ]
    bundle = build_bundle(matches, None, now)
    s.control.bulk(bundle)
    expected = len(bundle["markets"])
    assert expected > 1000
    async with KalshiClient(s.base_url) as c:
        markets = await c.get_markets(status="open")
        assert c.http.requests_sent == 2  # limit 1000: two pages, the last with cursor ""
        assert len({m.ticker for m in markets}) == expected
        events = await c.get_events(series_ticker="KXATPMATCH", with_nested_markets=True)
    atp = [e for e in bundle["events"] if e["series_ticker"] == "KXATPMATCH"]
    assert len(events) == len(atp)
    assert all(len(e.markets) == 2 and e.mutually_exclusive for e in events)


# ---- 3-6. quotes, taker, NO via ask, netting, maker fees ----------------------------------
async def test_implied_ask_and_market_quote_agree(s: SimSession) -> None:
    t = list_match(s)[0]
    mm_quote(s, t, "bid", "0.47", 3)
    mm_quote(s, t, "ask", "0.52", 4)  # a NO bid at 0.48
    async with trader(s) as c:
        book = await c.get_orderbook(t)
        market = await c.get_market(t)
    assert book.best_no_bid is not None
    assert book.best_no_bid.price == D("0.48")
    assert book.best_yes_ask is not None
    assert book.best_yes_ask.price == D("0.52") == market.yes_ask
    assert market.yes_bid == D("0.47")
    assert market.yes_ask_size == D(4)


async def test_taker_buy_yes_fills_at_maker_price_with_fee(s: SimSession) -> None:
    t = list_match(s)[0]
    mm_quote(s, t, "ask", "0.52", 10)
    async with trader(s) as c:
        before = await c.get_balance()
        ack = await c.create_order(order(t, BookSide.BID, 4, "0.99"))
        fills = await c.get_fills(ticker=t)
        after = await c.get_balance()
        (position,) = await c.get_positions(ticker=t)
    fee = kalshi_fee(D(4), D("0.52"), MAKER_FEES)
    assert fee == D("0.0699")
    assert (ack.fill_count, ack.average_fill_price) == (D(4), D("0.52"))
    assert len(fills) == 1
    assert fills[0].yes_price == D("0.52")
    assert fills[0].fee == fee
    assert fills[0].is_taker
    assert before.on_shard(3) - after.on_shard(3) == D(4) * D("0.52") + fee
    assert position.position == D(4)
    assert position.fees_paid == fee


async def test_buy_no_via_ask_then_buy_yes_nets_out(s: SimSession) -> None:
    t = list_match(s)[0]
    mm_quote(s, t, "bid", "0.40", 10)
    mm_quote(s, t, "ask", "0.45", 10)
    async with trader(s) as c:
        start = (await c.get_balance()).on_shard(3)
        await c.create_order(order(t, BookSide.ASK, 5, "0.01"))  # buy NO at 1 - 0.40 = 0.60
        mid = (await c.get_balance()).on_shard(3)
        (pos,) = await c.get_positions(ticker=t)
        await c.create_order(order(t, BookSide.BID, 5, "0.99"))  # buy YES at 0.45: pairs return $1 each
        end = (await c.get_balance()).on_shard(3)
        remaining = await c.get_positions(ticker=t)
    no_fee, yes_fee = kalshi_fee(D(5), D("0.40"), MAKER_FEES), kalshi_fee(D(5), D("0.45"), MAKER_FEES)
    assert pos.position == D(-5)
    assert start - mid == D(5) * D("0.60") + no_fee
    assert end - mid == D(5) - D(5) * D("0.45") - yes_fee
    assert all(p.position == 0 for p in remaining)


@pytest.mark.parametrize(("quad", "rate"), [(False, D("0.0175")), (True, D(0))])
async def test_maker_fill_fee(s: SimSession, quad: bool, rate: Decimal) -> None:
    t = list_match(s, series="KXITFMATCH", quad=quad)[0]
    async with trader(s) as c:
        ack = await c.create_order(order(t, BookSide.BID, 10, "0.40", TimeInForce.GTC))
        assert ack.remaining_count == D(10)
        s.control.order(
            s.mm_user_id,
            ticker=t,
            side="ask",
            price="0.40",
            count="10",
            time_in_force="immediate_or_cancel",
            self_trade_prevention_type="maker",
        )
        (fill,) = await c.get_fills(ticker=t)
    assert not fill.is_taker
    expected = (rate * D(10) * D("0.40") * D("0.60")).quantize(D("0.0001"))
    assert fill.fee == expected


# ---- 7. order handling ---------------------------------------------------------------------
async def test_ioc_partial_and_fok_all_or_nothing(s: SimSession) -> None:
    t = list_match(s)[0]
    mm_quote(s, t, "ask", "0.60", 3)
    async with trader(s) as c:
        fok = await c.create_order(order(t, BookSide.BID, 5, "0.60", TimeInForce.FOK))
        ioc = await c.create_order(order(t, BookSide.BID, 5, "0.60", TimeInForce.IOC))
    assert (fok.fill_count, fok.remaining_count) == (D(0), D(0))
    assert (ioc.fill_count, ioc.remaining_count) == (D(3), D(0))


async def test_post_only_cross_is_rejected(s: SimSession) -> None:
    t = list_match(s)[0]
    mm_quote(s, t, "ask", "0.55", 3)
    async with trader(s) as c:
        with pytest.raises(OrderRejectedError) as info:
            await c.create_order(order(t, BookSide.BID, 1, "0.55", TimeInForce.GTC, post_only=True))
    assert info.value.code == "invalid_order"


@pytest.mark.parametrize("stp", [SelfTradePrevention.TAKER_AT_CROSS, SelfTradePrevention.MAKER])
async def test_self_trade_prevention(s: SimSession, stp: SelfTradePrevention) -> None:
    t = list_match(s)[0]
    async with trader(s) as c:
        resting = await c.create_order(order(t, BookSide.BID, 1, "0.48", TimeInForce.GTC))
        cross = await c.create_order(order(t, BookSide.ASK, 1, "0.48", self_trade_prevention=stp))
        after = await c.get_order(resting.order_id)
    assert cross.fill_count == 0
    assert after.status is (
        OrderStatus.RESTING if stp is SelfTradePrevention.TAKER_AT_CROSS else OrderStatus.CANCELED
    )


async def test_duplicate_client_id_resolves_to_the_first_order_and_cancel_twice(s: SimSession) -> None:
    t = list_match(s)[0]
    req = order(t, BookSide.BID, 1, "0.10", TimeInForce.GTC, client_order_id="dup-1")
    async with trader(s) as c:
        first = await c.create_order(req)
        again = await KalshiVenue(c).place(req)  # 409 order_already_exists: our order, found by id
        assert again.order_id == first.order_id
        cancel = await c.cancel_order(first.order_id)
        twice = await c.cancel_order(first.order_id)
        reuse = await KalshiVenue(c).place(req)  # still 409 after the cancel: the canceled order
        with pytest.raises(Exception, match="order already exists"):
            await KalshiVenue(c).place(dataclasses.replace(req, count=D(2)))
        orders = await c.get_orders(ticker=t)
    assert (cancel.gone, cancel.reduced_by) == (False, D(1))
    assert (twice.gone, twice.reduced_by) == (True, D(0))
    assert reuse.order_id == first.order_id
    assert reuse.remaining_count == 0
    assert len(orders) == 1


@pytest.mark.parametrize(
    ("side", "quote", "limit"), [(BookSide.BID, "ask", "0.99"), (BookSide.ASK, "bid", "0.01")]
)
async def test_dropped_post_answer_is_resolved_over_http(
    s: SimSession, side: BookSide, quote: str, limit: str
) -> None:
    t = list_match(s)[0]
    mm_quote(s, t, quote, "0.52", 10)
    s.control.fault(method="POST", path_regex="/portfolio/events/orders$", drop_after_send=True, count=1)
    async with trader(s) as c:
        ack = await KalshiVenue(c).place(order(t, side, 2, limit, client_order_id="lost-1"))
        orders = await c.get_orders(ticker=t)
    assert ack.fill_count == D(2)
    assert ack.average_fill_price == D("0.52")  # YES-leg price, as in a direct V2 answer
    assert ack.average_fee_paid == kalshi_fee(D(2), D("0.52"), MAKER_FEES) / 2
    assert [o.client_order_id for o in orders] == ["lost-1"]


# ---- 8-9. bad input and balances ------------------------------------------------------------
async def test_bad_inputs(s: SimSession) -> None:
    t = list_match(s)[0]
    async with trader(s) as c:
        with pytest.raises(OrderRejectedError) as off_grid:
            await c.create_order(order(t, BookSide.BID, 1, "0.515", TimeInForce.GTC))
        with pytest.raises(OrderRejectedError) as numeric:
            await c.http.send(
                "POST",
                "portfolio/events/orders",
                body={
                    "ticker": t,
                    "side": "bid",
                    "count": 1,
                    "price": 0.01,
                    "time_in_force": "good_till_canceled",
                    "self_trade_prevention_type": "taker_at_cross",
                },
            )
        with pytest.raises(OrderRejectedError) as limit:
            await c.http.get("markets", {"limit": 1001})
    assert off_grid.value.code == "invalid_price"
    assert numeric.value.code == "bad_request"
    assert "unmarshal" in (numeric.value.details or "")
    assert limit.value.code is None
    assert "Limit" in str(limit.value)


async def test_insufficient_balance_and_wrong_shard(s: SimSession) -> None:
    session = prepare_session(
        s.server,
        s.private_key,
        s.private_key_path,
        s.mm_private_key,
        trader_balances={0: D("100"), 3: D("1")},
    )
    t = list_match(session)[0]
    async with trader(session) as c:
        with pytest.raises(InsufficientBalanceError):
            await c.create_order(order(t, BookSide.BID, 10, "0.50", TimeInForce.GTC))  # $5 > $1 on shard 3
        balance = await c.get_balance()
    assert balance.on_shard(0) == D(100)
    assert balance.on_shard(3) == D(1)


# ---- 10. settlement ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("result", "value", "payout"), [("yes", None, D(1)), ("no", None, D(0)), ("scalar", "0.44", D("0.44"))]
)
async def test_settlement_revenue_and_balance(
    s: SimSession, result: str, value: str | None, payout: Decimal
) -> None:
    t = list_match(s)[0]
    mm_quote(s, t, "ask", "0.50", 10)
    async with trader(s) as c:
        await c.create_order(order(t, BookSide.BID, 10, "0.50"))
        before = (await c.get_balance()).on_shard(3)
        s.control.set_status(t, "closed")
        s.control.determine(t, result, value)
        s.control.settle(t)
        (settlement,) = await c.get_settlements(ticker=t)
        after = (await c.get_balance()).on_shard(3)
        positions = await c.get_positions(ticker=t)
    assert settlement.market_result == result
    assert settlement.revenue == D(10) * payout
    assert settlement.yes_count == D(10)
    assert after - before == D(10) * payout
    assert all(p.position == 0 for p in positions)


# ---- 11. rate limit ---------------------------------------------------------------------------
async def test_429_backoff_then_success(s: SimSession) -> None:
    list_match(s)
    s.control.fault(status=429, count=2, path_regex="/markets$", method="GET")
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    async with KalshiClient(s.base_url, timing=Timing(sleep=sleep)) as c:
        markets = await c.get_markets()
    assert len(markets) == 2
    assert len(slept) == 2
    assert c.http.requests_sent == 3


# ---- 12. websocket ------------------------------------------------------------------------------
async def _until(predicate: Any, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("yes_price", [False, True])
async def test_ws_book_equals_rest_after_deltas_and_after_a_gap(s: SimSession, yes_price: bool) -> None:
    t = list_match(s)[0]
    mm_quote(s, t, "bid", "0.47", 3)
    mm_quote(s, t, "ask", "0.52", 3)
    auth = KalshiAuth(s.key_id, s.private_key)
    ws_client = KalshiWebSocket(
        s.base_url, headers=auth.ws_headers, reply_timeout=2.0, use_yes_price=yes_price
    )
    async with trader(s) as c, ws_client as ws:
        sids = await ws.subscribe(["orderbook_delta", "fill"], [t])
        assert set(sids) == {"orderbook_delta", "fill"}
        await _until(lambda: not ws.is_stale(t))
        mm_quote(s, t, "bid", "0.46", 5)
        await c.create_order(order(t, BookSide.BID, 2, "0.52"))  # takes 2 of the 3 at 0.52
        rest = await c.get_orderbook(t)
        await _until(lambda: ws.book(t).yes_bids == rest.yes_bids and ws.book(t).no_bids == rest.no_bids)
        s.control.fault(ws="drop_delta", count=1)
        mm_quote(s, t, "bid", "0.45", 7)  # this delta is lost: a seq gap
        mm_quote(s, t, "bid", "0.44", 1)  # the next one reveals the gap
        rest = await c.get_orderbook(t)
        await _until(lambda: ws.snapshot_requests == 1)
        await _until(lambda: not ws.is_stale(t) and ws.book(t).yes_bids == rest.yes_bids)
        assert ws.book(t).best_yes_ask == rest.best_yes_ask
        subs = await ws.list_subscriptions()
    assert {sub["channel"] for sub in subs} == {"orderbook_delta", "fill"}
    events = []
    while not ws._queue.empty():
        events.append(ws._queue.get_nowait())
    fills = [e for e in events if isinstance(e, FillEvent)]
    assert len(fills) == 1
    assert fills[0].fill.yes_price == D("0.52")
    assert fills[0].fill.count == D(2)


async def test_ws_reconnects_and_resubscribes(s: SimSession) -> None:
    t = list_match(s)[0]
    mm_quote(s, t, "bid", "0.30", 2)
    auth = KalshiAuth(s.key_id, s.private_key)

    async def fast_sleep(seconds: float) -> None:
        await asyncio.sleep(0.01)

    async with KalshiWebSocket(
        s.base_url, headers=auth.ws_headers, sleep=fast_sleep, reply_timeout=2.0
    ) as ws:
        await ws.subscribe(["orderbook_delta"], [t])
        await _until(lambda: not ws.is_stale(t))
        s.control.fault(ws="close")
        await _until(lambda: ws.reconnects == 1)
        mm_quote(s, t, "bid", "0.31", 4)
        await _until(
            lambda: (
                not ws.is_stale(t)
                and ws.book(t).best_yes_bid is not None
                and ws.book(t).best_yes_bid.price == D("0.31")
            )
        )


async def test_ws_handshake_needs_a_valid_signature(s: SimSession) -> None:
    from courtside.kalshi.auth import KalshiAuth as Auth
    from courtside.sim.testing import new_rsa_key

    wrong = Auth(s.key_id, new_rsa_key())
    with pytest.raises(AuthenticationError):
        async with KalshiWebSocket(s.base_url, headers=wrong.ws_headers):
            pass


async def test_doctor_against_the_simulator(s: SimSession) -> None:
    from courtside.domain.clock import SystemClock
    from courtside.kalshi.doctor import Verdict, failed, run_doctor

    list_match(s)
    async with trader(s) as c:
        checks = await run_doctor(c, SystemClock(), with_auth=True)
    assert not failed(checks), checks
    verdicts = {ch.name: ch.verdict for ch in checks}
    assert verdicts["credentials"] is Verdict.OK
    assert verdicts["tennis shard"] is Verdict.OK
    assert "KXATPMATCH" in next(ch.detail for ch in checks if ch.name == "tennis series")


# ---- the other endpoints ------------------------------------------------------------------------
async def test_amend_decrease_batch_and_cancel_all(s: SimSession) -> None:
    t = list_match(s)[0]
    async with trader(s) as c:
        ack = await c.create_order(order(t, BookSide.BID, 5, "0.30", TimeInForce.GTC))
        amended = await c.amend_order(ack.order_id, ticker=t, side=BookSide.BID, price=D("0.31"), count=D(6))
        decreased = await c.decrease_order(amended.order_id, reduce_by=D(2))
        assert decreased.remaining_count == D(4)
        assert (await c.get_order(decreased.order_id)).yes_price == D("0.31")
        batch = await c.batch_create_orders(
            [
                order(t, BookSide.BID, 1, "0.20", TimeInForce.GTC),
                order(t, BookSide.BID, 1, "0.205", TimeInForce.GTC),
            ]
        )
        assert batch[0].ack is not None
        assert batch[1].error is not None
        assert batch[1].error.code == "invalid_price"
        cancels = await c.batch_cancel_orders([batch[0].ack.order_id, "00000000-0000-0000-0000-000000000000"])
        assert cancels[0].result is not None
        assert cancels[0].result.reduced_by == D(1)
        assert cancels[1].result is not None
        assert cancels[1].result.gone
        rest = await c.cancel_all_orders()
        assert [r.order_id for r in rest] == [decreased.order_id]
        assert await c.get_orders(status="resting") == []


async def test_transfer_to_the_tennis_shard(s: SimSession) -> None:
    async with trader(s) as c:
        before = await c.get_balance()
        result = await c.intra_exchange_transfer(D("12.5"), source_shard=0, destination_shard=3)
        after = await c.get_balance()
    assert result.transfer_id
    assert after.on_shard(0) == before.on_shard(0) - D("12.5")
    assert after.on_shard(3) == before.on_shard(3) + D("12.5")


async def test_public_reads_and_account_limits(s: SimSession) -> None:
    a, b = list_match(s)
    mm_quote(s, a, "ask", "0.60", 5)
    async with trader(s) as c:
        await c.create_order(order(a, BookSide.BID, 2, "0.60"))
        limits = await c.use_account_limits()
        trades = await c.get_trades(ticker=a)
        books = await c.get_orderbooks([a, b])
        event = await c.get_event(trades[0].ticker.rsplit("-", 1)[0])
        series = await c.get_series(event.series_ticker)
    assert limits.read.refill_rate > 0
    assert c.http.limiter is not None
    assert len(trades) == 1
    assert (trades[0].count, trades[0].yes_price, trades[0].taker_book_side) == (D(2), D("0.60"), "bid")
    assert set(books) == {a, b}
    assert books[a].best_yes_ask is not None
    assert books[a].best_yes_ask.size == D(3)
    assert {m.ticker for m in event.markets} == {a, b}
    assert series.fees == MAKER_FEES


def test_doctor_cli_against_the_simulator(
    s: SimSession, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import json

    import typer
    from typer.testing import CliRunner

    from courtside.cli import doctor
    from courtside.sim.testing import new_rsa_key, write_private_pem

    list_match(s)
    app = typer.Typer()
    app.callback()(lambda: None)
    doctor.register(app)
    monkeypatch.setenv("KALSHI_API_KEY_ID", s.key_id)
    monkeypatch.setenv("KALSHI_PRIVATE_KEY_PATH", str(s.private_key_path))
    ok = CliRunner().invoke(app, ["doctor", "--env", s.base_url, "--json"])
    assert ok.exit_code == 0, ok.output
    assert {c["verdict"] for c in json.loads(ok.output)["checks"]} <= {"ok", "warn"}
    monkeypatch.setenv("KALSHI_API_KEY_ID", "00000000-0000-0000-0000-000000000000")
    bad = CliRunner().invoke(app, ["doctor", "--env", s.base_url])
    assert bad.exit_code == 1
    assert "unknown API key id" in bad.output
    unknown = CliRunner().invoke(app, ["doctor", "--env", s.base_url, "--json"])
    creds = next(c for c in json.loads(unknown.output)["checks"] if c["name"] == "credentials")
    assert "sim serve --key-file" in creds["fix"]  # the fix names how to register a key
    monkeypatch.setenv("KALSHI_API_KEY_ID", s.key_id)
    monkeypatch.setenv(
        "KALSHI_PRIVATE_KEY_PATH", str(write_private_pem(new_rsa_key(), tmp_path / "wrong.pem"))
    )
    wrong = CliRunner().invoke(app, ["doctor", "--env", s.base_url, "--json"])
    assert wrong.exit_code == 1
    creds = next(c for c in json.loads(wrong.output)["checks"] if c["name"] == "credentials")
    assert creds["verdict"] == "fail"
    assert "INCORRECT_API_KEY_SIGNATURE" in creds["detail"]
    assert "registered with another public key" in creds["fix"]


async def test_ws_subscription_management(s: SimSession) -> None:
    a, b = list_match(s)
    mm_quote(s, a, "bid", "0.40", 1)
    mm_quote(s, b, "bid", "0.55", 2)
    auth = KalshiAuth(s.key_id, s.private_key)
    async with KalshiWebSocket(s.base_url, headers=auth.ws_headers, reply_timeout=2.0) as ws:
        sid = (await ws.subscribe(["orderbook_delta"], [a]))["orderbook_delta"]
        await _until(lambda: not ws.is_stale(a))
        reply = await ws.update_subscription(sid, [b], "add_markets")
        assert reply["msg"]["market_tickers"] == sorted([a, b])
        await _until(lambda: not ws.is_stale(b))
        best = ws.book(b).best_yes_bid
        assert best is not None
        assert best.price == D("0.55")
        await ws.update_subscription(sid, [a], "delete_markets")
        assert ws.is_stale(a)
        await ws.unsubscribe([sid])
        assert await ws.list_subscriptions() == []
        assert ws.is_stale(b)


async def test_ws_lifecycle_and_trade_events(s: SimSession) -> None:
    from courtside.kalshi.ws_events import LifecycleEvent, TradeEvent

    t = list_match(s)[0]
    mm_quote(s, t, "ask", "0.52", 5)
    auth = KalshiAuth(s.key_id, s.private_key)
    async with trader(s) as c, KalshiWebSocket(s.base_url, headers=auth.ws_headers, reply_timeout=2.0) as ws:
        await ws.subscribe(["market_lifecycle_v2"])
        await ws.subscribe(["trade"], [t])
        await c.create_order(order(t, BookSide.BID, 1, "0.60"))
        s.control.set_status(t, "closed")
        s.control.determine(t, "scalar", "0.44")
        seen: list[Any] = []
        events = ws.events()

        def got_determined() -> bool:
            return any(isinstance(e, LifecycleEvent) and e.event_type == "determined" for e in seen)

        while not got_determined():
            seen.append(await asyncio.wait_for(anext(events), 5.0))
    trades = [e.trade for e in seen if isinstance(e, TradeEvent)]
    assert [(tr.ticker, tr.yes_price, tr.count, tr.taker_book_side) for tr in trades] == [
        (t, D("0.52"), D(1), "bid")
    ]
    determined = next(e for e in seen if isinstance(e, LifecycleEvent) and e.event_type == "determined")
    assert determined.ticker == t
    assert (determined.result, determined.settlement_value) == ("scalar", D("0.44"))
