"""--stream: full scans every --scan-interval seconds, and between them a reaction to the WebSocket
book changes of watched markets (orderbook_delta, kalshi-api.md §3). The changes that arrived
together are decided together: their candidates compete for the room best first, as in a scan.
Between scans the real start is watched too: the `trade` channel's prints and, twice a second, the
live data of the matches we hold orders on (one batch request); a start cancels at once."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace

from courtside.app.scan_result import MatchVerdict
from courtside.app.trader import AutoTrader
from courtside.domain.errors import CourtsideError, ExchangeError
from courtside.domain.market import OrderBook
from courtside.kalshi.ws import BOOK_CHANNEL, KalshiWebSocket
from courtside.kalshi.ws_events import BookUpdated, TradeEvent, WsEvent

log = logging.getLogger("courtside.trader")
WsFactory = Callable[[], AbstractAsyncContextManager[KalshiWebSocket]]
OnItem = Callable[[MatchVerdict], None]
TRADE_CHANNEL = "trade"
START_POLL_S = 0.5  # live data of the matches we hold orders on, read this often between scans


def _books(trader: AutoTrader, ws: KalshiWebSocket, ticker: str) -> dict[str, OrderBook] | None:
    """Both books of the match behind `ticker`, from the WebSocket, or None while one is untrusted."""
    last = trader._last
    pm = last.priced.get(ticker) if last else None
    if pm is None or any(ws.is_stale(t) for t in pm.match.tickers):
        return None
    now = trader.clock.now()
    return {t: replace(ws.book(t), ts=now) for t in pm.match.tickers}


class ChannelWatch:
    """One subscription of a channel for every watched market: new markets are added to it and gone
    ones deleted from it (update_subscription, kalshi-api.md §3), never a second subscription."""

    def __init__(self, ws: KalshiWebSocket, channel: str = BOOK_CHANNEL) -> None:
        self.ws = ws
        self.channel = channel
        self.tickers: set[str] = set()

    async def follow(self, wanted: set[str]) -> None:
        """Make the subscription cover exactly `wanted`; a failure is logged and retried next scan."""
        try:
            await self._follow(wanted)
        except ExchangeError as e:
            log.warning("%s subscription not updated (will retry after the next scan): %s", self.channel, e)

    async def _follow(self, wanted: set[str]) -> None:
        sid = self.ws.sid_of(self.channel)
        if sid is None:
            if self.tickers:  # subscribed, but reconnecting: the client resubscribes by itself
                return
            if wanted:
                await self.ws.subscribe([self.channel], sorted(wanted))
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


@dataclass
class _Clock:
    """When the next full scan and the next live-data poll are due (monotonic seconds)."""

    interval: float
    poll: float
    started: float = field(default_factory=time.monotonic)
    next_scan: float = 0.0
    next_poll: float = 0.0

    def scanned(self) -> None:
        """A scan just ended: the next is an interval from now."""
        self.next_scan = time.monotonic() + self.interval

    def wait(self, max_seconds: float | None) -> float:
        limit = min(self.next_scan, self.next_poll) - time.monotonic()
        if max_seconds is not None:
            limit = min(limit, max_seconds - (time.monotonic() - self.started))
        return max(limit, 0.0)

    def running(self, max_seconds: float | None) -> bool:
        return max_seconds is None or time.monotonic() - self.started < max_seconds


async def run_stream(
    trader: AutoTrader,
    connect: WsFactory,
    *,
    interval: float,
    max_seconds: float | None = None,
    on_item: OnItem | None = None,
    start_poll: float = START_POLL_S,
) -> int:
    """Run until max_seconds (forever when None); returns how many reactions placed an order. Between
    scans: book changes are decided in bursts, prints are watched for a match's start, and every
    `start_poll` seconds the live data of the matches we hold orders on is read (app/starts.py)."""
    clock = _Clock(interval, start_poll)
    await trader.scan()
    placed = 0
    async with connect() as ws:
        books, prints = ChannelWatch(ws, BOOK_CHANNEL), ChannelWatch(ws, TRADE_CHANNEL)
        await _follow(trader, books, prints)
        events = ws.events()
        clock.scanned()
        while clock.running(max_seconds):
            event = await _next(events, clock.wait(max_seconds))
            if event is None:
                await _on_time(trader, clock, books, prints)
                continue
            burst = [event, *ws.queued()]
            await trader.starts.on_trades([e.trade for e in burst if isinstance(e, TradeEvent)])
            changed = sorted({e.ticker for e in burst if isinstance(e, BookUpdated)})
            if not changed:
                continue
            for item in await trader.react(changed, lambda t: _books(trader, ws, t)):
                placed += item.decision == "taken"
                if on_item:
                    on_item(item)
    return placed


async def _follow(trader: AutoTrader, books: ChannelWatch, prints: ChannelWatch) -> None:
    watched = set(trader.watched_tickers)
    await books.follow(watched)
    await prints.follow(watched)


async def _on_time(trader: AutoTrader, clock: _Clock, books: ChannelWatch, prints: ChannelWatch) -> None:
    """A scan or a live-data poll that has come due (a failed poll is logged; the next one retries)."""
    now = time.monotonic()
    if now >= clock.next_scan:
        await trader.scan()
        await _follow(trader, books, prints)
        clock.scanned()
    if now >= clock.next_poll:
        try:
            await trader.starts.poll()
        except CourtsideError as e:
            log.warning("live-data poll failed (next in %.1f s): %s", clock.poll, e)
        clock.next_poll = time.monotonic() + clock.poll
