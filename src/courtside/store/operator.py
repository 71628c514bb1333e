"""The repository of the operator's tables (store/operator_tables.py): trader runs and their health, the
equity curve, controls pressed and alerts emitted; one short transaction per call, as the Journal."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import Engine, func, select

from courtside.domain.errors import StoreError
from courtside.domain.mode import Mode
from courtside.store.db import session_factory, transaction
from courtside.store.journal import Journal
from courtside.store.operator_tables import AlertRow, ControlRow, EquityPointRow, RunRow

CURVE_EVERY = timedelta(hours=1)  # a point at least this often while equity stands still


@dataclass(frozen=True, slots=True)
class RunStart:
    """What a trader says of itself when it starts on a book."""

    version: str
    stream: bool
    scan_interval: float
    model_version: str
    results_through: date | None
    max_model_age: int | None


class OperatorLog:
    """Read/write access to the operator's tables of one book (exchange, mode); the controls are global
    and read without a book. Built on an open Journal (its engine is migrated already)."""

    def __init__(self, journal: Journal) -> None:
        self.engine: Engine = journal.engine
        self.exchange = journal.exchange
        self.mode = Mode(journal.mode)
        self._factory = session_factory(self.engine)

    # ---- runs and their health ---------------------------------------------------------------
    def start_run(self, start: RunStart, now: datetime) -> int:
        with transaction(self._factory) as s:
            row = RunRow(
                exchange=self.exchange, mode=self.mode, started_at=now, pid=os.getpid(),
                version=start.version, stream=start.stream, scan_interval=start.scan_interval,
                model_version=start.model_version, results_through=start.results_through,
                max_model_age=start.max_model_age, heartbeat_at=now, exchange_status="unknown",
                failures=0, last_error="", ws_books=0, ws_reconnects=0, stop_reason="",
            )  # fmt: skip
            s.add(row)
            s.flush()
            return row.id

    def update_run(self, run_id: int, **fields: object) -> RunRow:
        with transaction(self._factory) as s:
            row = s.get(RunRow, run_id)
            if row is None:
                raise StoreError(f"trader run {run_id} vanished")
            for key, value in fields.items():
                setattr(row, key, value)
            return row

    def run(self, run_id: int) -> RunRow | None:
        with self._factory() as s:
            return s.get(RunRow, run_id)

    def last_run(self) -> RunRow | None:
        with self._factory() as s:
            q = select(RunRow).where(RunRow.exchange == self.exchange, RunRow.mode == self.mode)
            return s.scalars(q.order_by(RunRow.id.desc()).limit(1)).first()

    # ---- the equity curve --------------------------------------------------------------------
    def add_equity_point(self, equity: Decimal, peak: Decimal, now: datetime) -> bool:
        """Keep a point of the curve when equity or its mark moved, or an hour passed; True if kept."""
        with transaction(self._factory) as s:
            q = select(EquityPointRow).where(
                EquityPointRow.exchange == self.exchange, EquityPointRow.mode == self.mode
            )
            last = s.scalars(q.order_by(EquityPointRow.ts.desc()).limit(1)).first()
            moved = last is None or last.equity != equity or last.peak != peak
            if not moved and last is not None and now - last.ts < CURVE_EVERY:
                return False
            s.add(EquityPointRow(exchange=self.exchange, mode=self.mode, ts=now, equity=equity, peak=peak))
            return True

    def equity_points(self, limit: int = 2000) -> list[EquityPointRow]:
        """The newest `limit` points, oldest first."""
        with self._factory() as s:
            q = select(EquityPointRow).where(
                EquityPointRow.exchange == self.exchange, EquityPointRow.mode == self.mode
            )
            rows = list(s.scalars(q.order_by(EquityPointRow.ts.desc()).limit(limit)))
            return rows[::-1]

    # ---- alerts --------------------------------------------------------------------------------
    def record_alert(self, kind: str, key: str, title: str, outcome: str, now: datetime) -> None:
        with transaction(self._factory) as s:
            s.add(
                AlertRow(
                    exchange=self.exchange, mode=self.mode, ts=now, kind=kind, key=key[:300], title=title,
                    outcome=outcome,
                )
            )  # fmt: skip

    def alerts(self, limit: int = 20) -> list[AlertRow]:
        """The newest alerts of every book, newest first."""
        with self._factory() as s:
            return list(s.scalars(select(AlertRow).order_by(AlertRow.id.desc()).limit(limit)))

    # ---- controls (global) ---------------------------------------------------------------------
    def record_control(
        self,
        action: str,
        who: str,
        reason: str,
        result: str,
        now: datetime,
        *,
        exchange: str | None = None,
        mode: Mode | None = None,
    ) -> int:
        with transaction(self._factory) as s:
            row = ControlRow(
                ts=now, action=action, exchange=exchange, mode=None if mode is None else mode.value,
                who=who[:200], reason=reason, result=result,
            )  # fmt: skip
            s.add(row)
            s.flush()
            return row.id

    def controls(self, limit: int = 20) -> list[ControlRow]:
        with self._factory() as s:
            return list(s.scalars(select(ControlRow).order_by(ControlRow.id.desc()).limit(limit)))

    def control_count(self) -> int:
        with self._factory() as s:
            return int(s.scalar(select(func.count(ControlRow.id))) or 0)
