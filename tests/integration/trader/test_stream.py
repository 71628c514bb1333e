"""--stream: a WebSocket book change between scans is priced and traded at once."""

from __future__ import annotations

import asyncio
from typing import Any

from courtside.app.stream import run_stream
from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.ws import KalshiWebSocket


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
