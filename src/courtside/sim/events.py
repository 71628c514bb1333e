"""What the exchange announces after each change, for the WebSocket feed (kalshi-api.md §3, §8.11)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from courtside.domain.orders import BookSide
from courtside.sim.state import SimFill, SimOrder, SimTrade


@dataclass(frozen=True, slots=True)
class BookDelta:
    """A signed change of the aggregate size at one level of one side of a market's book."""

    ticker: str
    side: BookSide
    price: Decimal
    delta: Decimal
    ts_ms: int
    user_id: str | None = None
    client_order_id: str | None = None
    subaccount: int = 0


@dataclass(frozen=True, slots=True)
class TradeEvent:
    trade: SimTrade


@dataclass(frozen=True, slots=True)
class FillEvent:
    fill: SimFill


@dataclass(frozen=True, slots=True)
class OrderEvent:
    order: SimOrder


@dataclass(frozen=True, slots=True)
class PositionEvent:
    user_id: str
    ticker: str


@dataclass(frozen=True, slots=True)
class TickerEvent:
    ticker: str


@dataclass(frozen=True, slots=True)
class LifecycleEvent:
    """One `market_lifecycle_v2` message body (event_type plus its fields)."""

    ticker: str
    event_type: str
    fields: dict[str, Any] = field(default_factory=dict)


SimEvent = BookDelta | TradeEvent | FillEvent | OrderEvent | PositionEvent | TickerEvent | LifecycleEvent
Listener = Callable[[SimEvent], None]
