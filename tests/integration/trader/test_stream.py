"""--stream: a WebSocket book change between scans is priced and traded at once."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from trader_sim import list_semifinal, pull_best_bid, until

from courtside.app.stream import run_stream
from courtside.kalshi.ws import KalshiWebSocket


async def test_a_book_change_is_traded_between_scans(harness: Any) -> None:
    w = harness.wire(live=True, confirm_live=True, min_ev="0.02", min_value="0.02")
    auth = harness.auth
    sockets: list[KalshiWebSocket] = []
    items: list[Any] = []

    def connect() -> KalshiWebSocket:
        sockets.append(KalshiWebSocket(w.client.endpoints, headers=auth.ws_headers))
        return sockets[-1]

    def van() -> str:
        return next(t for t in w.trader.watched_tickers if t.endswith("-VAN"))

    stream = asyncio.create_task(
        run_stream(w.trader, connect, interval=600.0, max_seconds=60.0, on_item=items.append)
    )
    try:  # after the first scan, once the Van de Zandschulp book is live, its best bid is pulled
        await until(
            lambda: bool(sockets) and bool(w.trader.watched_tickers) and not sockets[0].is_stale(van())
        )
        await pull_best_bid(harness, van())
        await until(lambda: any(i.decision == "taken" for i in items))
    finally:
        stream.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stream
        await w.aclose()
    assert [i.decision for i in items].count("taken") == 1  # the reaction, between scans (interval 600 s)
    orders = await harness.exchange_orders()
    assert len(orders) == 2  # one from the first scan (Zverev), one from the book change
    assert any("ZVE" in o.ticker for o in orders)
    assert len({o.ticker.rsplit("-", 1)[0] for o in orders}) == 2


async def test_markets_that_come_and_go_update_the_one_book_subscription(harness: Any) -> None:
    w = harness.wire(min_ev="0.02", min_value="0.02")
    sockets: list[KalshiWebSocket] = []
    seen: dict[str, Any] = {}

    def connect() -> KalshiWebSocket:
        ws = KalshiWebSocket(w.client.endpoints, headers=harness.auth.ws_headers)
        sockets.append(ws)
        return ws

    async def later() -> None:
        await until(lambda: bool(sockets) and bool(w.trader.watched_tickers))  # the first scan is done
        first = set(w.trader.watched_tickers)
        list_semifinal(harness.sim, harness.sim.exchange.now())
        gone = sorted(t for t in first if t.endswith("-VAN") or t.endswith("-AUG"))
        for ticker in gone:
            harness.sim.control.set_status(ticker, "closed")

        def settled() -> bool:  # a later scan followed the new set and the books caught up
            now_set = set(w.trader.watched_tickers)
            fresh = now_set - first
            return (
                len(fresh) == 2
                and not now_set & set(gone)
                and not any(sockets[0].is_stale(t) for t in now_set)
                and all(sockets[0].is_stale(t) for t in gone)
            )

        await until(settled)
        seen["first"], seen["gone"] = first, set(gone)
        seen["now"] = set(w.trader.watched_tickers)
        seen["subs"] = await sockets[0].list_subscriptions()
        seen["stale"] = {t: sockets[0].is_stale(t) for t in seen["now"] | seen["gone"]}

    stream = asyncio.create_task(run_stream(w.trader, connect, interval=0.5, max_seconds=60.0))
    try:
        await later()
    finally:
        stream.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stream
        await w.aclose()
    added = seen["now"] - seen["first"]
    assert len(added) == 2
    assert len(seen["gone"]) == 2
    assert not seen["now"] & seen["gone"]
    # one subscription per channel (books, and the prints a start shows in), each updated in place
    assert sorted(s["channel"] for s in seen["subs"]) == ["orderbook_delta", "trade"]
    assert not any(seen["stale"][t] for t in seen["now"])  # the new markets got their snapshots
    assert all(seen["stale"][t] for t in seen["gone"])  # the closed ones were deleted from it
