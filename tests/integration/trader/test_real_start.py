"""The real start, learnt from the exchange (the simulator over loopback, real client and trader): the
match's live data, or, when the exchange keeps none for it, its in-play prints. A start cancels the
match's resting order (by the next scan when polling; between scans in --stream, within one or two
live-data polls of half a second), nothing more is placed on it, and a restart does not either."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from trader_sim import pull_best_bid

from courtside.app.stream import START_POLL_S, run_stream
from courtside.domain.orders import OrderStatus
from courtside.kalshi.ws import KalshiWebSocket

LIVE = {"live": True, "confirm_live": True}
STARTED = "match has started (live data: live)"


async def _resting(w: Any) -> list[Any]:
    return await w.venue.orders(status=OrderStatus.RESTING)


def _event(order: Any) -> str:
    return str(order.ticker.rsplit("-", 1)[0])


@pytest.mark.parametrize("mode", ["live", "paper"])
async def test_a_start_seen_in_live_data_cancels_at_the_next_scan_and_nothing_follows(
    harness: Any, mode: str
) -> None:
    w = harness.wire(**(LIVE if mode == "live" else {}))
    try:
        assert (await w.trader.scan()).orders == 1
        (order,) = await _resting(w)
        event = _event(order)
        harness.sim.control.start_match(event)  # hours before its occurrence_datetime
        second = await w.trader.scan()
        left = await _resting(w)
        history = await w.venue.orders()
    finally:
        await w.aclose()
    assert left == []
    assert [o.status for o in history] == [OrderStatus.CANCELED]
    assert second.orders == 0
    (verdict,) = [i for i in second.items if i.event_ticker == event]
    assert verdict.decision == "refused"
    assert verdict.reasons == (f"no new orders on this match: {STARTED}",)
    assert w.journal.stopped_matches() == {event: STARTED}
    (row,) = w.journal.orders()
    assert (row.status, row.detail) == ("canceled", STARTED)

    again = harness.wire(**(LIVE if mode == "live" else {}))  # a restart: the stop is in the journal
    try:
        third = await again.trader.scan()
    finally:
        await again.aclose()
    assert third.orders == 0
    assert len(await harness.exchange_orders()) == (1 if mode == "live" else 0)


async def test_after_a_cancel_because_the_start_is_near_no_restart_places_a_fresh_order(harness: Any) -> None:
    """The kill -9 run: 'match start is near' cancelled the order, then a restarted trader, to which
    the match looked tradable again, ordered on it. The stop is journalled before the cancel."""
    first = harness.wire(**LIVE)
    try:
        assert (await first.trader.scan()).orders == 1
    finally:
        await first.aclose()
    near = harness.wire(**LIVE, min_minutes=600)  # the Zverev match, 5 h away, is now "near"
    try:
        await near.trader.scan()
    finally:
        await near.aclose()
    (order,) = await harness.exchange_orders()
    assert order.status is OrderStatus.CANCELED
    (stop,) = near.journal.stopped_matches().values()
    assert stop.startswith("match start is near")
    again = harness.wire(**LIVE)  # tradable by the clock again (min_minutes back to 10)
    try:
        third = await again.trader.scan()
    finally:
        await again.aclose()
    assert third.orders == 0
    assert len(await harness.exchange_orders()) == 1
    (verdict,) = [i for i in third.items if i.event_ticker == _event(order)]
    assert verdict.reasons[0].startswith("no new orders on this match: match start is near")


async def test_without_live_data_the_in_play_prints_stop_it_at_the_next_scan(harness: Any) -> None:
    w = harness.wire(**LIVE)
    try:
        await w.trader.scan()
        (order,) = await _resting(w)
        harness.sim.control.start_match(_event(order), live_data=False)  # the exchange keeps none
        for _ in range(3):  # the market moves 20 cents on real size: play has begun
            harness.sim.control.print_trade(order.ticker, "0.75", 10)
        second = await w.trader.scan()
    finally:
        await w.aclose()
    assert (await harness.exchange_orders())[0].status is OrderStatus.CANCELED
    (reason,) = w.journal.stopped_matches().values()
    assert reason == f"price jump: {order.ticker} traded 10 contracts as far as 0.75 from 0.55 before"
    assert second.orders == 0


async def _stream_until_cancelled(harness: Any, start: Any) -> tuple[Any, int, int]:
    """Stream (no scan due for ten minutes); once an order rests, `start(order)`; returns the wiring,
    the live-data polls made from the start to the cancel, and the scans run."""
    w = harness.wire(**LIVE)
    orders: list[Any] = []

    def connect() -> KalshiWebSocket:
        return KalshiWebSocket(w.client.endpoints, headers=harness.auth.ws_headers)

    async def exchange_has(status: OrderStatus) -> bool:
        orders[:] = await harness.exchange_orders()
        return any(o.status is status for o in orders)

    stream = asyncio.create_task(run_stream(w.trader, connect, interval=600.0, max_seconds=60.0))
    try:
        await _until_async(lambda: exchange_has(OrderStatus.RESTING))
        await asyncio.sleep(0.3)  # the trade subscription is up
        polls = w.trader.starts.polls
        start(orders[0])
        await _until_async(lambda: exchange_has(OrderStatus.CANCELED))
        polls = w.trader.starts.polls - polls
    finally:
        stream.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stream
        await w.aclose()
    return w, polls, len(w.journal.scans())


async def _until_async(check: Any, timeout: float = 30.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        assert asyncio.get_running_loop().time() < deadline, "the stream did not get there in time"
        await asyncio.sleep(0.05)


async def test_stream_cancels_on_the_first_live_data_poll_after_the_start(harness: Any) -> None:
    w, polls, scans = await _stream_until_cancelled(
        harness, lambda order: harness.sim.control.start_match(_event(order))
    )
    assert scans == 1  # no scan in between: the poll of the stream did it
    # the poll that saw it was the one in flight as the match began or one of the next two, every
    # START_POLL_S (0.5 s): within a second of the start, whatever the load on the machine
    assert polls <= 2
    assert START_POLL_S * 2 <= 1.0
    assert list(w.journal.stopped_matches().values()) == [STARTED]


async def test_stream_cancels_on_the_in_play_prints_without_waiting_for_live_data(harness: Any) -> None:
    def start(order: Any) -> None:
        harness.sim.control.start_match(_event(order), live_data=False)
        for _ in range(2):
            harness.sim.control.print_trade(order.ticker, "0.30", 8)

    w, _polls, scans = await _stream_until_cancelled(harness, start)
    assert scans == 1
    (reason,) = w.journal.stopped_matches().values()
    assert reason.startswith(f"price jump: {next(iter(w.journal.stopped_matches()))}-")


async def test_a_candidate_without_live_data_is_checked_against_its_prints_before_an_order(
    harness: Any,
) -> None:
    """The Zverev match is a candidate (0.70 against 0.55) and already being played; Kalshi keeps no
    live data for it: its trades are read before the order would be placed, and it gets none."""
    w = harness.wire(**LIVE)
    event = next(e for e in harness.sim.exchange.events if "ZVE" in e)
    ticker = next(t for t in harness.sim.exchange.events[event].market_tickers if t.endswith("-ZVE"))
    harness.sim.control.start_match(event, live_data=False)
    for _ in range(30):  # a minute of in-play tape: a burst
        harness.sim.control.print_trade(ticker, "0.55", 3)
    try:
        report = await w.trader.scan()
    finally:
        await w.aclose()
    assert report.orders == 0
    (verdict,) = [i for i in report.items if i.event_ticker == event]
    assert verdict.decision == "refused"
    assert verdict.reasons == (
        "no new orders on this match: in-play trading: 25 trades, 75 contracts within 60 s",
    )
    assert verdict.rank is None  # begun: no place among the candidates
    assert await harness.exchange_orders() == []


async def test_a_reaction_checks_the_live_data_again_before_it_orders(harness: Any) -> None:
    """After the scan, the Van de Zandschulp match begins and its book moves into an edge: the
    reaction to that book change asks the live data again and places nothing."""
    w = harness.wire(**LIVE, min_ev="0.02", min_value="0.02")
    try:
        await w.trader.scan()  # Zverev ordered; Van de Zandschulp fair: no candidate, not checked
        event = next(e for e in harness.sim.exchange.events if "VANAUG" in e)
        van = f"{event}-VAN"
        harness.sim.control.start_match(event)
        await pull_best_bid(harness, van)  # the edge a reaction would take (test_stream.py)
        last = w.trader._last
        assert last is not None
        books = await w.venue.orderbooks(list(last.priced[van].match.tickers))
        items = await w.trader.react([van], lambda _t: books)
    finally:
        await w.aclose()
    assert [(i.decision, i.reasons) for i in items] == [
        ("refused", ("no new orders on this match: match has started (live data: live)",))
    ]
    assert len(await harness.exchange_orders()) == 1
    assert event in w.journal.stopped_matches()
