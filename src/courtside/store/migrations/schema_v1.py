"""The journal's tables as the last version before Alembic made them (main at 5703f04): the frozen
schema revision 0001 brings any older journal up to, and revision 0002 starts from. Never edit it to
follow the ORM: a change of schema is a new revision.

Money is a 40-character string (store/journal_tables.DecimalText), times are naive UTC DATETIME.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)


def money(name: str, nullable: bool = False) -> Column[str]:
    return Column(name, String(40), nullable=nullable)


def when(name: str, nullable: bool = False) -> Column[object]:
    return Column(name, DateTime(), nullable=nullable)


def _trader(md: MetaData) -> None:
    Table(
        "trader_scans",
        md,
        Column("id", Integer, primary_key=True),
        Column("mode", String(8), nullable=False),
        when("started_at"),
        when("finished_at", True),
        Column("events", Integer, nullable=False),
        Column("matches", Integer, nullable=False),
        Column("skipped", Integer, nullable=False),
        Column("opportunities", Integer, nullable=False),
        Column("orders", Integer, nullable=False),
        Column("requests", Integer, nullable=False),
        Column("note", Text, nullable=False),
    )
    Table(
        "trader_decisions",
        md,
        Column("id", Integer, primary_key=True),
        Column("scan_id", Integer),
        Column("mode", String(8), nullable=False),
        when("ts"),
        Column("event_ticker", String(80), nullable=False),
        Column("ticker_a", String(90), nullable=False),
        Column("ticker_b", String(90), nullable=False),
        Column("player_a", String(120), nullable=False),
        Column("player_b", String(120), nullable=False),
        Column("p_model", Float),
        Column("p_market", Float),
        Column("p_blend", Float),
        Column("route", String(100), nullable=False),
        Column("style", String(8), nullable=False),
        money("price", True),
        money("fee", True),
        money("value_edge", True),
        money("ev", True),
        money("size", True),
        Column("decision", String(12), nullable=False),
        Column("reasons", Text, nullable=False),
        Column("model_version", String(80), nullable=False),
        Index("ix_trader_decisions_scan_id", "scan_id"),
        Index("ix_trader_decisions_event_ticker", "event_ticker"),
    )
    Table(
        "trader_orders",
        md,
        Column("id", Integer, primary_key=True),
        Column("client_order_id", String(64), nullable=False),
        Column("mode", String(8), nullable=False),
        Column("event_ticker", String(80), nullable=False),
        Column("ticker", String(90), nullable=False),
        Column("route", String(40), nullable=False),
        Column("side", String(4), nullable=False),
        Column("outcome", String(4), nullable=False),
        money("yes_price"),
        money("count"),
        Column("time_in_force", String(24), nullable=False),
        when("expiration", True),
        Column("attempt", Integer, nullable=False),
        Column("status", String(12), nullable=False),
        Column("order_id", String(64)),
        money("fill_count"),
        money("fees"),
        Column("decision_id", Integer),
        Column("detail", Text, nullable=False),
        when("created_at"),
        when("updated_at"),
        UniqueConstraint("mode", "client_order_id"),
        Index("ix_trader_orders_mode", "mode"),
        Index("ix_trader_orders_event_ticker", "event_ticker"),
        Index("ix_trader_orders_status", "status"),
    )
    Table(
        "trader_fills",
        md,
        Column("id", Integer, primary_key=True),
        Column("mode", String(8), nullable=False),
        Column("fill_id", String(64), nullable=False),
        Column("order_id", String(64), nullable=False),
        Column("ticker", String(90), nullable=False),
        Column("side", String(4), nullable=False),
        Column("outcome", String(4), nullable=False),
        money("count"),
        money("yes_price"),
        money("fee"),
        Column("is_taker", Boolean, nullable=False),
        when("ts"),
        UniqueConstraint("mode", "fill_id"),
        Index("ix_trader_fills_order_id", "order_id"),
    )
    Table(
        "trader_positions",
        md,
        Column("id", Integer, primary_key=True),
        Column("mode", String(8), nullable=False),
        Column("ticker", String(90), nullable=False),
        money("position"),
        money("exposure"),
        money("fees_paid"),
        money("realized_pnl"),
        when("updated_at"),
        UniqueConstraint("mode", "ticker"),
    )
    Table(
        "trader_settlements",
        md,
        Column("id", Integer, primary_key=True),
        Column("mode", String(8), nullable=False),
        Column("ticker", String(90), nullable=False),
        Column("event_ticker", String(80), nullable=False),
        Column("result", String(8), nullable=False),
        money("yes_count"),
        money("no_count"),
        money("cost"),
        money("revenue"),
        money("fee_cost"),
        when("settled_time"),
        UniqueConstraint("mode", "ticker"),
    )
    Table(
        "trader_traded_events",
        md,
        Column("id", Integer, primary_key=True),
        Column("mode", String(8), nullable=False),
        Column("event_ticker", String(80), nullable=False),
        when("ts"),
        Column("source", String(20), nullable=False),
        UniqueConstraint("mode", "event_ticker"),
    )


def _state(md: MetaData) -> None:
    Table(
        "trader_unmatched",
        md,
        Column("id", Integer, primary_key=True),
        Column("name", String(120), nullable=False),
        Column("tour", String(4), nullable=False),
        Column("status", String(12), nullable=False),
        Column("competitor_id", String(64), nullable=False),
        Column("event_ticker", String(80), nullable=False),
        Column("detail", Text, nullable=False),
        when("first_seen"),
        when("last_seen"),
        Column("times", Integer, nullable=False),
        UniqueConstraint("name", "tour"),
    )
    Table(
        "trader_start_prices",
        md,
        Column("id", Integer, primary_key=True),
        Column("ticker", String(90), nullable=False, unique=True),
        Column("event_ticker", String(80), nullable=False),
        money("yes_bid", True),
        money("yes_ask", True),
        when("ts"),
    )
    Table(
        "trader_state",
        md,
        Column("id", Integer, primary_key=True),
        Column("state", String(10), nullable=False),
        Column("reason", Text, nullable=False),
        when("updated_at"),
    )
    Table(
        "trader_equity",
        md,
        Column("mode", String(8), primary_key=True),
        money("peak"),
        when("peak_at"),
        money("equity"),
        when("measured_at"),
        Column("tripped_reason", Text),
        when("tripped_at", True),
    )
    Table(
        "trader_shard_cash",
        md,
        Column("mode", String(8), primary_key=True),
        Column("shard", Integer, nullable=False),
        money("cash"),
        money("needed"),
        when("ts"),
    )


def _paper(md: MetaData) -> None:
    Table(
        "paper_orders",
        md,
        Column("order_id", String(64), primary_key=True),
        Column("client_order_id", String(64), nullable=False, unique=True),
        Column("ticker", String(90), nullable=False),
        Column("side", String(4), nullable=False),
        money("yes_price"),
        money("initial_count"),
        money("fill_count"),
        money("remaining_count"),
        Column("status", String(10), nullable=False),
        Column("time_in_force", String(24), nullable=False),
        when("expiration", True),
        money("taker_fees"),
        money("maker_fees"),
        money("taker_cost"),
        money("maker_cost"),
        money("crossed_seen"),
        when("created_time"),
        Index("ix_paper_orders_ticker", "ticker"),
        Index("ix_paper_orders_status", "status"),
    )
    Table(
        "paper_fills",
        md,
        Column("fill_id", String(64), primary_key=True),
        Column("order_id", String(64), nullable=False),
        Column("ticker", String(90), nullable=False),
        Column("side", String(4), nullable=False),
        money("count"),
        money("yes_price"),
        Column("is_taker", Boolean, nullable=False),
        money("fee"),
        when("ts"),
        Index("ix_paper_fills_order_id", "order_id"),
        Index("ix_paper_fills_ticker", "ticker"),
    )
    Table(
        "paper_settlements",
        md,
        Column("ticker", String(90), primary_key=True),
        Column("event_ticker", String(80), nullable=False),
        Column("result", String(8), nullable=False),
        money("value"),
        money("yes_count"),
        money("no_count"),
        money("yes_cost"),
        money("no_cost"),
        money("revenue"),
        money("fee_cost"),
        when("settled_time"),
    )
    Table("paper_cash", md, Column("id", Integer, primary_key=True), money("starting"))


def metadata_v1() -> MetaData:
    """A fresh MetaData holding the version-1 journal tables."""
    md = MetaData()
    _trader(md)
    _state(md)
    _paper(md)
    return md
