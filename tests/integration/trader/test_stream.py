"""--stream: a WebSocket book change between scans is priced and traded at once."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from courtside.app.stream import run_stream
from courtside.domain.tennis import Tour
from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.ws import KalshiWebSocket
from courtside.sim.generator import Liquidity, MatchSpec, build_bundle


async def _pull_best_bid(h: Any, ticker: str) -> None:
    """The market maker cancels its best YES bid on one market (a book change, no trade)."""
    auth = KalshiAuth(h.sim.mm_key_id, h.sim.mm_private_key)
    async with KalshiClient(h.sim.base_url, auth=auth) as mm:
        bids = [o for o in await mm.get_orders(ticker=ticker, status="resting") if o.side.value == "bid"]
        best = max(bids, key=lambda o: o.yes_price)
        await mm.cancel_order(best.order_id, market_ticker=ticker)


async def test_a_book_change_is_traded_between_scans(harness: Any) -> None:
    w = harness.wire(live=True, confirm_live=True, min_ev="0.02", min_value="0.02")
    auth = harness.auth

    def connect() -> KalshiWebSocket:
        return KalshiWebSocket(w.data.endpoints, headers=auth.ws_headers)

    async def later() -> None:
        await asyncio.sleep(1.0)
        vdz = next(t for t in w.trader.watched_tickers if t.endswith("-VAN"))
        await _pull_best_bid(harness, vdz)

    try:
        task = asyncio.create_task(later())
        placed = await run_stream(w.trader, connect, interval=60.0, max_seconds=3.0)
        await task
    finally:
        await w.aclose()
    assert placed == 1
    orders = await harness.exchange_orders()
    assert len(orders) == 2  # one from the first scan (Zverev), one from the book change
    assert any("ZVE" in o.ticker for o in orders)
    assert len({o.ticker.rsplit("-", 1)[0] for o in orders}) == 2


async def test_markets_that_come_and_go_update_the_one_book_subscription(harness: Any) -> None:
    w = harness.wire(min_ev="0.02", min_value="0.02")
    sockets: list[KalshiWebSocket] = []
    seen: dict[str, Any] = {}

    def connect() -> KalshiWebSocket:
        ws = KalshiWebSocket(w.data.endpoints, headers=harness.auth.ws_headers)
        sockets.append(ws)
        return ws

    async def later() -> None:
        await asyncio.sleep(0.3)
        first = set(w.trader.watched_tickers)
        now = harness.sim.exchange.now()
        new = MatchSpec(
            "Alexander Zverev",
            "Felix Auger-Aliassime",
            Tour.ATP,
            "US Open Men Singles",
            "Semifinal",
            now + timedelta(hours=9),
            0.50,
            title_style="new",
        )
        bundle = build_bundle([new], harness.sim.mm_user_id, now, seed=5, liquidity=Liquidity(noise=0.0))
        harness.sim.control.bulk(bundle)
        gone = sorted(t for t in first if t.endswith("-VAN") or t.endswith("-AUG"))
        for ticker in gone:
            harness.sim.control.set_status(ticker, "closed")
        await asyncio.sleep(1.6)  # the next scan (interval 1 s) follows the new set of matches
        seen["first"], seen["gone"] = first, set(gone)
        seen["now"] = set(w.trader.watched_tickers)
        seen["subs"] = await sockets[0].list_subscriptions()
        seen["stale"] = {t: sockets[0].is_stale(t) for t in seen["now"] | seen["gone"]}

    try:
        task = asyncio.create_task(later())
        await run_stream(w.trader, connect, interval=1.0, max_seconds=2.5)
        await task
    finally:
        await w.aclose()
    added = seen["now"] - seen["first"]
    assert len(added) == 2
    assert len(seen["gone"]) == 2
    assert not seen["now"] & seen["gone"]
    assert [s["channel"] for s in seen["subs"]] == ["orderbook_delta"]  # one subscription, updated
    assert not any(seen["stale"][t] for t in seen["now"])  # the new markets got their snapshots
    assert all(seen["stale"][t] for t in seen["gone"])  # the closed ones were deleted from it
