"""Typed events out of the Kalshi WebSocket (kalshi-api.md §3): small, immutable, domain-valued.

Book messages are folded into LocalBook by ws.py and surface as BookUpdated / BookStale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from courtside.domain.market import Trade
from courtside.domain.orders import BookSide, Fill, Outcome
from courtside.kalshi.fields import Wire
from courtside.kalshi.parse_portfolio import LEGACY_SIDE


@dataclass(frozen=True, slots=True)
class BookUpdated:
    ticker: str
    seq: int | None
    snapshot: bool


@dataclass(frozen=True, slots=True)
class BookStale:
    """The local book cannot be trusted (seq gap, disconnect) until a fresh snapshot arrives."""

    ticker: str
    reason: str


@dataclass(frozen=True, slots=True)
class TickerUpdate:
    ticker: str
    last_price: Decimal | None
    yes_bid: Decimal | None
    yes_ask: Decimal | None
    volume: Decimal | None
    open_interest: Decimal | None
    ts: datetime | None


@dataclass(frozen=True, slots=True)
class TradeEvent:
    trade: Trade


@dataclass(frozen=True, slots=True)
class FillEvent:
    fill: Fill
    client_order_id: str | None
    post_position: Decimal | None


@dataclass(frozen=True, slots=True)
class OrderUpdate:
    order_id: str
    client_order_id: str | None
    ticker: str
    status: str
    side: BookSide
    yes_price: Decimal
    fill_count: Decimal
    remaining_count: Decimal
    ts: datetime | None


@dataclass(frozen=True, slots=True)
class LifecycleEvent:
    """market_lifecycle_v2: created, activated, deactivated, close_date_updated, determined, settled, ..."""

    ticker: str
    event_type: str
    result: str | None = None
    settlement_value: Decimal | None = None
    ts: datetime | None = None
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Connected:
    reconnect: bool


@dataclass(frozen=True, slots=True)
class Disconnected:
    reason: str


@dataclass(frozen=True, slots=True)
class WsError:
    """An error reply to one of our commands (codes in kalshi-api.md §3)."""

    command_id: int | None
    code: int | None
    message: str


WsEvent = (
    BookUpdated
    | BookStale
    | TickerUpdate
    | TradeEvent
    | FillEvent
    | OrderUpdate
    | LifecycleEvent
    | Connected
    | Disconnected
    | WsError
)


def _book_side(w: Wire) -> BookSide:
    raw = w.opt_string("book_side") or LEGACY_SIDE.get(
        (w.opt_string("side") or "", w.opt_string("action") or "buy")
    )
    if raw not in ("bid", "ask"):
        raise w.fail("book_side", f"has unknown value {raw!r}")
    return BookSide(raw)


def _ts(w: Wire, *keys: str) -> datetime | None:
    for key in keys:
        if w.has(key):
            return w.opt_moment(key)
    return None


def parse_ticker(msg: Any) -> TickerUpdate:
    w = Wire(msg, "ticker message").named("market_ticker")
    return TickerUpdate(
        ticker=w.string("market_ticker"),
        last_price=w.opt_dec("price_dollars"),
        yes_bid=w.opt_dec("yes_bid_dollars"),
        yes_ask=w.opt_dec("yes_ask_dollars"),
        volume=w.opt_dec("volume_fp"),
        open_interest=w.opt_dec("open_interest_fp"),
        ts=_ts(w, "ts_ms", "ts"),
    )


def parse_ws_trade(msg: Any) -> TradeEvent:
    w = Wire(msg, "trade message").named("trade_id")
    side = w.opt_string("taker_book_side") or (
        "bid" if w.opt_string("taker_outcome_side") == "yes" else "ask"
    )
    ts = _ts(w, "ts_ms", "ts")
    if ts is None:
        raise w.fail("ts_ms", "is missing")
    trade = Trade(
        w.string("trade_id"),
        w.string("market_ticker"),
        w.dec("count_fp"),
        w.dec("yes_price_dollars"),
        side,
        ts,
    )
    return TradeEvent(trade)


def parse_ws_fill(msg: Any) -> FillEvent:
    w = Wire(msg, "fill message").named("trade_id")
    side = _book_side(w)
    outcome = Outcome(w.opt_string("outcome_side") or ("yes" if side is BookSide.BID else "no"))
    ts = _ts(w, "ts_ms", "ts")
    if ts is None:
        raise w.fail("ts_ms", "is missing")
    fill = Fill(
        fill_id=w.string("trade_id"),
        order_id=w.string("order_id"),
        ticker=w.string("market_ticker"),
        side=side,
        outcome=outcome,
        count=w.dec("count_fp"),
        yes_price=w.dec("yes_price_dollars"),
        is_taker=w.flag("is_taker"),
        fee=w.opt_dec("fee_cost") or Decimal(0),
        created_time=ts,
    )
    return FillEvent(fill, w.opt_string("client_order_id") or None, w.opt_dec("post_position_fp"))


def parse_user_order(msg: Any) -> OrderUpdate:
    w = Wire(msg, "user_order message").named("order_id")
    return OrderUpdate(
        order_id=w.string("order_id"),
        client_order_id=w.opt_string("client_order_id") or None,
        ticker=w.string("ticker"),
        status=w.string("status"),
        side=_book_side(w),
        yes_price=w.dec("yes_price_dollars"),
        fill_count=w.dec("fill_count_fp"),
        remaining_count=w.dec("remaining_count_fp"),
        ts=_ts(w, "last_updated_ts_ms", "last_update_time", "created_ts_ms"),
    )


def parse_lifecycle(msg: Any) -> LifecycleEvent:
    w = Wire(msg, "market_lifecycle_v2 message").named("market_ticker")
    return LifecycleEvent(
        ticker=w.string("market_ticker"),
        event_type=w.string("event_type"),
        result=w.opt_string("result") or None,
        settlement_value=w.opt_number("settlement_value"),
        ts=_ts(w, "settled_ts", "determination_ts", "open_ts"),
        fields=dict(w.data),
    )
