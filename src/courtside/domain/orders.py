"""Orders, fills, positions, settlements, balances and the strategy's order intent.

V2 orders live on the YES book: `bid` buys YES (or sells NO) at a YES price; `ask` sells YES
or buys NO, the NO costing 1 - price (kalshi-api.md §0.3, §2.10).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from courtside.domain.money import ONE


class Outcome(StrEnum):
    """Which leg a position pays on."""

    YES = "yes"
    NO = "no"

    @property
    def other(self) -> Outcome:
        return Outcome.NO if self is Outcome.YES else Outcome.YES


class BookSide(StrEnum):
    """V2 side on the YES book."""

    BID = "bid"
    ASK = "ask"

    @classmethod
    def to_buy(cls, outcome: Outcome) -> BookSide:
        """Buying YES is a bid; buying NO is an ask on the YES book."""
        return cls.BID if outcome is Outcome.YES else cls.ASK


class TimeInForce(StrEnum):
    GTC = "good_till_canceled"
    IOC = "immediate_or_cancel"
    FOK = "fill_or_kill"


class SelfTradePrevention(StrEnum):
    TAKER_AT_CROSS = "taker_at_cross"
    MAKER = "maker"


class OrderStatus(StrEnum):
    RESTING = "resting"
    CANCELED = "canceled"
    EXECUTED = "executed"


def yes_price_for(outcome: Outcome, outcome_price: Decimal) -> Decimal:
    """The V2 YES-leg price that buys `outcome` at `outcome_price` (NO at q is an ask at 1 - q)."""
    return outcome_price if outcome is Outcome.YES else ONE - outcome_price


def outcome_price_for(outcome: Outcome, yes_price: Decimal) -> Decimal:
    """What one contract of `outcome` costs when the YES-leg price is `yes_price`."""
    return yes_price if outcome is Outcome.YES else ONE - yes_price


@dataclass(frozen=True, slots=True)
class OrderRequest:
    """A V2 create-order request in domain terms (serialised by kalshi/rest.py)."""

    ticker: str
    side: BookSide
    count: Decimal
    price: Decimal  # YES-leg price on the market's grid
    time_in_force: TimeInForce = TimeInForce.GTC
    self_trade_prevention: SelfTradePrevention = SelfTradePrevention.TAKER_AT_CROSS
    client_order_id: str | None = None
    expiration_time: datetime | None = None
    post_only: bool = False
    reduce_only: bool = False
    cancel_order_on_pause: bool = False


@dataclass(frozen=True, slots=True)
class OrderAck:
    """The V2 create response."""

    order_id: str
    client_order_id: str | None
    fill_count: Decimal
    remaining_count: Decimal
    average_fill_price: Decimal | None
    average_fee_paid: Decimal | None
    ts_ms: int | None


@dataclass(frozen=True, slots=True)
class CancelResult:
    """Outcome of a cancel. `gone=True`: the venue no longer had it resting (already canceled,
    executed or unknown; Kalshi answers 404, kalshi-api.md §0.8), so `reduced_by` is 0."""

    order_id: str
    reduced_by: Decimal
    gone: bool = False
    client_order_id: str | None = None
    ts_ms: int | None = None


@dataclass(frozen=True, slots=True)
class Order:
    order_id: str
    client_order_id: str | None
    ticker: str
    side: BookSide
    outcome: Outcome
    status: OrderStatus
    yes_price: Decimal
    initial_count: Decimal
    fill_count: Decimal
    remaining_count: Decimal
    taker_fees: Decimal
    maker_fees: Decimal
    taker_fill_cost: Decimal
    maker_fill_cost: Decimal
    created_time: datetime | None
    expiration_time: datetime | None = None
    last_update_reason: str | None = None

    @property
    def fees(self) -> Decimal:
        return self.taker_fees + self.maker_fees


@dataclass(frozen=True, slots=True)
class Fill:
    fill_id: str
    order_id: str
    ticker: str
    side: BookSide
    outcome: Outcome
    count: Decimal
    yes_price: Decimal  # execution price, YES leg
    is_taker: bool
    fee: Decimal
    created_time: datetime

    @property
    def outcome_price(self) -> Decimal:
        return outcome_price_for(self.outcome, self.yes_price)


@dataclass(frozen=True, slots=True)
class Position:
    ticker: str
    position: Decimal  # signed: + YES contracts, - NO contracts
    market_exposure: Decimal
    realized_pnl: Decimal
    fees_paid: Decimal
    total_traded: Decimal
    exchange_index: int | None = None


@dataclass(frozen=True, slots=True)
class Settlement:
    ticker: str
    event_ticker: str
    market_result: str  # yes | no | scalar
    yes_count: Decimal
    no_count: Decimal
    yes_total_cost: Decimal
    no_total_cost: Decimal
    revenue: Decimal  # dollars (the wire gives int cents)
    fee_cost: Decimal
    settled_time: datetime
    value: Decimal | None = None  # payout of one YES contract in dollars


TENNIS_SHARD = 3  # tennis events trade on exchange shard 3; collateral must sit there (kalshi-api.md §0.7)


def order_collateral(count: Decimal) -> Decimal:
    """The most one buy of `count` contracts can tie up: price plus fee stay within $1 a contract."""
    return count * Decimal(1)


@dataclass(frozen=True, slots=True)
class Balance:
    """GET /portfolio/balance. Asked without `exchange_index` it is the sum of all shards; asked with
    one (`exchange_index` here), that shard's (kalshi-api.md §2.8)."""

    balance: Decimal  # dollars, full precision from balance_dollars
    portfolio_value: Decimal  # dollars
    by_shard: dict[int, Decimal] = field(default_factory=dict)
    exchange_index: int | None = None  # the shard asked for; None: all shards summed

    def on_shard(self, exchange_index: int) -> Decimal | None:
        """Cash on one shard, or None when this balance cannot tell: no per-shard breakdown and not
        asked for that shard (the total is then the sum of every shard, not this one's cash)."""
        if exchange_index in self.by_shard:
            return self.by_shard[exchange_index]
        if self.exchange_index == exchange_index:
            return self.balance
        if self.by_shard and self.exchange_index is None:
            return Decimal(0)  # a full breakdown lists the shards that hold cash
        return None


@dataclass(frozen=True, slots=True)
class ShardFunds:
    """One exchange shard's cash and the value of the positions held there, as the venue reports them."""

    shard: int
    cash: Decimal
    portfolio_value: Decimal

    @property
    def bankroll(self) -> Decimal:
        return self.cash + self.portfolio_value
