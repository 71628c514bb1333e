"""Every reason a book is not trading normally right now, one `Stop` each, with when it began: the
kill switch (file or HALTED), a stop by hand (`kill --reducing`), the book's max-drawdown stop, its
other stops (failed scans), the exchange's trading paused, the daily loss limit reached. The alert feed
tells each new one (TradingStopped) and the end of the last (TradingResumed)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Protocol

from courtside.alerts.events import StopReason, TradingStopped
from courtside.domain.mode import Mode
from courtside.store.journal import Journal
from courtside.store.operator_reads import JournalReads
from courtside.store.operator_tables import RunRow

if TYPE_CHECKING:
    from pathlib import Path

OPEN_STATUSES = ("open", "unknown")
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)  # a stop journalled without a time: a key that stays the same


class StopLimits(Protocol):
    @property
    def kill_file(self) -> Path: ...
    @property
    def daily_loss_limit(self) -> Decimal | None: ...


@dataclass(frozen=True, slots=True)
class Stop:
    reason: StopReason
    state: str  # HALTED | REDUCING
    detail: str
    since: datetime

    @property
    def key(self) -> str:
        return f"{self.reason.value}@{self.since.isoformat()}"

    def event(self, mode: Mode) -> TradingStopped:
        return TradingStopped(
            mode=mode, reason=self.reason, state=self.state, detail=self.detail, since=self.since
        )


def _kill(journal: Journal, limits: StopLimits) -> list[Stop]:
    state, reason, since = JournalReads(journal).shared_state()
    path = limits.kill_file
    if path.exists():
        when = datetime.fromtimestamp(path.stat().st_mtime, UTC).replace(microsecond=0)
        return [Stop(StopReason.KILL_SWITCH, "HALTED", reason or f"kill-switch file {path}", since or when)]
    if state == "HALTED":
        return [Stop(StopReason.KILL_SWITCH, "HALTED", reason, since or EPOCH)]
    if state == "REDUCING":
        return [Stop(StopReason.MANUAL, "REDUCING", reason, since or EPOCH)]
    return []


def stops_in_force(journal: Journal, limits: StopLimits, run: RunRow | None, now: datetime) -> list[Stop]:
    """The book's stops now (journal, kill file, the trader's run row, today's realised P&L)."""
    found = _kill(journal, limits)
    trip = journal.drawdown_trip()
    if trip is not None:
        found.append(Stop(StopReason.DRAWDOWN, "REDUCING", trip[0], trip[1]))
    for row in journal.stops():
        found.append(Stop(StopReason.FAILED_SCANS, "REDUCING", row.reason, row.since))
    if run is not None and run.stopped_at is None and run.exchange_status not in OPEN_STATUSES:
        since = run.exchange_paused_at or run.exchange_checked_at or now
        found.append(
            Stop(StopReason.EXCHANGE_PAUSED, "HALTED", f"the exchange says: {run.exchange_status}", since)
        )
    limit = limits.daily_loss_limit
    day = now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if limit is not None and (lost := journal.realized_since(day)) <= -limit:
        detail = f"realised today {lost:.2f}, the daily loss limit is {limit}: no new orders until tomorrow"
        found.append(Stop(StopReason.DAILY_LOSS, "REDUCING", detail, day))
    return found
