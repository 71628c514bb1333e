"""--stream: full scans every --scan-interval seconds, and between them a reaction to the WebSocket
book changes of watched markets (orderbook_delta, kalshi-api.md §3). The changes that arrived
together are decided together: their candidates compete for the room best first, as in a scan."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import replace

from courtside.app.scan_result import MatchVerdict
from courtside.app.trader import AutoTrader
from courtside.domain.errors import ExchangeError
from courtside.domain.market import OrderBook
from courtside.kalshi.ws import BOOK_CHANNEL, KalshiWebSocket
from courtside.kalshi.ws_events import BookUpdated, WsEvent

log = logging.getLogger("courtside.trader")
WsFactory = Callable[[], AbstractAsyncContextManager[KalshiWebSocket]]
OnItem = Callable[[MatchVerdict], None]


def _books(trader: AutoTrader, ws: KalshiWebSocket, ticker: str) -> dict[str, OrderBook] | None:
    """Both books of the match behind `ticker`, from the WebSocket, or None while one is untrusted."""
    last = trader._last
    pm = last.priced.get(ticker) if last else None
    if pm is None or any(ws.is_stale(t) for t in pm.match.tickers):
        return None
    now = trader.clock.now()
    return {t: replace(ws.book(t), ts=now) for t in pm.match.tickers}


class BookWatch:
    """One orderbook_delta subscription for every watched market: new markets are added to it and
    gone ones deleted from it (update_subscription, kalshi-api.md §3), never a second subscription."""

    def __init__(self, ws: KalshiWebSocket) -> None:
        self.ws = ws
        self.tickers: set[str] = set()

    async def follow(self, wanted: set[str]) -> None:
        """Make the subscription cover exactly `wanted`; a failure is logged and retried next scan."""
        try:
            await self._follow(wanted)
        except ExchangeError as e:
            log.warning("websocket subscription not updated (will retry after the next scan): %s", e)

    async def _follow(self, wanted: set[str]) -> None:
        sid = self.ws.sid_of(BOOK_CHANNEL)
        if sid is None:
            if self.tickers:  # subscribed, but reconnecting: the client resubscribes by itself
                return
            if wanted:
                await self.ws.subscribe([BOOK_CHANNEL], sorted(wanted))
                self.tickers = set(wanted)
            return
        if not wanted:
            await self.ws.unsubscribe([sid])
            self.tickers = set()
            return
        new, gone = wanted - self.tickers, self.tickers - wanted
        if new:
            await self.ws.update_subscription(sid, sorted(new), "add_markets")
            self.tickers |= new
        if gone:
            await self.ws.update_subscription(sid, sorted(gone), "delete_markets")
            self.tickers -= gone


async def _next(events: AsyncIterator[WsEvent], timeout: float) -> WsEvent | None:
    try:
        return await asyncio.wait_for(anext(events), timeout)
    except TimeoutError:
        return None


async def run_stream(
    trader: AutoTrader,
    connect: WsFactory,
    *,
    interval: float,
    max_seconds: float | None = None,
    on_item: OnItem | None = None,
) -> int:
    """Run until max_seconds (forever when None); returns how many reactions placed an order."""
    started = time.monotonic()
    await trader.scan()
    placed = 0
    async with connect() as ws:
        watch = BookWatch(ws)
        await watch.follow(set(trader.watched_tickers))
        events = ws.events()
        next_scan = time.monotonic() + interval
        while max_seconds is None or time.monotonic() - started < max_seconds:
            limit = next_scan - time.monotonic()
            if max_seconds is not None:
                limit = min(limit, max_seconds - (time.monotonic() - started))
            event = await _next(events, max(limit, 0.0))
            if event is None:
                if time.monotonic() >= next_scan:
                    await trader.scan()
                    await watch.follow(set(trader.watched_tickers))
                    next_scan = time.monotonic() + interval
                continue
            burst = [event, *ws.queued()]
            changed = sorted({e.ticker for e in burst if isinstance(e, BookUpdated)})
            if not changed:
                continue
            for item in await trader.react(changed, lambda t: _books(trader, ws, t)):
                placed += item.decision == "taken"
                if on_item:
                    on_item(item)
    return placed
