"""What the journal records, told to the trader's owner as alerts (courtside.alerts).

The journal is the one place every fact lands, whoever made it: the trader (orders placed, filled,
cancelled or of unknown outcome; scans; a drawdown stop; failed scans), another process (`courtside
kill`, the dashboard's buttons, `resume`) and the trader's own run row (the exchange's status, scans
failing in a row, the model's date). So the feed reads the journal, after every scan and every second,
and emits each new fact once: no alert call sits in the trading code, and a kill pressed elsewhere is
told like one the trader saw. Each alert is journalled too (the dashboard's "last alerts").

`emit()` never blocks or raises (alerts/notifier.py); a failure to read the journal is logged and the
feed tries again at the next poll, so an alert can come late but never stops or slows trading.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TypedDict

from sqlalchemy.exc import SQLAlchemyError

from courtside.alerts.events import (
    AlertEvent,
    ApiFailures,
    FirstScan,
    ModelStale,
    OrderCancelled,
    OrderFilled,
    OrderOutcomeUnknown,
    OrderPlaced,
    TradingResumed,
)
from courtside.alerts.notifier import Alerts
from courtside.app.daily import daily_summary
from courtside.app.stops import Stop, stops_in_force
from courtside.domain.clock import Clock
from courtside.domain.errors import StoreError
from courtside.domain.mode import Mode
from courtside.domain.orders import Outcome, outcome_price_for
from courtside.store.journal import Journal
from courtside.store.journal_tables import DecisionRow, FillRow, OrderRow
from courtside.store.operator import OperatorLog
from courtside.store.operator_reads import JournalReads, match_title, route_text

log = logging.getLogger("courtside.alerts")
FINAL = ("executed", "canceled", "rejected")
PLACED = ("resting", "executed", "canceled")


@dataclass(frozen=True)
class FeedLimits:
    """When the feed speaks: scans failed in a row before 'exchange failing', the model's age limit,
    the daily loss limit and the kill-switch file (a stop of every book)."""

    kill_file: Path
    max_model_age: int
    daily_loss_limit: Decimal | None
    api_failures: int = 3


@dataclass
class _Seen:
    """What the feed has told (or found already there when it started)."""

    orders: dict[int, str] = field(default_factory=dict)  # journal id -> status last seen (open ones)
    max_order: int = 0
    max_fill: int = 0
    max_scan: int = 0
    stops: set[str] = field(default_factory=set)
    stopped: bool = False
    first_scan: bool = False
    api_streak: datetime | None = None
    model_day: date | None = None
    day: date | None = None


class AlertFeed:
    """Turns new journal rows of one book into alerts. `prime()` once at the start (what is there
    already is not news), then `poll()` as often as wanted."""

    def __init__(
        self, journal: Journal, alerts: Alerts, clock: Clock, limits: FeedLimits, run_id: int | None = None
    ) -> None:
        self.journal = journal
        self.alerts = alerts
        self.clock = clock
        self.limits = limits
        self.run_id = run_id
        self.mode = Mode(journal.mode)
        self.ops = OperatorLog(journal)
        self.reads = JournalReads(journal)
        self.seen = _Seen()

    def prime(self) -> None:
        reads, seen = self.reads, self.seen
        seen.max_order, seen.max_fill, seen.max_scan = reads.max_ids()
        seen.orders = {o.id: o.status for o in self.journal.orders() if o.status not in FINAL}
        stops = self._stops()
        seen.stops = {s.key for s in stops}
        seen.stopped = bool(stops)
        seen.day = self.clock.now().date()

    def poll(self) -> int:
        """Emit what is new since the last poll; how many alerts were emitted. Never raises for the
        journal: a failed read is logged and tried again next time."""
        try:
            events = [
                *self._orders(), *self._fills(), *self._state(), *self._run(), *self._first_scan(),
                *self._daily(),
            ]  # fmt: skip
        except (StoreError, SQLAlchemyError) as e:
            log.warning("alerts: could not read the journal (will try again): %s", e)
            return 0
        for event in events:
            self._emit(event)
        return len(events)

    def _emit(self, event: AlertEvent) -> None:
        outcome = self.alerts.emit(event)
        if outcome.value == "duplicate":
            return
        title = self.alerts.scrub(event.title())
        try:
            self.ops.record_alert(event.kind, event.key, title, outcome.value, self.clock.now())
        except (StoreError, SQLAlchemyError) as e:
            log.warning("alert %s not journalled: %s", event.kind, e)

    # ---- orders and fills ------------------------------------------------------------------------
    def _orders(self) -> list[AlertEvent]:
        seen = self.seen
        rows = self.reads.orders_to_watch(list(seen.orders), seen.max_order)
        decisions = self.reads.decisions_by_id(r.decision_id for r in rows if r.decision_id is not None)
        out: list[AlertEvent] = []
        for row in rows:
            before = seen.orders.get(row.id)
            seen.max_order = max(seen.max_order, row.id)
            if row.status != before:
                out += self._order_events(row, before, decisions.get(row.decision_id or -1))
            if row.status in FINAL:
                seen.orders.pop(row.id, None)
            else:
                seen.orders[row.id] = row.status
        return out

    def _order_events(self, row: OrderRow, before: str | None, d: DecisionRow | None) -> list[AlertEvent]:
        common = _order_fields(row, d)
        out: list[AlertEvent] = []
        if row.status in PLACED and before not in PLACED and (row.status != "canceled" or row.order_id):
            out.append(OrderPlaced(mode=self.mode, **common))
        if row.status == "unknown":
            out.append(OrderOutcomeUnknown(mode=self.mode, since=row.updated_at, **common))
        if row.status == "canceled":
            out.append(OrderCancelled(mode=self.mode, reason=row.detail or "cancelled", **common))
        return out

    def _fills(self) -> list[AlertEvent]:
        fills = self.reads.fills_after(self.seen.max_fill)
        if not fills:
            return []
        self.seen.max_fill = max(f.id for f in fills)
        orders = self.reads.orders_by_exchange_id(f.order_id for f in fills)
        decisions = self.reads.decisions_by_id(
            o.decision_id for o in orders.values() if o.decision_id is not None
        )
        out: list[AlertEvent] = []
        for f in fills:
            order = orders.get(f.order_id)
            if order is None:  # not the bot's order (placed by hand on the same account)
                continue
            out.append(_filled(self.mode, f, order, decisions.get(order.decision_id or -1)))
        return out

    # ---- trading stopped and resumed ---------------------------------------------------------
    def _stops(self) -> list[Stop]:
        run = self.ops.run(self.run_id) if self.run_id is not None else None
        return stops_in_force(self.journal, self.limits, run, self.clock.now())

    def _state(self) -> list[AlertEvent]:
        stops = self._stops()
        seen, out = self.seen, list[AlertEvent]()
        for stop in stops:
            if stop.key not in seen.stops:
                out.append(stop.event(self.mode))
        seen.stops = {s.key for s in stops}
        if seen.stopped and not stops:
            out.append(TradingResumed(mode=self.mode, detail="trading ACTIVE again", since=self.clock.now()))
        seen.stopped = bool(stops)
        return out

    # ---- the trader's run: a failing exchange, the model's age, the first scan -------------------
    def _run(self) -> list[AlertEvent]:
        run = self.ops.run(self.run_id) if self.run_id is not None else None
        if run is None:
            return []
        out: list[AlertEvent] = []
        seen, today = self.seen, self.clock.now().date()
        streak = run.failing_since if run.failures >= self.limits.api_failures else None
        if streak is not None and streak != seen.api_streak:
            out.append(
                ApiFailures(
                    mode=self.mode, operation="scan", failures=run.failures, first_at=streak,
                    last_error=run.last_error or "unknown",
                )
            )  # fmt: skip
        seen.api_streak = streak
        limit = run.max_model_age if run.max_model_age is not None else self.limits.max_model_age
        if run.results_through is not None and seen.model_day != today:
            age = (today - run.results_through).days
            if age > limit:
                out.append(
                    ModelStale(
                        mode=self.mode, model_version=run.model_version or "unknown",
                        results_through=run.results_through, age_days=age, limit_days=limit, day=today,
                    )
                )  # fmt: skip
            seen.model_day = today
        return out

    def _first_scan(self) -> list[AlertEvent]:
        if self.seen.first_scan:
            return []
        scan = self.reads.first_finished_scan_after(self.seen.max_scan)
        if scan is None:
            return []
        self.seen.first_scan = True
        run = self.ops.run(self.run_id) if self.run_id is not None else None
        started = run.started_at if run is not None else scan.started_at
        return [
            FirstScan(
                mode=self.mode, started_at=started, matches=scan.matches, opportunities=scan.opportunities,
                orders=scan.orders,
            )
        ]  # fmt: skip

    def _daily(self) -> list[AlertEvent]:
        """The summary of each day that ended since the last poll (UTC days)."""
        today, seen = self.clock.now().date(), self.seen
        if seen.day is None or today <= seen.day:
            return []
        days = [seen.day + timedelta(days=i) for i in range((today - seen.day).days)]
        seen.day = today
        return [daily_summary(self.journal, self.mode, day) for day in days]


class _OrderArgs(TypedDict):
    """The fields every order alert has (alerts.events._OrderEvent)."""

    match: str
    ticker: str
    route: str
    size: Decimal
    price: Decimal
    edge: Decimal | None
    client_order_id: str


def _order_fields(row: OrderRow, d: DecisionRow | None) -> _OrderArgs:
    return _OrderArgs(
        match=match_title(d) or row.event_ticker,
        ticker=row.ticker,
        route=route_text(row, d),
        size=row.count,
        price=outcome_price_for(Outcome(row.outcome), row.yes_price),
        edge=None if d is None else d.value_edge,
        client_order_id=row.client_order_id,
    )


def _filled(mode: Mode, f: FillRow, order: OrderRow, d: DecisionRow | None) -> OrderFilled:
    """A fill at its own price (a resting order can fill better than it asked)."""
    fields = _order_fields(order, d)
    fields["price"] = outcome_price_for(Outcome(f.outcome), f.yes_price)
    return OrderFilled(mode=mode, fill_id=f.fill_id, filled=f.count, fee=f.fee, **fields)
