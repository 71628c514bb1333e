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
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from courtside.domain.errors import AuthenticationError, DataError, ExchangeError, NetworkError, ParseError
from courtside.domain.market import OrderBook
from courtside.kalshi.book import LocalBook
from courtside.kalshi.env import Endpoints, resolve_env
from courtside.kalshi.ratelimit import Monotonic, Sleep
from courtside.kalshi.ws_messages import (
    BookStale,
    BookUpdated,
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


@dataclass
class Subscription:
    """What we asked for, kept so a reconnect can ask again; `sids` maps channel -> server sid."""

    channels: tuple[str, ...]
    market_tickers: list[str]
    params: dict[str, Any]
    sids: dict[str, int] = field(default_factory=dict)


class KalshiWebSocket:
    """`async with KalshiWebSocket("demo", headers=auth.ws_headers) as ws: await ws.subscribe(...)`."""

    def __init__(
        self,
        env: str | Endpoints = "prod",
        *,
        headers: HeaderFactory | None = None,
        use_yes_price: bool = True,
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
        self._rng = rng or random.Random(0)
        self._reply_timeout = reply_timeout
        self._max_backoff = max_backoff
        self._ids = itertools.count(1)
        self._conn: ClientConnection | None = None
        self._pending: dict[int, tuple[asyncio.Future[list[dict[str, Any]]], int]] = {}
        self._replies: dict[int, list[dict[str, Any]]] = {}
        self._subs: list[Subscription] = []
        self._sid_seq: dict[int, int] = {}
        self._books: dict[str, LocalBook] = {}
        self._queue: asyncio.Queue[WsEvent] = asyncio.Queue(queue_size)
        self._runner: asyncio.Task[None] | None = None
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
        self._closing = True
        if self._conn is not None:
            await self._conn.close()
        if self._runner is not None:
            self._runner.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._runner
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
            self._ready.set()
            self._emit(Connected(reconnect=True))
            asyncio.create_task(self._resubscribe(), name="kalshi-ws-resubscribe")  # noqa: RUF006

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
        self._sid_seq.clear()
        for sub in self._subs:
            sub.sids.clear()
        for book in self._books.values():
            self._mark_stale(book, "disconnected")
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

    async def events(self) -> AsyncIterator[WsEvent]:
        """Every event in arrival order, until the socket is closed."""
        while not (self._closing and self._queue.empty()):
            yield await self._queue.get()

    def book(self, ticker: str) -> OrderBook:
        """The local book of a subscribed market (check is_stale first when it matters)."""
        local = self._books.get(ticker)
        if local is None:
            raise DataError(f"no websocket book for {ticker}: subscribe to orderbook_delta first")
        return local.to_orderbook()

    def is_stale(self, ticker: str, max_age: float | None = None) -> bool:
        """True when there is no trusted book, or (with max_age) no update for max_age seconds."""
        local = self._books.get(ticker)
        if local is None or local.stale or local.updated_at is None:
            return True
        return max_age is not None and self._now() - local.updated_at > max_age

    # ---- commands -----------------------------------------------------------------------
    async def _command(
        self, cmd: str, params: dict[str, Any] | None, replies: int = 1
    ) -> list[dict[str, Any]]:
        """Send one command and wait for `replies` answers carrying its id (or an error)."""
        await asyncio.wait_for(self._ready.wait(), self._reply_timeout)
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
            return await asyncio.wait_for(fut, self._reply_timeout)
        except TimeoutError as e:
            raise NetworkError(f"websocket {cmd} (id {cid}) got no reply") from e
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
            params.setdefault("use_yes_price", self.use_yes_price)
            for ticker in sub.market_tickers:
                self._books.setdefault(ticker, LocalBook(ticker))
        for reply in await self._command("subscribe", params, replies=len(sub.channels)):
            msg = reply.get("msg") or {}
            sub.sids[str(msg.get("channel"))] = int(msg.get("sid", 0))
        if BOOK_CHANNEL in sub.sids:
            for ticker in sub.market_tickers:
                self._books[ticker].sid = sub.sids[BOOK_CHANNEL]

    async def unsubscribe(self, sids: Sequence[int]) -> None:
        await self._command("unsubscribe", {"sids": list(sids)}, replies=len(sids))
        gone = set(sids)
        for sub in self._subs:
            sub.sids = {c: s for c, s in sub.sids.items() if s not in gone}
        self._subs = [s for s in self._subs if s.sids]
        for ticker in [t for t, b in self._books.items() if b.sid in gone]:
            del self._books[ticker]

    async def update_subscription(
        self, sid: int, market_tickers: Sequence[str], action: str
    ) -> dict[str, Any]:
        """action = add_markets | delete_markets | get_snapshot (orderbook_delta only)."""
        params = {"sids": [sid], "market_tickers": list(market_tickers), "action": action}
        sub = next((s for s in self._subs if sid in s.sids.values()), None)
        if action == "add_markets" and sub is not None:
            for t in market_tickers:
                self._books.setdefault(t, LocalBook(t)).sid = sid
        replies = await self._command("update_subscription", params)
        if sub is not None and action == "add_markets":
            sub.market_tickers.extend(t for t in market_tickers if t not in sub.market_tickers)
        elif sub is not None and action == "delete_markets":
            sub.market_tickers = [t for t in sub.market_tickers if t not in market_tickers]
            for t in market_tickers:
                self._books.pop(t, None)
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
            self._check_seq(data)
            self._emit(PARSERS[kind](data.get("msg")))

    def _on_reply(self, cid: int, data: dict[str, Any]) -> None:
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

    def _check_seq(self, data: dict[str, Any]) -> bool:
        """Track seq per sid; True when this message follows the last one seen (or has no seq)."""
        sid, seq = data.get("sid"), data.get("seq")
        if not isinstance(sid, int) or not isinstance(seq, int):
            return True
        expected = self._sid_seq.get(sid)
        self._sid_seq[sid] = seq
        return expected is None or seq == expected + 1

    def _on_book(self, kind: str, data: dict[str, Any]) -> None:
        msg = data.get("msg") or {}
        ticker = msg.get("market_ticker")
        book = self._books.get(ticker) if isinstance(ticker, str) else None
        in_order = self._check_seq(data)
        sid = data.get("sid")
        if book is None or not isinstance(ticker, str):
            return
        if kind == "orderbook_snapshot":
            book.apply_snapshot(msg, use_yes_price=self.use_yes_price, now=self._now())
            book.sid = sid if isinstance(sid, int) else book.sid
            self._emit(BookUpdated(ticker, data.get("seq"), snapshot=True))
            return
        if not in_order and isinstance(sid, int):
            self._on_gap(sid, data.get("seq"))
            return
        if book.stale:
            return
        book.apply_delta(msg, use_yes_price=self.use_yes_price, now=self._now())
        self._emit(BookUpdated(ticker, data.get("seq"), snapshot=False))

    def _mark_stale(self, book: LocalBook, reason: str) -> None:
        if not book.stale:
            book.stale = True
            self._emit(BookStale(book.ticker, reason))

    def _on_gap(self, sid: int, seq: Any) -> None:
        """A missed message on a book sid: every book of that sid is stale until re-snapshotted."""
        tickers = [t for t, b in self._books.items() if b.sid == sid]
        log.warning("websocket seq gap on sid %d at seq %s: re-snapshot %d books", sid, seq, len(tickers))
        for t in tickers:
            self._mark_stale(self._books[t], f"seq gap on sid {sid}")
        if tickers:
            self.snapshot_requests += 1
            task = asyncio.create_task(self._request_snapshot(sid, tickers))
            task.add_done_callback(lambda t: t.exception() if not t.cancelled() else None)

    async def _request_snapshot(self, sid: int, tickers: list[str]) -> None:
        """Ask for fresh snapshots; if Kalshi refuses, resubscribe the whole subscription."""
        try:
            await self.update_subscription(sid, tickers, "get_snapshot")
            return
        except ExchangeError as e:
            if not any(self._books[t].stale for t in tickers if t in self._books):
                return
            log.warning("get_snapshot on sid %d failed (%s); resubscribing", sid, e)
        sub = next((s for s in self._subs if sid in s.sids.values()), None)
        if sub is None:
            return
        with contextlib.suppress(ExchangeError):
            await self._command("unsubscribe", {"sids": list(sub.sids.values())}, replies=len(sub.sids))
        sub.sids.clear()
        await self._subscribe(sub)
