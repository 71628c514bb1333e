"""Is the trader alive, and how is its exchange: what `/healthz` answers and the dashboard shows.

A trader is healthy while its last scan finished within two scan intervals (a scan may run long once;
two missed in a row is a stall, a crash or a dead exchange). `RunHealth` keeps the journal's row of the
running trader current (the heartbeat, the exchange's status at the last scan, scans failed in a row and
the last error, the WebSocket in --stream, and why it stopped), so any reader of the journal, the
dashboard in another process included, sees the same.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy.exc import SQLAlchemyError

from courtside.domain.clock import Clock
from courtside.domain.errors import StoreError
from courtside.domain.market import ExchangeStatus
from courtside.store.operator import OperatorLog, RunStart
from courtside.store.operator_tables import RunRow

log = logging.getLogger("courtside.trader")
T = TypeVar("T")
STALE_AFTER = 2  # scan intervals without a finished scan before the trader counts as unhealthy


@dataclass(frozen=True, slots=True)
class Verdict:
    healthy: bool
    detail: str


def verdict(last_scan: datetime | None, interval_s: float, now: datetime) -> Verdict:
    """Healthy while the last finished scan is at most two scan intervals old."""
    limit = timedelta(seconds=STALE_AFTER * interval_s)
    if last_scan is None:
        return Verdict(False, "no scan has finished yet")
    age = now - last_scan
    seconds = max(age.total_seconds(), 0.0)
    if age <= limit:
        return Verdict(True, f"last scan finished {seconds:.0f} s ago (limit {limit.total_seconds():.0f} s)")
    return Verdict(False, f"last scan finished {seconds:.0f} s ago, over {limit.total_seconds():.0f} s")


def status_text(status: ExchangeStatus | None) -> str:
    """The exchange's status in a word or three: open, trading paused, exchange closed, unknown."""
    if status is None:
        return "unknown"
    if not status.exchange_active:
        return "exchange closed"
    if not status.trading_active:
        return "trading paused"
    paused = [str(s.exchange_index) for s in status.shards if not (s.exchange_active and s.trading_active)]
    return f"open (shard {', '.join(paused)} paused)" if paused else "open"


class RunHealth:
    """The running trader's row in the journal (trader_runs). A failure to write it is logged and never
    stops trading: health is for the operator, not for the trade."""

    def __init__(self, ops: OperatorLog, clock: Clock) -> None:
        self.ops = ops
        self.clock = clock
        self.run_id: int | None = None

    def start(self, start: RunStart) -> None:
        self.run_id = _guard(lambda: self.ops.start_run(start, self.clock.now()))

    def scanned(self, failure: str | None, status: ExchangeStatus | None) -> None:
        """After each scan: its outcome, the heartbeat and the exchange's status as the scan read it."""
        now = self.clock.now()
        run = self._current()
        if run is None:
            return
        fields: dict[str, object] = {"heartbeat_at": now}
        if failure is None:
            fields.update(last_scan_at=now, failures=0, failing_since=None)
            if status is not None:
                text = status_text(status)
                paused = None if text == "open" else (run.exchange_paused_at or now)
                fields.update(exchange_status=text, exchange_checked_at=now, exchange_paused_at=paused)
        else:
            fields.update(
                failures=run.failures + 1, failing_since=run.failing_since or now, last_error=failure[:500]
            )
        self._update(**fields)

    def websocket(self, state: str, books: int, reconnects: int, message_at: datetime | None) -> None:
        self._update(ws_state=state, ws_books=books, ws_reconnects=reconnects, ws_message_at=message_at)

    def model(self, version: str, results_through: date | None) -> None:
        self._update(model_version=version, results_through=results_through)

    def stopped(self, reason: str) -> None:
        self._update(stopped_at=self.clock.now(), stop_reason=reason[:500])

    def _current(self) -> RunRow | None:
        run_id = self.run_id
        return None if run_id is None else _guard(lambda: self.ops.run(run_id))

    def _update(self, **fields: object) -> None:
        if self.run_id is not None:
            run_id = self.run_id
            _guard(lambda: self.ops.update_run(run_id, **fields))


def _guard(call: Callable[[], T]) -> T | None:
    try:
        return call()
    except (StoreError, SQLAlchemyError) as e:
        log.warning("trader health not recorded: %s", e)
        return None
