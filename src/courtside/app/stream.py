"""--stream: full scans every --scan-interval seconds, and between them a reaction to every
WebSocket book change of a watched market (orderbook_delta, kalshi-api.md §3)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Protocol

from courtside.app.loop import one_scan, stop_for_failures
from courtside.app.scan_result import MatchVerdict
from courtside.app.trader import AutoTrader
from courtside.domain.errors import CourtsideError, ExchangeError, NetworkError
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


async def _scan_again(trader: AutoTrader, watch: BookWatch, pulse: _Pulse) -> None:
    """The periodic full scan of --stream: its heartbeat line first; a failure is logged and counted
    as the loop's are (max-failed-scans in a row stop opening positions)."""
    log.info(
        "websocket: %d book updates since the last scan, %d books subscribed, %d reconnects",
        pulse.updates, len(watch.tickers), watch.ws.reconnects,
    )  # fmt: skip
    pulse.updates = 0
    await _scan(trader, pulse)
    await _follow(watch, set(trader.watched_tickers))
    _tell(pulse, watch)


def _tell(pulse: _Pulse, watch: BookWatch, state: str | None = None) -> None:
    """The WebSocket's state, books followed, reconnects and last message, to the watcher."""
    if pulse.watcher is None:
        return
    subscribed = watch.ws.sid_of(BOOK_CHANNEL) is not None or not watch.tickers
    state = state or ("connected" if subscribed else "reconnecting")
    pulse.watcher.websocket(state, len(watch.tickers), watch.ws.reconnects, pulse.last_message_at)


async def _follow(watch: BookWatch, wanted: set[str]) -> None:
    before = set(watch.tickers)
    await watch.follow(wanted)
    if watch.tickers != before:
        log.info("websocket: subscribed to %d books", len(watch.tickers))


async def _react(trader: AutoTrader, ws: KalshiWebSocket, event: BookUpdated) -> MatchVerdict | None:
    """A reaction to one book change; an unexpected exception is logged and the stream goes on."""
    books = _books(trader, ws, event.ticker)
    try:
        return await trader.react(event.ticker, books) if books else None
    except CourtsideError as e:
        log.warning("reaction to %s failed: %s", event.ticker, e)
    except Exception:  # a bug in one reaction must not end the stream
        log.exception("reaction to %s crashed", event.ticker)
    return None


async def _scan(trader: AutoTrader, pulse: _Pulse) -> None:
    """A full scan of --stream; a failure is logged and counted as the loop's are (max-failed-scans in a
    row stop opening positions), at start-up too."""
    failed = await one_scan(trader, once=False)
    if pulse.watcher is not None:
        pulse.watcher.scanned(failed)
    pulse.failures = pulse.failures + 1 if failed else 0
    if failed and pulse.failures >= trader.cfg.max_failed_scans:
        stop_for_failures(trader, pulse.failures, failed)


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
    watcher: ScanWatcher | None = None,
) -> int:
    """Run until max_seconds (forever when None); returns how many reactions placed an order. The
    watcher hears how each scan ended and how the WebSocket is after it (app/operator.py)."""
    started = time.monotonic()
    placed, pulse = 0, _Pulse(watcher=watcher)
    await _scan(trader, pulse)
    async with contextlib.AsyncExitStack() as stack:
        ws = await _open(stack, connect, trader, interval, pulse)
        log.info("websocket connected to %s", ws.endpoints.ws_url)
        watch = BookWatch(ws)
        await _follow(watch, set(trader.watched_tickers))
        _tell(pulse, watch)
        events = ws.events()
        next_scan = time.monotonic() + interval
        while max_seconds is None or time.monotonic() - started < max_seconds:
            limit = next_scan - time.monotonic()
            if max_seconds is not None:
                limit = min(limit, max_seconds - (time.monotonic() - started))
            event = await _next(events, max(limit, 0.0))
            if event is None:
                if time.monotonic() >= next_scan:
                    await _scan_again(trader, watch, pulse)
                    next_scan = time.monotonic() + interval
                continue
            pulse.last_message_at = trader.clock.now()
            if isinstance(event, BookUpdated):
                pulse.updates += 1
                item = await _react(trader, ws, event)
                if item is not None:
                    placed += item.decision == "taken"
                    if on_item:
                        on_item(item)
        _tell(pulse, watch, "closed")
    log.info("websocket closed after %d reconnects", ws.reconnects)
    return placed
