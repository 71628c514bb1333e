"""The simulator's mutable state records: series, events, markets, orders, fills, positions.

These are the exchange's own books, not the client's domain types; they are turned into
Kalshi wire JSON only by `serialize.py` (kalshi-api.md §2, §8.5-8.8).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from courtside.domain.market import FeeSchedule, FeeType, MarketStatus
from courtside.domain.money import LINEAR_CENT, ONE, ZERO, PriceBand, TickGrid
from courtside.domain.orders import BookSide, OrderStatus, SelfTradePrevention, TimeInForce

TENNIS_SHARD = 3
CLIENT_ORDER_ID_RE = re.compile(r"^[-\w:+=/]*$")
MAX_CLIENT_ORDER_ID = 64


@dataclass(slots=True)
class SimConfig:
    """Behaviour switches of the simulated venue (kalshi-api.md §8.1 config defaults)."""

    ts_past_tolerance_ms: int = 10_000
    ts_future_tolerance_ms: int = 60_000
    reserve_resting_collateral: bool = True
    balance_excludes_reserved: bool = False
    balance_breakdown: bool = True  # False: GET /portfolio/balance omits balance_breakdown (a leaner venue)
    rate_limit_enabled: bool = False
    read_tokens_per_s: int = 200
    write_tokens_per_s: int = 100
    strict_cursor: bool = False
    max_open_orders: int = 200_000
    auto_settle: bool = True  # settle `settlement_timer_seconds` after determination
    stale_reads_ms: int = 0  # > 0: order reads show the pre-cancel state this long (recorded race)
    new_order_lag_ms: int = 0  # > 0: a new order is missing from order reads this long (lagging replica)
    milestones: bool = True  # every event gets a milestone with live data (False: a venue with none)


@dataclass(slots=True)
class SimSeries:
    ticker: str
    title: str
    category: str = "Sports"
    tags: list[str] = field(default_factory=lambda: ["Tennis"])
    fees: FeeSchedule = field(default_factory=FeeSchedule)
    frequency: str = "custom"
    settlement_sources: list[dict[str, str]] = field(default_factory=list)
    exchange_index: int = TENNIS_SHARD
    last_updated: datetime | None = None


@dataclass(slots=True)
class SimEvent:
    event_ticker: str
    series_ticker: str
    title: str
    sub_title: str = ""
    mutually_exclusive: bool = True
    collateral_return_type: str = "MECNET"
    product_metadata: dict[str, Any] = field(default_factory=dict)
    settlement_sources: list[dict[str, str]] = field(default_factory=list)
    fee_override: FeeSchedule | None = None
    exchange_index: int = TENNIS_SHARD
    strike_date: datetime | None = None
    last_updated: datetime | None = None
    market_tickers: list[str] = field(default_factory=list)
    milestone: bool = True  # list a milestone (with live data) for this match


@dataclass(slots=True)
class SimMilestone:
    """A match's milestone and its live data (kalshi-api.md §5.3): `status` none | live | finished.
    The scheduled start is its markets' `occurrence_datetime`; `start_match` makes it live, early or not."""

    milestone_id: str
    event_ticker: str
    title: str
    start_date: datetime | None
    last_updated: datetime
    status: str = "none"
    live_data: bool = True  # False: GET /live_data answers 404 for it (no live data kept)
    started_at: datetime | None = None
    finished_at: datetime | None = None


@dataclass(slots=True)
class SimMarket:
    """One binary market plus its live statistics (quotes come from the book at read time)."""

    ticker: str
    event_ticker: str
    series_ticker: str
    market_id: str
    title: str
    yes_sub_title: str
    no_sub_title: str
    rules_primary: str
    rules_secondary: str
    status: MarketStatus
    created_time: datetime
    open_time: datetime
    close_time: datetime
    expected_expiration_time: datetime | None
    occurrence_datetime: datetime | None
    latest_expiration_time: datetime
    updated_time: datetime
    settlement_timer_seconds: int = 60
    can_close_early: bool = True
    early_close_condition: str = "This market will close and expire after a winner is declared."
    strike_type: str = "structured"
    custom_strike: dict[str, Any] | None = None
    price_level_structure: str = "linear_cent"
    price_bands: tuple[PriceBand, ...] = LINEAR_CENT
    exchange_index: int = TENNIS_SHARD
    market_type: str = "binary"
    primary_participant_key: str | None = None
    result: str = ""
    expiration_value: str = ""  # tennis: the winner's name once determined
    settlement_value: Decimal | None = None
    determination_time: datetime | None = None
    settlement_time: datetime | None = None
    last_price: Decimal | None = None
    volume: Decimal = ZERO
    trades_ts_counts: list[tuple[int, Decimal]] = field(default_factory=list)

    @property
    def grid(self) -> TickGrid:
        return TickGrid.of(self.price_bands)

    def volume_since(self, since_ms: int) -> Decimal:
        return sum((c for ts, c in self.trades_ts_counts if ts >= since_ms), ZERO)


@dataclass(slots=True)
class SimOrder:
    order_id: str
    user_id: str
    ticker: str
    side: BookSide
    price: Decimal  # YES-leg limit price
    initial_count: Decimal
    time_in_force: TimeInForce
    stp: SelfTradePrevention
    client_order_id: str | None
    created_time: datetime
    seq: int
    expiration_time: datetime | None = None
    post_only: bool = False
    subaccount: int = 0
    exchange_index: int = TENNIS_SHARD
    status: OrderStatus = OrderStatus.RESTING
    fill_count: Decimal = ZERO
    remaining_count: Decimal = ZERO
    taker_fill_cost: Decimal = ZERO
    maker_fill_cost: Decimal = ZERO
    taker_fees: Decimal = ZERO
    maker_fees: Decimal = ZERO
    last_update_time: datetime | None = None
    last_update_reason: str | None = None
    priority: int = 0  # time priority (changes when an amend loses it)
    reserved: Decimal = ZERO  # collateral held back for the resting remainder
    stale_view: SimOrder | None = None  # what reads still show until `stale_until_ms`
    stale_until_ms: int = 0
    hidden_until_ms: int = 0  # order reads do not show the order before this (new_order_lag_ms)

    @property
    def unit_cost(self) -> Decimal:
        """What one contract opened by this order costs: P for a bid, 1 - P for an ask."""
        return self.price if self.side is BookSide.BID else ONE - self.price


@dataclass(slots=True)
class SimFill:
    fill_id: str
    order_id: str
    user_id: str
    ticker: str
    side: BookSide
    count: Decimal
    yes_price: Decimal
    is_taker: bool
    fee: Decimal
    created_time: datetime
    seq: int
    exchange_index: int
    subaccount: int = 0
    client_order_id: str | None = None
    post_position: Decimal = ZERO


@dataclass(slots=True)
class SimTrade:
    trade_id: str
    ticker: str
    count: Decimal
    yes_price: Decimal
    taker_side: BookSide
    created_time: datetime
    seq: int


@dataclass(slots=True)
class SimPosition:
    """A user's holding in one market: signed count, average-cost basis and running totals."""

    ticker: str
    event_ticker: str
    exchange_index: int
    position: Decimal = ZERO
    exposure: Decimal = ZERO  # cost basis of the open position
    total_traded: Decimal = ZERO
    contracts_traded: Decimal = ZERO
    realized_pnl: Decimal = ZERO
    fees_paid: Decimal = ZERO
    yes_cost: Decimal = ZERO
    no_cost: Decimal = ZERO
    last_updated: datetime | None = None
    settled: bool = False


@dataclass(slots=True)
class SimSettlement:
    ticker: str
    event_ticker: str
    exchange_index: int
    market_result: str
    yes_count: Decimal
    yes_total_cost: Decimal
    no_count: Decimal
    no_total_cost: Decimal
    revenue_cents: int
    fee_cost: Decimal
    value_cents: int
    settled_time: datetime
    seq: int


@dataclass(slots=True)
class SimUser:
    user_id: str
    cash: dict[int, Decimal] = field(default_factory=dict)
    reserved: dict[int, Decimal] = field(default_factory=dict)
    positions: dict[str, SimPosition] = field(default_factory=dict)
    client_order_ids: set[str] = field(default_factory=set)
    resting_count: int = 0
    settlements: list[SimSettlement] = field(default_factory=list)
    updated: datetime | None = None

    def cash_on(self, shard: int) -> Decimal:
        return self.cash.get(shard, ZERO)

    def reserved_on(self, shard: int) -> Decimal:
        return self.reserved.get(shard, ZERO)


FEE_TYPES = {t.value: t for t in FeeType}
