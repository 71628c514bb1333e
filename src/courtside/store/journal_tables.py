"""The trader's journal tables: scans, decisions, orders, fills, positions, settlements, traded
events, start prices (for CLV), equity marks with their drawdown stop, other stops, and the paper
ledger, every row under its exchange (prod, demo or a base URL) and mode; the trading state (the kill
switch) and the unmatched players are global. The schema is Alembic's (store/migrations): a change
here is a new revision there, and a test compares the two.

Money and counts are stored as Numeric strings of Decimal; times are aware UTC. An order row is
written (status 'intent') before it is sent, so a crash can always be reconciled by client_order_id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import DateTime, Float, Index, Integer, String, Text, TypeDecorator, UniqueConstraint
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Mapped, mapped_column

from courtside.domain.orders import Outcome, outcome_price_for
from courtside.store.db import Base

EXCHANGE_LENGTH = 200  # prod, demo or a base URL (kalshi.env.exchange_id)

__all__ = [
    "Base",
    "DecisionRow",
    "EquityRow",
    "FillRow",
    "OrderRow",
    "PaperCashRow",
    "PaperFillRow",
    "PaperOrderRow",
    "PaperSettlementRow",
    "PositionRow",
    "ScanRow",
    "SettlementRow",
    "StartPriceRow",
    "StopRow",
    "TradedEventRow",
    "TradingStateRow",
    "UnmatchedRow",
]


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out (SQLite drops the offset)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime written to the journal")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class DecimalText(TypeDecorator[Decimal]):
    """Decimal stored as its exact string (SQLite has no decimal type; floats would round)."""

    impl = String(40)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if not isinstance(value, Decimal):
            raise TypeError(f"journal money must be Decimal, got {type(value).__name__}")
        return str(value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


def Money() -> DecimalText:
    """A column type for money, prices and counts."""
    return DecimalText()


class ScanRow(Base):
    __tablename__ = "trader_scans"
    __table_args__ = (Index("ix_trader_scans_exchange_mode", "exchange", "mode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    events: Mapped[int] = mapped_column(Integer, default=0)
    matches: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    opportunities: Mapped[int] = mapped_column(Integer, default=0)
    orders: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    note: Mapped[str] = mapped_column(Text, default="")


class DecisionRow(Base):
    """One priced (or skipped) match in one scan, taken or refused, with its numbers and reasons."""

    __tablename__ = "trader_decisions"
    __table_args__ = (Index("ix_trader_decisions_exchange_mode", "exchange", "mode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    scan_id: Mapped[int | None] = mapped_column(Integer, nullable=True, index=True)
    mode: Mapped[str] = mapped_column(String(8))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    event_ticker: Mapped[str] = mapped_column(String(80), index=True)
    ticker_a: Mapped[str] = mapped_column(String(90), default="")
    ticker_b: Mapped[str] = mapped_column(String(90), default="")
    player_a: Mapped[str] = mapped_column(String(120), default="")
    player_b: Mapped[str] = mapped_column(String(120), default="")
    p_model: Mapped[float | None] = mapped_column(Float, nullable=True)
    p_market: Mapped[float | None] = mapped_column(Float, nullable=True)  # de-vigged mid of both books
    p_blend: Mapped[float | None] = mapped_column(Float, nullable=True)  # what edge and EV used
    route: Mapped[str] = mapped_column(String(100), default="")
    style: Mapped[str] = mapped_column(String(8), default="")
    price: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    fee: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    value_edge: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    ev: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    size: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    decision: Mapped[str] = mapped_column(String(12))  # taken | refused | holding | skipped
    reasons: Mapped[str] = mapped_column(Text, default="")
    model_version: Mapped[str] = mapped_column(String(80), default="")
    # place among the scan's (or the --stream burst's) candidates, best expected profit first; None:
    # not a candidate (skipped, or refused before sizing)
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    match_start: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # the scheduled start


class OrderRow(Base):
    """One order of ours; client_order_id is unique per mode (paper ids never reach the exchange)."""

    __tablename__ = "trader_orders"
    __table_args__ = (
        UniqueConstraint(
            "exchange", "mode", "client_order_id", name="uq_trader_orders_exchange_mode_client_order_id"
        ),
        Index("ix_trader_orders_exchange_mode", "exchange", "mode"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    client_order_id: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(8))
    event_ticker: Mapped[str] = mapped_column(String(80), index=True)
    ticker: Mapped[str] = mapped_column(String(90))
    route: Mapped[str] = mapped_column(String(40))
    side: Mapped[str] = mapped_column(String(4))
    outcome: Mapped[str] = mapped_column(String(4))
    yes_price: Mapped[Decimal] = mapped_column(Money())
    count: Mapped[Decimal] = mapped_column(Money())
    time_in_force: Mapped[str] = mapped_column(String(24))
    expiration: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempt: Mapped[int] = mapped_column(Integer, default=0)
    # intent -> resting | executed | canceled | rejected | unknown
    status: Mapped[str] = mapped_column(String(12), index=True)
    order_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    fill_count: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    fees: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    decision_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    @property
    def full_cost(self) -> Decimal:
        """What the order ties up at its full count: contracts x the price of the outcome it buys."""
        return self.count * outcome_price_for(Outcome(self.outcome), self.yes_price)


class FillRow(Base):
    __tablename__ = "trader_fills"
    __table_args__ = (
        UniqueConstraint("exchange", "mode", "fill_id", name="uq_trader_fills_exchange_mode_fill_id"),
        Index("ix_trader_fills_exchange_mode", "exchange", "mode"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))
    fill_id: Mapped[str] = mapped_column(String(64))
    order_id: Mapped[str] = mapped_column(String(64), index=True)
    ticker: Mapped[str] = mapped_column(String(90))
    side: Mapped[str] = mapped_column(String(4))
    outcome: Mapped[str] = mapped_column(String(4))
    count: Mapped[Decimal] = mapped_column(Money())
    yes_price: Mapped[Decimal] = mapped_column(Money())
    fee: Mapped[Decimal] = mapped_column(Money())
    is_taker: Mapped[bool]
    ts: Mapped[datetime] = mapped_column(UTCDateTime)


class PositionRow(Base):
    """The exchange's view of a position, as of the last reconciliation."""

    __tablename__ = "trader_positions"
    __table_args__ = (
        UniqueConstraint("exchange", "mode", "ticker", name="uq_trader_positions_exchange_mode_ticker"),
        Index("ix_trader_positions_exchange_mode", "exchange", "mode"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))
    ticker: Mapped[str] = mapped_column(String(90))
    position: Mapped[Decimal] = mapped_column(Money())
    exposure: Mapped[Decimal] = mapped_column(Money())
    fees_paid: Mapped[Decimal] = mapped_column(Money())
    realized_pnl: Mapped[Decimal] = mapped_column(Money())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SettlementRow(Base):
    __tablename__ = "trader_settlements"
    __table_args__ = (
        UniqueConstraint("exchange", "mode", "ticker", name="uq_trader_settlements_exchange_mode_ticker"),
        Index("ix_trader_settlements_exchange_mode", "exchange", "mode"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))
    ticker: Mapped[str] = mapped_column(String(90))
    event_ticker: Mapped[str] = mapped_column(String(80))
    result: Mapped[str] = mapped_column(String(8))
    yes_count: Mapped[Decimal] = mapped_column(Money())
    no_count: Mapped[Decimal] = mapped_column(Money())
    cost: Mapped[Decimal] = mapped_column(Money())
    revenue: Mapped[Decimal] = mapped_column(Money())
    fee_cost: Mapped[Decimal] = mapped_column(Money())
    settled_time: Mapped[datetime] = mapped_column(UTCDateTime)


class TradedEventRow(Base):
    """One position per match: an event is marked before its first order is sent."""

    __tablename__ = "trader_traded_events"
    __table_args__ = (
        UniqueConstraint(
            "exchange", "mode", "event_ticker", name="uq_trader_traded_events_exchange_mode_event_ticker"
        ),
        Index("ix_trader_traded_events_exchange_mode", "exchange", "mode"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))
    event_ticker: Mapped[str] = mapped_column(String(80))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    source: Mapped[str] = mapped_column(String(20))  # order | exchange


class MatchStopRow(Base):
    """A match never to be ordered on again: it has begun (live data, in-play trades) or its start was
    near when its resting orders were cancelled. Written before those cancels are sent, so a restart
    (even after kill -9) cannot place a fresh order on it."""

    __tablename__ = "trader_match_stops"
    __table_args__ = (
        UniqueConstraint(
            "exchange", "mode", "event_ticker", name="uq_trader_match_stops_exchange_mode_event_ticker"
        ),
        Index("ix_trader_match_stops_exchange_mode", "exchange", "mode"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))
    event_ticker: Mapped[str] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)


class UnmatchedRow(Base):
    __tablename__ = "trader_unmatched"
    __table_args__ = (UniqueConstraint("name", "tour"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    tour: Mapped[str] = mapped_column(String(4))
    status: Mapped[str] = mapped_column(String(12))
    competitor_id: Mapped[str] = mapped_column(String(64), default="")
    event_ticker: Mapped[str] = mapped_column(String(80))
    detail: Mapped[str] = mapped_column(Text, default="")
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    times: Mapped[int] = mapped_column(Integer, default=1)


class InferredTournamentRow(Base):
    """A competition missing from the tournament table that the trader priced by inference
    (markets/inference.py): what it took for level, surface and best-of, and from where."""

    __tablename__ = "trader_inferred_tournaments"
    __table_args__ = (UniqueConstraint("name", "tour", name="uq_trader_inferred_tournaments_name_tour"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    tour: Mapped[str] = mapped_column(String(4))
    level: Mapped[str] = mapped_column(String(20))
    surface: Mapped[str] = mapped_column(String(10))  # Hard | Clay | Grass | Carpet | unknown (blended)
    best_of: Mapped[int] = mapped_column(Integer)
    detail: Mapped[str] = mapped_column(Text, default="")  # the inference line the log carries
    event_ticker: Mapped[str] = mapped_column(String(80))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime)
    times: Mapped[int] = mapped_column(Integer, default=1)


class StartPriceRow(Base):
    """The last book seen before a match started: the closing price for CLV."""

    __tablename__ = "trader_start_prices"
    __table_args__ = (
        UniqueConstraint("exchange", "ticker", name="uq_trader_start_prices_exchange_ticker"),
        Index("ix_trader_start_prices_exchange", "exchange"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    ticker: Mapped[str] = mapped_column(String(90))
    event_ticker: Mapped[str] = mapped_column(String(80))
    yes_bid: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    yes_ask: Mapped[Decimal | None] = mapped_column(Money(), nullable=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime)


class TradingStateRow(Base):
    __tablename__ = "trader_state"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    state: Mapped[str] = mapped_column(String(10))  # ACTIVE | REDUCING | HALTED
    reason: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EquityRow(Base):
    """Equity's high-water mark, the last equity measured and the max-drawdown stop, per mode: the
    protection survives restarts and a paper stop never stops live (nor the reverse). Plain
    `courtside resume` clears the stop (tripped_*), `courtside resume --reset-peak` deletes the row."""

    __tablename__ = "trader_equity"
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), primary_key=True)
    peak: Mapped[Decimal] = mapped_column(Money())
    peak_at: Mapped[datetime] = mapped_column(UTCDateTime)
    equity: Mapped[Decimal] = mapped_column(Money())
    measured_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # the drawdown stop of this mode (REDUCING for it alone): why and since when; None: not tripped
    tripped_reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    tripped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class ShardCashRow(Base):
    """The cash last seen on the tennis shard and what one order needs (shown by `courtside status`)."""

    __tablename__ = "trader_shard_cash"
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), primary_key=True)
    shard: Mapped[int] = mapped_column(Integer)
    cash: Mapped[Decimal] = mapped_column(Money())
    needed: Mapped[Decimal] = mapped_column(Money())
    ts: Mapped[datetime] = mapped_column(UTCDateTime)


class PaperOrderRow(Base):
    """The paper exchange's own book of our orders (dry-run)."""

    __tablename__ = "paper_orders"
    __table_args__ = (
        UniqueConstraint("exchange", "client_order_id", name="uq_paper_orders_exchange_client_order_id"),
        Index("ix_paper_orders_exchange_mode", "exchange", "mode"),
    )
    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)  # unique across exchanges
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))  # always paper: the ledger of dry-run
    client_order_id: Mapped[str] = mapped_column(String(64))
    ticker: Mapped[str] = mapped_column(String(90), index=True)
    side: Mapped[str] = mapped_column(String(4))
    yes_price: Mapped[Decimal] = mapped_column(Money())
    initial_count: Mapped[Decimal] = mapped_column(Money())
    fill_count: Mapped[Decimal] = mapped_column(Money())
    remaining_count: Mapped[Decimal] = mapped_column(Money())
    status: Mapped[str] = mapped_column(String(10), index=True)
    time_in_force: Mapped[str] = mapped_column(String(24))
    expiration: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    taker_fees: Mapped[Decimal] = mapped_column(Money())
    maker_fees: Mapped[Decimal] = mapped_column(Money())
    taker_cost: Mapped[Decimal] = mapped_column(Money())
    maker_cost: Mapped[Decimal] = mapped_column(Money())
    # crossing size already used: the paper fill must not reuse real liquidity it saw before
    crossed_seen: Mapped[Decimal] = mapped_column(Money(), default=Decimal(0))
    created_time: Mapped[datetime] = mapped_column(UTCDateTime)


class PaperFillRow(Base):
    __tablename__ = "paper_fills"
    __table_args__ = (Index("ix_paper_fills_exchange_mode", "exchange", "mode"),)
    fill_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))  # always paper: the ledger of dry-run
    order_id: Mapped[str] = mapped_column(String(64), index=True)
    ticker: Mapped[str] = mapped_column(String(90), index=True)
    side: Mapped[str] = mapped_column(String(4))
    count: Mapped[Decimal] = mapped_column(Money())
    yes_price: Mapped[Decimal] = mapped_column(Money())
    is_taker: Mapped[bool]
    fee: Mapped[Decimal] = mapped_column(Money())
    ts: Mapped[datetime] = mapped_column(UTCDateTime)


class PaperSettlementRow(Base):
    __tablename__ = "paper_settlements"
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH), primary_key=True)
    ticker: Mapped[str] = mapped_column(String(90), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8))  # always paper: the ledger of dry-run
    event_ticker: Mapped[str] = mapped_column(String(80))
    result: Mapped[str] = mapped_column(String(8))
    value: Mapped[Decimal] = mapped_column(Money())  # payout of one YES contract
    yes_count: Mapped[Decimal] = mapped_column(Money())
    no_count: Mapped[Decimal] = mapped_column(Money())
    yes_cost: Mapped[Decimal] = mapped_column(Money())
    no_cost: Mapped[Decimal] = mapped_column(Money())
    revenue: Mapped[Decimal] = mapped_column(Money())
    fee_cost: Mapped[Decimal] = mapped_column(Money())
    settled_time: Mapped[datetime] = mapped_column(UTCDateTime)


class PaperCashRow(Base):
    """The paper account's starting cash (one row per exchange)."""

    __tablename__ = "paper_cash"
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8))  # always paper: the ledger of dry-run
    starting: Mapped[Decimal] = mapped_column(Money())


class StopRow(Base):
    """A stop of one (exchange, mode) other than the drawdown's (kept with its equity mark): `kind`
    failed_scans after --max-failed-scans scans in a row failed. REDUCING for that book alone until
    `courtside resume`."""

    __tablename__ = "trader_stops"
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH), primary_key=True)
    mode: Mapped[str] = mapped_column(String(8), primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    reason: Mapped[str] = mapped_column(Text)
    since: Mapped[datetime] = mapped_column(UTCDateTime)
