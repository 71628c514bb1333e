"""Venue-neutral market data: series, events, markets, books, trades, exchange status.

Built only by `kalshi/parse.py` (or the backtest's synthetic books); wire dicts never reach here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from courtside.domain.money import ONE, ZERO, TickGrid


class FeeType(StrEnum):
    """A series' `fee_type` (kalshi-api.md §2.2, §4.1)."""

    QUADRATIC = "quadratic"
    QUADRATIC_WITH_MAKER_FEES = "quadratic_with_maker_fees"
    QUADRATIC_WITH_COMBO_MAKER_FEES = "quadratic_with_combo_maker_fees"
    FLAT = "flat"


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """How a series (or an event override) charges fees."""

    fee_type: FeeType = FeeType.QUADRATIC_WITH_MAKER_FEES
    multiplier: Decimal = ONE


class MarketStatus(StrEnum):
    """Kalshi market lifecycle (kalshi-api.md §2.5)."""

    INITIALIZED = "initialized"
    INACTIVE = "inactive"
    ACTIVE = "active"
    CLOSED = "closed"
    DETERMINED = "determined"
    DISPUTED = "disputed"
    AMENDED = "amended"
    FINALIZED = "finalized"


@dataclass(frozen=True, slots=True)
class Series:
    ticker: str
    title: str
    category: str
    tags: tuple[str, ...]
    fees: FeeSchedule
    exchange_index: int | None = None


@dataclass(frozen=True, slots=True)
class Market:
    """One binary market: YES pays $1 if `yes_sub_title`'s player wins."""

    ticker: str
    event_ticker: str
    status: MarketStatus
    yes_sub_title: str
    title: str
    rules_primary: str
    rules_secondary: str
    yes_bid: Decimal | None  # None when the bid side is empty (decided from the size, not the price)
    yes_ask: Decimal | None
    yes_bid_size: Decimal
    yes_ask_size: Decimal
    last_price: Decimal | None
    volume: Decimal
    volume_24h: Decimal
    open_interest: Decimal
    tick_grid: TickGrid
    open_time: datetime | None
    close_time: datetime | None
    # the scheduled start: occurrence_datetime, else expected_expiration_time
    occurrence_time: datetime | None
    result: str = ""
    settlement_value: Decimal | None = None
    competitor_id: str | None = None  # custom_strike.tennis_competitor
    exchange_index: int | None = None
    fee_waiver_until: datetime | None = None
    settled_time: datetime | None = None  # settlement_ts, once finalized

    @property
    def code(self) -> str:
        """The market's suffix after the event ticker (e.g. 'LEP'); never halve the event code."""
        prefix = self.event_ticker + "-"
        return self.ticker[len(prefix) :] if self.ticker.startswith(prefix) else ""


@dataclass(frozen=True, slots=True)
class Event:
    """One event: for tennis match winners, one match with exactly two markets."""

    event_ticker: str
    series_ticker: str
    title: str
    sub_title: str
    competition: str | None
    mutually_exclusive: bool
    markets: tuple[Market, ...]
    fees_override: FeeSchedule | None = None
    exchange_index: int | None = None


@dataclass(frozen=True, slots=True)
class MalformedEvent:
    """An event of a listing that could not be parsed: kept with the parser's reason so the trader can
    say why it is not traded, instead of the event vanishing (kalshi-api.md §5.5, step 2)."""

    event_ticker: str
    reason: str


@dataclass(frozen=True, slots=True)
class Level:
    """One aggregated price level: `size` contracts bid at `price`."""

    price: Decimal
    size: Decimal


@dataclass(frozen=True, slots=True)
class OrderBook:
    """A market's book as Kalshi gives it: bids only, on both legs, best first.

    `yes_bids` are bids to buy YES at a YES price; `no_bids` bids to buy NO at a NO price.
    A NO bid at q is a YES ask at 1 - q (kalshi-api.md §2.6).
    """

    ticker: str
    yes_bids: tuple[Level, ...]
    no_bids: tuple[Level, ...]
    ts: datetime | None = None

    @property
    def best_yes_bid(self) -> Level | None:
        return self.yes_bids[0] if self.yes_bids else None

    @property
    def best_no_bid(self) -> Level | None:
        return self.no_bids[0] if self.no_bids else None

    @property
    def yes_asks(self) -> tuple[Level, ...]:
        """Implied YES asks, best (lowest) first."""
        return tuple(Level(ONE - lvl.price, lvl.size) for lvl in self.no_bids)

    @property
    def no_asks(self) -> tuple[Level, ...]:
        """Implied NO asks (NO prices), best (lowest) first."""
        return tuple(Level(ONE - lvl.price, lvl.size) for lvl in self.yes_bids)

    @property
    def best_yes_ask(self) -> Level | None:
        asks = self.yes_asks
        return asks[0] if asks else None

    @property
    def best_no_ask(self) -> Level | None:
        asks = self.no_asks
        return asks[0] if asks else None

    def spread(self) -> Decimal | None:
        bid, ask = self.best_yes_bid, self.best_yes_ask
        return None if bid is None or ask is None else ask.price - bid.price

    def depth_yes_ask_at_or_below(self, price: Decimal) -> Decimal:
        """Contracts of YES one could buy at YES prices <= price."""
        return sum((lvl.size for lvl in self.yes_asks if lvl.price <= price), ZERO)

    def depth_no_ask_at_or_below(self, no_price: Decimal) -> Decimal:
        """Contracts of NO one could buy at NO prices <= no_price."""
        return sum((lvl.size for lvl in self.no_asks if lvl.price <= no_price), ZERO)


@dataclass(frozen=True, slots=True)
class Trade:
    trade_id: str
    ticker: str
    count: Decimal
    yes_price: Decimal
    taker_book_side: str
    created_time: datetime


@dataclass(frozen=True, slots=True)
class HistoricalCutoff:
    """`GET /historical/cutoff`: markets settled before `market_settled` are only in the historical tier."""

    market_settled: datetime
    trades_created: datetime | None = None
    orders_updated: datetime | None = None


@dataclass(frozen=True, slots=True)
class ShardStatus:
    exchange_index: int
    exchange_active: bool
    trading_active: bool


@dataclass(frozen=True, slots=True)
class ExchangeStatus:
    exchange_active: bool
    trading_active: bool
    shards: tuple[ShardStatus, ...] = field(default_factory=tuple)
    estimated_resume_time: datetime | None = None

    def trading_active_on(self, exchange_index: int | None) -> bool:
        """Trading is open for a market on this shard (top-level fields describe shard 0)."""
        if not (self.exchange_active and self.trading_active):
            return False
        for shard in self.shards:
            if exchange_index is not None and shard.exchange_index == exchange_index:
                return shard.exchange_active and shard.trading_active
        return True
