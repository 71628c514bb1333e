"""WebSocket /trade-api/ws/v2: commands, channels and feed faults (kalshi-api.md §3, §8.11).

Auth is checked on the upgrade (401 before it). Messages are formatted when the exchange emits
them (under its lock) and queued on the connection's loop, so a snapshot and the deltas after it
stay in order. `seq` counts per subscription.
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import JSONResponse
from starlette.websockets import WebSocket, WebSocketDisconnect

from courtside.domain.errors import AuthenticationError
from courtside.sim import ws_frames
from courtside.sim.auth import verify_request
from courtside.sim.context import SimContext, error_body
from courtside.sim.events import BookDelta, SimEvent

WS_PATH = "/trade-api/ws/v2"
CHANNELS = frozenset(
    {
        "orderbook_delta",
        "ticker",
        "trade",
        "fill",
        "market_positions",
        "market_lifecycle_v2",
        "user_orders",
        "multivariate_market_lifecycle",
        "communications",
        "order_group_updates",
    }
)
MARKET_REQUIRED = frozenset({"orderbook_delta"})
Json = dict[str, Any]


class CommandError(Exception):
    def __init__(self, code: int, msg: str) -> None:
        super().__init__(msg)
        self.code, self.msg = code, msg


@dataclass
class Subscription:
    sid: int
    channel: str
    tickers: set[str] | None  # None: every market
    use_yes_price: bool = False
    seq: int = 0

    def wants(self, ticker: str) -> bool:
        return self.tickers is None or ticker in self.tickers


@dataclass(eq=False)
class Session:
    """One connection: its user, subscriptions and outgoing queue."""

    ctx: SimContext
    user_id: str
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue)
    subs: dict[int, Subscription] = field(default_factory=dict)
    next_sid: int = 1

    def push(self, message: Json | None) -> None:
        """Queue a frame from any thread, preserving emission order."""
        text = None if message is None else json.dumps(message)
        if not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.queue.put_nowait, text)

    def on_event(self, event: SimEvent) -> None:
        for sub in list(self.subs.values()):
            body = ws_frames.format_event(self.ctx.exchange, self.user_id, sub, event)
            if body is None:
                continue
            kind, msg = body
            sub.seq += 1
            if isinstance(event, BookDelta) and self.ctx.faults.take_ws_drop():
                continue  # the frame is lost: the client sees a seq gap
            frame: Json = {"type": kind, "sid": sub.sid, "msg": msg}
            if kind != "ticker":
                frame["seq"] = sub.seq
            self.push(frame)


class WsHub:
    """All live sessions, fed by the exchange's listener."""

    def __init__(self, ctx: SimContext) -> None:
        self.ctx = ctx
        self.sessions: set[Session] = set()
        self._lock = threading.Lock()

    def on_event(self, event: SimEvent) -> None:
        with self._lock:
            sessions = list(self.sessions)
        for session in sessions:
            session.on_event(event)

    def add(self, session: Session) -> None:
        with self._lock:
            self.sessions.add(session)

    def discard(self, session: Session) -> None:
        with self._lock:
            self.sessions.discard(session)

    def close_all(self) -> None:
        with self._lock:
            sessions = list(self.sessions)
        for session in sessions:
            session.push(None)


def _selection(params: Json) -> set[str] | None:
    keys = [k for k in ("market_ticker", "market_tickers", "market_id", "market_ids") if k in params]
    if len(keys) > 1:
        raise CommandError(11, "Invalid parameter: market selectors are mutually exclusive")
    if not keys:
        return None
    value = params[keys[0]]
    return {value} if isinstance(value, str) else set(value)


def _resolve(ctx: SimContext, selection: set[str] | None) -> set[str] | None:
    """Market ids are accepted too; unknown markets are an error (code 16)."""
    if selection is None:
        return None
    by_id = {m.market_id: t for t, m in ctx.exchange.markets.items()}
    out = set()
    for item in selection:
        ticker = item if item in ctx.exchange.markets else by_id.get(item)
        if ticker is None:
            raise CommandError(16, "Market not found")
        out.add(ticker)
    return out


def _snapshot(session: Session, sub: Subscription, tickers: set[str]) -> None:
    ex = session.ctx.exchange
    for ticker in sorted(tickers):
        sub.seq += 1
        msg = ws_frames.snapshot(ex, ex.markets[ticker], sub.use_yes_price)
        session.push({"type": "orderbook_snapshot", "sid": sub.sid, "seq": sub.seq, "msg": msg})


def subscribe(session: Session, cmd_id: int, params: Json) -> None:
    channels = params.get("channels")
    if not channels:
        raise CommandError(3, "Channels required")
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise CommandError(8, "Unknown channel name")
    ex = session.ctx.exchange
    with ex.lock:
        tickers = _resolve(session.ctx, _selection(params))
        for channel in channels:
            if channel in MARKET_REQUIRED and not tickers:
                raise CommandError(14, "Market ticker required")
            if any(
                s.channel == channel and (s.tickers is None or tickers is None or s.tickers & tickers)
                for s in session.subs.values()
            ):
                raise CommandError(6, "Already subscribed")
        for channel in channels:
            sub = Subscription(
                session.next_sid,
                channel,
                None if tickers is None else set(tickers),
                bool(params.get("use_yes_price", False)),
            )
            session.next_sid += 1
            session.subs[sub.sid] = sub
            session.push({"id": cmd_id, "type": "subscribed", "msg": {"channel": channel, "sid": sub.sid}})
            if channel == "orderbook_delta" and tickers:
                _snapshot(session, sub, tickers)


def unsubscribe(session: Session, cmd_id: int, params: Json) -> None:
    sids = params.get("sids")
    if not sids:
        raise CommandError(4, "Sids required")
    with session.ctx.exchange.lock:
        for sid in sids:
            sub = session.subs.pop(sid, None)
            if sub is None:
                raise CommandError(7, "Unknown subscription ID")
            session.push({"id": cmd_id, "sid": sid, "seq": sub.seq, "type": "unsubscribed"})


def update_subscription(session: Session, cmd_id: int, params: Json) -> None:
    sids = params.get("sids") or ([params["sid"]] if "sid" in params else [])
    if len(sids) != 1:
        raise CommandError(12, "Exactly one subscription ID is required")
    action = params.get("action")
    if not action:
        raise CommandError(15, "Action required")
    if action not in ("add_markets", "delete_markets", "get_snapshot"):
        raise CommandError(13, "Unsupported action")
    with session.ctx.exchange.lock:
        sub = session.subs.get(sids[0])
        if sub is None:
            raise CommandError(7, "Unknown subscription ID")
        tickers = _resolve(session.ctx, _selection(params))
        if action == "get_snapshot":
            if sub.channel != "orderbook_delta":
                raise CommandError(13, "Unsupported action")
            _snapshot(session, sub, tickers or sub.tickers or set())
            return
        if not tickers:
            raise CommandError(14, "Market ticker required")
        current = sub.tickers if sub.tickers is not None else set()
        sub.tickers = current | tickers if action == "add_markets" else current - tickers
        if action == "add_markets" and sub.channel == "orderbook_delta":
            _snapshot(session, sub, tickers - current)
        session.push(
            {
                "id": cmd_id,
                "sid": sub.sid,
                "seq": sub.seq,
                "type": "ok",
                "msg": {"market_tickers": sorted(sub.tickers)},
            }
        )


def list_subscriptions(session: Session, cmd_id: int, params: Json) -> None:
    session.push(
        {
            "id": cmd_id,
            "type": "ok",
            "msg": [{"channel": s.channel, "sid": s.sid} for s in session.subs.values()],
        }
    )


COMMANDS = {
    "subscribe": subscribe,
    "unsubscribe": unsubscribe,
    "update_subscription": update_subscription,
    "list_subscriptions": list_subscriptions,
}


def handle(session: Session, text: str) -> None:
    cmd_id: Any = None
    try:
        data = json.loads(text)
        if not isinstance(data, dict):
            raise CommandError(1, "Unable to process message")
        cmd_id = data.get("id")
        command = COMMANDS.get(data.get("cmd", ""))
        if command is None:
            raise CommandError(5, "Unknown command")
        params = data.get("params")
        if params is None and data.get("cmd") != "list_subscriptions":
            raise CommandError(2, "Params required")
        command(session, cmd_id, params or {})
    except json.JSONDecodeError:
        session.push({"id": cmd_id, "type": "error", "msg": {"code": 1, "msg": "Unable to process message"}})
    except CommandError as e:
        session.push({"id": cmd_id, "type": "error", "msg": {"code": e.code, "msg": e.msg}})


async def _writer(websocket: WebSocket, session: Session) -> None:
    while True:
        text = await session.queue.get()
        if text is None:
            await websocket.close(code=1011)
            return
        delay = session.ctx.faults.take_ws_delay()
        if delay:
            await asyncio.sleep(delay)
        await websocket.send_text(text)


async def _reader(websocket: WebSocket, session: Session) -> None:
    try:
        while True:
            handle(session, await websocket.receive_text())
    except WebSocketDisconnect:
        return


async def endpoint(websocket: WebSocket) -> None:
    ctx: SimContext = websocket.app.state.sim
    ex = ctx.exchange
    try:
        entry = verify_request(
            websocket.headers,
            "GET",
            websocket.url.path,
            ex.keys,
            ctx.auth_now_ms(),
            ex.config.ts_past_tolerance_ms,
            ex.config.ts_future_tolerance_ms,
        )
    except AuthenticationError as e:
        await websocket.send_denial_response(JSONResponse(error_body(e), status_code=401))
        return
    await websocket.accept()
    session = Session(ctx, entry.user_id, asyncio.get_running_loop())
    ctx.hub.add(session)
    reader = asyncio.create_task(_reader(websocket, session))
    writer = asyncio.create_task(_writer(websocket, session))
    try:
        await asyncio.wait({reader, writer}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        ctx.hub.discard(session)
        for task in (reader, writer):
            task.cancel()
