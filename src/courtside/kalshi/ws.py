"""KalshiWebSocket: one signed connection, subscriptions by id, local books, typed events.

Commands (subscribe / unsubscribe / update_subscription / list_subscriptions) await their reply.
A background task reads frames, keeps a LocalBook per market from snapshot + signed deltas,
checks `seq` per sid and, on a gap, marks the sid's books stale and asks for `get_snapshot`.
On a dropped connection it reconnects with jittered backoff and resubscribes (kalshi-api.md §3).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
import random
import time
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from courtside.domain.errors import AuthenticationError, ExchangeError, NetworkError, ParseError
from courtside.domain.market import OrderBook
from courtside.kalshi.book import BookKeeper
from courtside.kalshi.env import Endpoints, resolve_env
from courtside.kalshi.ratelimit import Monotonic, Sleep
from courtside.kalshi.ws_events import (
    Connected,
    Disconnected,
    WsError,
    WsEvent,
    parse_lifecycle,
    parse_ticker,
    parse_user_order,
    parse_ws_fill,
    parse_ws_trade,
)

log = logging.getLogger(__name__)
HeaderFactory = Callable[[str], dict[str, str]]
PARSERS: dict[str, Callable[[Any], WsEvent]] = {
    "ticker": parse_ticker,
    "trade": parse_ws_trade,
    "fill": parse_ws_fill,
    "user_order": parse_user_order,
    "market_lifecycle_v2": parse_lifecycle,
}
BOOK_CHANNEL = "orderbook_delta"


class EventStream:
    """Async iterator over a KalshiWebSocket's event queue; cancellation-safe per item."""

    def __init__(self, ws: KalshiWebSocket) -> None:
        self._ws = ws

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> WsEvent:
        ws = self._ws
        if ws._closing and ws._queue.empty():
            raise StopAsyncIteration
        return await ws._queue.get()


@dataclass
class Subscription:
    """What we asked for, kept so a reconnect can ask again; `sids` maps channel -> server sid."""

    channels: tuple[str, ...]
    market_tickers: list[str]
    params: dict[str, Any]
    sids: dict[str, int] = field(default_factory=dict)


class KalshiWebSocket:
    """`async with KalshiWebSocket("demo", headers=auth.ws_headers) as ws: await ws.subscribe(...)`.

    Book subscriptions always send `use_yes_price` explicitly. The default is False (NO levels in
    NO-leg prices, as in REST and as Kalshi answers when the parameter is unknown or ignored), so
    a server that does not honour the newer parameter still gives a correct book.
    """

    def __init__(
        self,
        env: str | Endpoints = "prod",
        *,
        headers: HeaderFactory | None = None,
        use_yes_price: bool = False,
        now: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
        reply_timeout: float = 10.0,
        max_backoff: float = 30.0,
        queue_size: int = 100_000,
    ) -> None:
        self.endpoints = env if isinstance(env, Endpoints) else resolve_env(env)
        self._headers = headers
        self.use_yes_price = use_yes_price
        self._now = now
        self._sleep = sleep
        self._rng = rng or random.SystemRandom()  # reconnects of two traders never in lockstep
        self._reply_timeout = reply_timeout
        self._max_backoff = max_backoff
        self._ids = itertools.count(1)
        self._conn: ClientConnection | None = None
        self._pending: dict[int, tuple[asyncio.Future[list[dict[str, Any]]], int]] = {}
        self._replies: dict[int, list[dict[str, Any]]] = {}
        self._subs: list[Subscription] = []
        self.keeper = BookKeeper(use_yes_price=use_yes_price, now=now)
        self._queue: asyncio.Queue[WsEvent] = asyncio.Queue(queue_size)
        self._runner: asyncio.Task[None] | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._ready = asyncio.Event()
        self._closing = False
        self.reconnects = 0
        self.snapshot_requests = 0

    # ---- lifecycle ----------------------------------------------------------------------
    async def __aenter__(self) -> KalshiWebSocket:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        """Connect (raising on a refused handshake) and start the reader/reconnect task."""
        self._conn = await self._connect()
        self._ready.set()
        self._emit(Connected(reconnect=False))
        self._runner = asyncio.create_task(self._run(), name="kalshi-ws")

    async def close(self) -> None:
        """Close the socket and stop reconnecting; a reader blocked on events() gets Disconnected."""
        self._closing = True
        self._emit(Disconnected("closed by client"))
        if self._conn is not None:
            await self._conn.close()
        for task in [self._runner, *self._tasks]:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        for fut, _ in self._pending.values():
            if not fut.done():
                fut.set_exception(NetworkError("websocket closed"))

    async def _connect(self) -> ClientConnection:
        url = self.endpoints.ws_url
        headers = self._headers(url) if self._headers else {}
        try:
            return await connect(
                url, additional_headers=headers, open_timeout=self._reply_timeout, max_size=2**24
            )
        except InvalidStatus as e:
            code = e.response.status_code
            if code in (401, 403):
                raise AuthenticationError(f"websocket handshake refused ({code})", status=code) from e
            raise NetworkError(f"websocket handshake failed ({code})") from e
        except (OSError, InvalidHandshake, TimeoutError) as e:
            raise NetworkError(f"websocket connect to {url} failed: {type(e).__name__}") from e

    async def _run(self) -> None:
        attempt = 0
        while not self._closing:
            conn = self._conn
            if conn is not None:
                attempt = 0
                reason = await self._read_until_closed(conn)
                self._conn = None
                self._ready.clear()
                if self._closing:
                    return
                self._on_disconnect(reason)
            attempt += 1
            delay = min(self._max_backoff, 0.5 * 2.0 ** (attempt - 1)) * (0.5 + 0.5 * self._rng.random())
            await self._sleep(delay)
            try:
                self._conn = await self._connect()
            except ExchangeError as e:
                log.warning("websocket reconnect %d failed: %s", attempt, e)
                continue
            self.reconnects += 1
            log.warning("websocket reconnected (reconnect %d, after %d attempt(s))", self.reconnects, attempt)
            self._ready.set()
            self._emit(Connected(reconnect=True))
            self._spawn(self._resubscribe())

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run a background job, keeping a reference and logging its failure."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._reap)

    def _reap(self, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("websocket background job failed: %s", task.exception())

    async def _read_until_closed(self, conn: ClientConnection) -> str:
        try:
            async for frame in conn:
                self._on_frame(frame)
        except ConnectionClosed as e:
            return f"closed: {e}"
        return "closed by server"

    def _on_disconnect(self, reason: str) -> None:
        log.warning("websocket disconnected (%s); reconnecting", reason)
        for fut, _ in self._pending.values():
            if not fut.done():
                fut.set_exception(NetworkError(f"websocket dropped: {reason}"))
        self._pending.clear()
        for sub in self._subs:
            sub.sids.clear()
        for event in self.keeper.disconnected():
            self._emit(event)
        self._emit(Disconnected(reason))

    async def _resubscribe(self) -> None:
        for sub in list(self._subs):
            try:
                await self._subscribe(sub)
            except ExchangeError as e:
                log.warning("resubscribe of %s failed: %s", sub.channels, e)

    # ---- events -------------------------------------------------------------------------
    def _emit(self, event: WsEvent) -> None:
        if self._queue.full():
            self._queue.get_nowait()
            log.warning("websocket event queue full: dropped the oldest event")
        self._queue.put_nowait(event)

    def events(self) -> EventStream:
        """Every event in arrival order, until the socket is closed. Safe to wrap each `anext` in a
        timeout: a timeout loses nothing (an async generator would be closed by it)."""
        return EventStream(self)

    def queued(self) -> list[WsEvent]:
        """Every event already queued, taken without waiting (a burst is decided together)."""
        out: list[WsEvent] = []
        while not self._queue.empty():
            out.append(self._queue.get_nowait())
        return out

    def book(self, ticker: str) -> OrderBook:
        """The local book of a subscribed market (check is_stale first when it matters)."""
        return self.keeper.book(ticker)

    def is_stale(self, ticker: str, max_age: float | None = None) -> bool:
        """True when there is no trusted book, or (with max_age) no update for max_age seconds."""
        return self.keeper.is_stale(ticker, max_age)

    # ---- commands -----------------------------------------------------------------------
    async def _command(
        self, cmd: str, params: dict[str, Any] | None, replies: int = 1
    ) -> list[dict[str, Any]]:
        """Send one command and wait for `replies` answers carrying its id (or an error); 0 = don't wait."""
        try:  # asyncio.timeout, not wait_for, which in 3.11 can drop a cancellation (app/signals.py)
            async with asyncio.timeout(self._reply_timeout):
                await self._ready.wait()
        except TimeoutError as e:
            raise NetworkError(f"websocket {cmd}: not connected") from e
        conn = self._conn
        if conn is None:
            raise NetworkError("websocket not connected")
        cid = next(self._ids)
        fut: asyncio.Future[list[dict[str, Any]]] = asyncio.get_running_loop().create_future()
        self._pending[cid] = (fut, replies)
        self._replies[cid] = []
        payload: dict[str, Any] = {"id": cid, "cmd": cmd}
        if params is not None:
            payload["params"] = params
        try:
            await conn.send(json.dumps(payload))
            if replies == 0:
                return []
            async with asyncio.timeout(self._reply_timeout):
                return await fut
        except TimeoutError as e:
            raise NetworkError(f"websocket {cmd} (id {cid}) got no reply") from e
        except ConnectionClosed as e:
            raise NetworkError(f"websocket {cmd} (id {cid}): connection closed") from e
        finally:
            self._pending.pop(cid, None)
            self._replies.pop(cid, None)

    async def subscribe(
        self, channels: Sequence[str], market_tickers: Sequence[str] | None = None, **params: Any
    ) -> dict[str, int]:
        """Subscribe; returns channel -> sid. Book channels get `use_yes_price` unless overridden."""
        sub = Subscription(tuple(channels), list(market_tickers or []), dict(params))
        await self._subscribe(sub)
        self._subs.append(sub)
        return dict(sub.sids)

    async def _subscribe(self, sub: Subscription) -> None:
        params: dict[str, Any] = {"channels": list(sub.channels), **sub.params}
        if sub.market_tickers:
            params["market_tickers"] = list(sub.market_tickers)
        if BOOK_CHANNEL in sub.channels:
            params["use_yes_price"] = self.use_yes_price  # the keeper reads prices this way
            self.keeper.track(sub.market_tickers)
        for reply in await self._command("subscribe", params, replies=len(sub.channels)):
            msg = reply.get("msg") or {}
            sub.sids[str(msg.get("channel"))] = int(msg.get("sid", 0))
        if BOOK_CHANNEL in sub.sids:
            self.keeper.track(sub.market_tickers, sub.sids[BOOK_CHANNEL])

    def sid_of(self, channel: str) -> int | None:
        """The server's current sid for `channel` (None before its reply, or while reconnecting)."""
        return next((sub.sids[channel] for sub in self._subs if channel in sub.sids), None)

    async def unsubscribe(self, sids: Sequence[int]) -> None:
        await self._command("unsubscribe", {"sids": list(sids)}, replies=len(sids))
        gone = set(sids)
        for sub in self._subs:
            sub.sids = {c: s for c, s in sub.sids.items() if s not in gone}
        self._subs = [s for s in self._subs if s.sids]
        self.keeper.forget_sids(gone)

    async def update_subscription(
        self, sid: int, market_tickers: Sequence[str], action: str
    ) -> dict[str, Any]:
        """action = add_markets | delete_markets | get_snapshot (orderbook_delta only)."""
        params = {"sids": [sid], "market_tickers": list(market_tickers), "action": action}
        sub = next((s for s in self._subs if sid in s.sids.values()), None)
        books = sub is not None and sub.sids.get(BOOK_CHANNEL) == sid  # only a book sid has local books
        if action == "add_markets" and books:
            self.keeper.track(market_tickers, sid)
        if action == "get_snapshot":  # answered by snapshots, not necessarily by an "ok"
            await self._command("update_subscription", params, replies=0)
            return {}
        replies = await self._command("update_subscription", params)
        if sub is not None and action == "add_markets":
            sub.market_tickers.extend(t for t in market_tickers if t not in sub.market_tickers)
        elif sub is not None and action == "delete_markets":
            sub.market_tickers = [t for t in sub.market_tickers if t not in market_tickers]
            if books:
                self.keeper.forget(market_tickers)
        return replies[0]

    async def list_subscriptions(self) -> list[dict[str, Any]]:
        reply = await self._command("list_subscriptions", None)
        msg = reply[0].get("msg")
        return [m for m in msg if isinstance(m, dict)] if isinstance(msg, list) else []

    # ---- frames -------------------------------------------------------------------------
    def _on_frame(self, frame: str | bytes) -> None:
        text = frame.decode() if isinstance(frame, bytes) else frame
        if not text.strip():
            return
        try:
            data = json.loads(text)
            self._dispatch(data)
        except (ParseError, ValueError, TypeError, KeyError) as e:
            log.warning("websocket frame skipped: %s", e)

    def _dispatch(self, data: dict[str, Any]) -> None:
        kind = data.get("type")
        cid = data.get("id")
        if kind == "error":
            self._on_error(cid, data.get("msg") or {})
        elif kind in ("subscribed", "unsubscribed", "ok") and isinstance(cid, int):
            self._on_reply(cid, data)
        elif kind in ("orderbook_snapshot", "orderbook_delta"):
            self._on_book(kind, data)
        elif isinstance(kind, str) and kind in PARSERS:
            self.keeper.check_seq(data)
            self._emit(PARSERS[kind](data.get("msg")))

    def _on_reply(self, cid: int, data: dict[str, Any]) -> None:
        self.keeper.note_reply_seq(data)
        entry = self._pending.get(cid)
        if entry is None:
            return
        fut, wanted = entry
        got = self._replies.setdefault(cid, [])
        got.append(data)
        if len(got) >= wanted and not fut.done():
            fut.set_result(list(got))

    def _on_error(self, cid: Any, msg: dict[str, Any]) -> None:
        code = msg.get("code")
        err = WsError(
            cid if isinstance(cid, int) else None,
            code if isinstance(code, int) else None,
            str(msg.get("msg")),
        )
        entry = self._pending.get(cid) if isinstance(cid, int) else None
        if entry is not None and not entry[0].done():
            entry[0].set_exception(
                ExchangeError(f"websocket command {cid} failed: {err.message}", code=str(code))
            )
        self._emit(err)

    def _on_book(self, kind: str, data: dict[str, Any]) -> None:
        events, gap = self.keeper.on_message(kind, data)
        for event in events:
            self._emit(event)
        if gap is not None and gap.tickers:
            log.warning(
                "websocket seq gap on sid %d at seq %s: re-snapshot %d books",
                gap.sid,
                gap.seq,
                len(gap.tickers),
            )
            self.snapshot_requests += 1
            self._spawn(self._request_snapshot(gap.sid, list(gap.tickers)))

    async def _request_snapshot(self, sid: int, tickers: list[str]) -> None:
        """Ask for fresh snapshots (Kalshi may not acknowledge get_snapshot, so do not wait for a
        reply); if the books are still stale after the reply timeout, resubscribe instead."""
        params = {"sids": [sid], "market_tickers": tickers, "action": "get_snapshot"}
        try:
            await self._command("update_subscription", params, replies=0)
        except ExchangeError as e:
            log.warning("get_snapshot on sid %d could not be sent: %s", sid, e)
        await self._sleep(self._reply_timeout)
        if not any(self.keeper.is_stale(t) for t in tickers if t in self.keeper.books):
            return
        sub = next((s for s in self._subs if sid in s.sids.values()), None)
        if sub is None:
            return
        log.warning("no snapshot on sid %d after %.0fs; resubscribing", sid, self._reply_timeout)
        with contextlib.suppress(ExchangeError):
            await self._command("unsubscribe", {"sids": list(sub.sids.values())}, replies=len(sub.sids))
        sub.sids.clear()
        await self._subscribe(sub)
