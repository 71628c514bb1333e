"""--stream: full scans every --scan-interval seconds, and between them a reaction to the WebSocket
book changes of watched markets (orderbook_delta, kalshi-api.md §3). The changes that arrived
together are decided together: their candidates compete for the room best first, as in a scan.
Between scans the real start is watched too: the `trade` channel's prints and, twice a second, the
live data of the matches we hold orders on (one batch request); a start cancels at once."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Protocol

from courtside.app.loop import count_failures, one_scan
from courtside.app.scan_result import MatchVerdict
from courtside.app.trader import AutoTrader
from courtside.domain.errors import CourtsideError, ExchangeError, NetworkError
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
    """The next event, or None after `timeout` seconds. asyncio.timeout, not wait_for: in Python 3.11
    wait_for drops a cancellation that arrives as the event does, and the stream then ran on to its
    next timeout (a SIGINT right after a scan went unanswered for an interval)."""
    try:
        async with asyncio.timeout(timeout):
            return await anext(events)
    except TimeoutError:
        return None


class ScanWatcher(Protocol):
    """Who hears how each scan ended and how the WebSocket is (the run's health and alerts)."""

    def scanned(self, failure: str | None) -> None: ...

    def websocket(
        self, state: str, books: int, reconnects: int, last_message_at: datetime | None
    ) -> None: ...


@dataclass
class _Pulse:
    """What the stream saw since the last scan, for its heartbeat line; failed scans in a row; who
    hears of each scan and of the WebSocket, and when its last message came."""

    updates: int = 0
    failures: int = 0
    watcher: ScanWatcher | None = None
    last_message_at: datetime | None = None

    def tell(self, books: ChannelWatch, state: str | None = None) -> None:
        """The WebSocket's state, books followed, reconnects and last message, to the watcher."""
        if self.watcher is None:
            return
        subscribed = books.ws.sid_of(books.channel) is not None or not books.tickers
        state = state or ("connected" if subscribed else "reconnecting")
        self.watcher.websocket(state, len(books.tickers), books.ws.reconnects, self.last_message_at)


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


async def _scan(trader: AutoTrader, pulse: _Pulse) -> None:
    """A full scan of --stream; a failure is logged and counted as the loop's are (max-failed-scans in a
    row stop opening positions), at start-up too."""
    failed = await one_scan(trader, once=False)
    if pulse.watcher is not None:
        pulse.watcher.scanned(failed)
    pulse.failures = count_failures(trader, pulse.failures, failed)


async def _open(
    stack: contextlib.AsyncExitStack[bool | None],
    connect: WsFactory,
    trader: AutoTrader,
    interval: float,
    pulse: _Pulse,
) -> KalshiWebSocket:
    """The WebSocket, connected: a failed handshake (the exchange down) is tried again every interval,
    with a scan between, as a failed scan is; a refused key stops."""
    while True:
        try:
            return await stack.enter_async_context(connect())
        except NetworkError as e:
            log.warning("websocket not connected, will retry next interval: %s", e)
        await asyncio.sleep(interval)
        await _scan(trader, pulse)


async def run_stream(
    trader: AutoTrader,
    connect: WsFactory,
    *,
    interval: float,
    max_seconds: float | None = None,
    on_item: OnItem | None = None,
    start_poll: float = START_POLL_S,
    watcher: ScanWatcher | None = None,
) -> int:
    """Run until max_seconds (forever when None); returns how many reactions placed an order. Between
    scans: book changes are decided in bursts, prints are watched for a match's start, and every
    `start_poll` seconds the live data of the matches we hold orders on is read (app/starts.py). The
    watcher hears how each scan ended and how the WebSocket is after it (app/operator.py)."""
    clock, pulse = _Clock(interval, start_poll), _Pulse(watcher=watcher)
    await _scan(trader, pulse)
    placed = 0
    async with contextlib.AsyncExitStack() as stack:
        ws = await _open(stack, connect, trader, interval, pulse)
        log.info("websocket connected to %s", ws.endpoints.ws_url)
        books, prints = ChannelWatch(ws, BOOK_CHANNEL), ChannelWatch(ws, TRADE_CHANNEL)
        await _follow(trader, books, prints)
        pulse.tell(books)
        events = ws.events()
        clock.scanned()
        while clock.running(max_seconds):
            event = await _next(events, clock.wait(max_seconds))
            if event is None:
                await _on_time(trader, clock, pulse, books, prints)
                continue
            pulse.last_message_at = trader.clock.now()
            burst = [event, *ws.queued()]
            for item in await _react(trader, ws, burst, pulse):
                placed += item.decision == "taken"
                if on_item:
                    on_item(item)
        pulse.tell(books, "closed")
        log.info("websocket closed after %d reconnects", ws.reconnects)
    return placed


async def _react(
    trader: AutoTrader, ws: KalshiWebSocket, burst: list[WsEvent], pulse: _Pulse
) -> list[MatchVerdict]:
    """A burst of frames: prints watched for a start, the changed books decided together; a failure or
    an unexpected exception is logged and the stream goes on."""
    changed = sorted({e.ticker for e in burst if isinstance(e, BookUpdated)})
    pulse.updates += sum(isinstance(e, BookUpdated) for e in burst)
    try:
        await trader.starts.on_trades([e.trade for e in burst if isinstance(e, TradeEvent)])
        if changed:
            return await trader.react(changed, lambda t: _books(trader, ws, t))
    except CourtsideError as e:
        log.warning("reaction to %s failed: %s", ", ".join(changed) or "prints", e)
    except Exception:  # a bug in one reaction must not end the stream
        log.exception("reaction to %s crashed", ", ".join(changed) or "prints")
    return []


async def _follow(trader: AutoTrader, books: ChannelWatch, prints: ChannelWatch) -> None:
    watched = set(trader.watched_tickers)
    before = set(books.tickers)
    await books.follow(watched)
    await prints.follow(watched)
    if books.tickers != before:
        log.info("websocket: subscribed to %d books", len(books.tickers))


async def _on_time(
    trader: AutoTrader, clock: _Clock, pulse: _Pulse, books: ChannelWatch, prints: ChannelWatch
) -> None:
    """A scan (its heartbeat line first) or a live-data poll that has come due (a failed poll is
    logged; the next one retries)."""
    now = time.monotonic()
    if now >= clock.next_scan:
        log.info(
            "websocket: %d book updates since the last scan, %d books subscribed, %d reconnects",
            pulse.updates, len(books.tickers), books.ws.reconnects,
        )  # fmt: skip
        pulse.updates = 0
        await _scan(trader, pulse)
        await _follow(trader, books, prints)
        pulse.tell(books)
        clock.scanned()
    if now >= clock.next_poll:
        try:
            await trader.starts.poll()
        except CourtsideError as e:
            log.warning("live-data poll failed (next in %.1f s): %s", clock.poll, e)
        clock.next_poll = time.monotonic() + clock.poll
