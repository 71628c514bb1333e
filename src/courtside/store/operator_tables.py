"""The journal's tables for the operator's surface: each trader run and its health (heartbeat, the
exchange's status, failing scans, the WebSocket), the equity curve, the controls pressed (who and when)
and the alerts sent. Every row is under its exchange and mode, as the rest of the journal; the
dashboard reads only these and the trader's own tables (it never asks the exchange)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from courtside.store.db import Base
from courtside.store.journal_tables import EXCHANGE_LENGTH, Money, UTCDateTime


class RunRow(Base):
    """One start of a trader on one book, kept current while it runs: the dashboard's health, the
    /healthz verdict and the alerts for a failing exchange or a paused one read it."""

    __tablename__ = "trader_runs"
    __table_args__ = (Index("ix_trader_runs_exchange_mode", "exchange", "mode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    pid: Mapped[int] = mapped_column(Integer)
    version: Mapped[str] = mapped_column(String(40))
    stream: Mapped[bool] = mapped_column(Boolean, default=False)
    scan_interval: Mapped[float] = mapped_column(Float)
    model_version: Mapped[str] = mapped_column(String(200), default="")
    results_through: Mapped[date | None] = mapped_column(Date, nullable=True)
    max_model_age: Mapped[int | None] = mapped_column(Integer, nullable=True)
    heartbeat_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_scan_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    exchange_status: Mapped[str] = mapped_column(String(40), default="unknown")
    exchange_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    exchange_paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)  # not open since
    failures: Mapped[int] = mapped_column(Integer, default=0)  # scans failed in a row
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
    ws_state: Mapped[str | None] = mapped_column(String(20), nullable=True)  # None: not streaming
    ws_books: Mapped[int] = mapped_column(Integer, default=0)
    ws_reconnects: Mapped[int] = mapped_column(Integer, default=0)
    ws_message_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    stopped_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    stop_reason: Mapped[str] = mapped_column(Text, default="")


class EquityPointRow(Base):
    """The equity curve: equity at cost and the high-water mark as a scan measured them (a point when
    either changed, and at least one an hour)."""

    __tablename__ = "trader_equity_points"
    __table_args__ = (Index("ix_trader_equity_points_exchange_mode_ts", "exchange", "mode", "ts"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))
    ts: Mapped[datetime] = mapped_column(UTCDateTime)
    equity: Mapped[Decimal] = mapped_column(Money())
    peak: Mapped[Decimal] = mapped_column(Money())


class ControlRow(Base):
    """A control pressed (kill, reducing, resume, cancel-all) from the dashboard or the command line:
    who (the address and the name given, never the token), when, why and what it did."""

    __tablename__ = "trader_controls"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    action: Mapped[str] = mapped_column(String(20))
    exchange: Mapped[str | None] = mapped_column(String(EXCHANGE_LENGTH), nullable=True)  # None: every one
    mode: Mapped[str | None] = mapped_column(String(8), nullable=True)  # None: both
    who: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str] = mapped_column(Text, default="")
    result: Mapped[str] = mapped_column(Text, default="")


class AlertRow(Base):
    """An alert the trader emitted, scrubbed as it was sent, and what the pipeline did with it."""

    __tablename__ = "trader_alerts"
    __table_args__ = (Index("ix_trader_alerts_exchange_mode", "exchange", "mode"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    exchange: Mapped[str] = mapped_column(String(EXCHANGE_LENGTH))
    mode: Mapped[str] = mapped_column(String(8))
    ts: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(300))
    title: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
