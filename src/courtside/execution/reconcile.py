"""Reconciliation with the venue, once per scan ("crash-only", as NautilusTrader does on every start):
orders of unknown outcome are resolved first (execution may send them again under their own id); then
the venue is read, without writing anything (`read_venue` -> VenueReport: resting orders, the fate of
journalled orders no longer resting, new fills, positions, settlements), and the report is applied to
the journal (`apply`). The venue is the truth for what exists."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from courtside.domain.orders import Fill, Order, OrderStatus, Position, Settlement, outcome_price_for
from courtside.execution.executor import Executor
from courtside.store.journal import Journal
from courtside.venue.port import Venue

log = logging.getLogger("courtside.trader")
LOOKBACK = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Reconciled:
    resting: tuple[Order, ...] = ()
    positions: dict[str, Decimal] = field(default_factory=dict)
    exposure: Decimal = Decimal(0)
    unresolved: tuple[str, ...] = ()
    new_fills: int = 0
    new_settlements: int = 0


@dataclass(frozen=True, slots=True)
class VenueReport:
    """What the venue shows, read without writing anything."""

    resting: tuple[Order, ...]
    # journalled resting orders the venue no longer lists as resting: what a lookup found (None: unseen)
    left_resting: dict[str, Order | None]
    fills: tuple[Fill, ...]
    positions: tuple[Position, ...]
    settlements: tuple[Settlement, ...]


def event_of(ticker: str) -> str:
    """A match-winner market's event: the ticker minus its last '-CODE' (kalshi-api.md §5.2)."""
    return ticker.rsplit("-", 1)[0]


def resting_cost(order: Order) -> Decimal:
    """Collateral a resting buy ties up: remaining contracts at the outcome's price."""
    return order.remaining_count * outcome_price_for(order.outcome, order.yes_price)


async def read_venue(venue: Venue, journal: Journal) -> VenueReport:
    """One read of the venue: resting orders, the journal's resting orders that are not among them,
    fills since shortly before the last one journalled, positions and settlements."""
    resting = tuple(await venue.orders(status=OrderStatus.RESTING))
    live = {o.client_order_id for o in resting if o.client_order_id}
    left: dict[str, Order | None] = {}
    for row in journal.orders(statuses=("resting",)):
        if row.client_order_id not in live:
            left[row.client_order_id] = await venue.find_order(row.client_order_id, ticker=row.ticker)
    seen = journal.fills()
    since: datetime | None = seen[-1].ts - LOOKBACK if seen else None
    return VenueReport(
        resting,
        left,
        tuple(await venue.fills(since=since)),
        tuple(await venue.positions()),
        tuple(await venue.settlements()),
    )


def apply(report: VenueReport, journal: Journal, executor: Executor, unresolved: list[str]) -> Reconciled:
    """Bring the journal in line with the report; returns what the scan decides on."""
    now = executor.clock.now()
    by_coid = {o.client_order_id: o for o in report.resting if o.client_order_id}
    for row in journal.orders(statuses=("resting",)):
        live = by_coid.get(row.client_order_id)
        if live is not None:
            if live.fill_count != row.fill_count:
                journal.update_order(row.client_order_id, now, fill_count=live.fill_count, fees=live.fees)
            continue
        found = report.left_resting.get(row.client_order_id)
        if found is None:  # not seen is not gone: resolved (never replaced) by client_order_id later
            log.warning("journalled resting order %s is not visible on the exchange", row.client_order_id)
            journal.update_order(row.client_order_id, now, status="unknown", detail="not visible on exchange")
        elif found.status is not OrderStatus.RESTING:
            executor.record_order(row, found)
    for order in report.resting:  # orders placed elsewhere still occupy their match
        journal.mark_traded(event_of(order.ticker), now, "exchange")
    new_fills = journal.add_fills(list(report.fills))
    journal.replace_positions(list(report.positions), now)
    held = {p.ticker: p.position for p in report.positions if p.position != 0}
    for ticker in held:
        journal.mark_traded(event_of(ticker), now, "exchange")
    new_settlements = journal.add_settlements(list(report.settlements))
    exposure = sum((abs(p.market_exposure) for p in report.positions if p.position != 0), Decimal(0))
    exposure += sum((resting_cost(o) for o in report.resting), Decimal(0))
    return Reconciled(report.resting, held, exposure, tuple(unresolved), new_fills, new_settlements)


async def reconcile(venue: Venue, executor: Executor, journal: Journal, *, resend: bool = True) -> Reconciled:
    """Resolve orders of unknown outcome, read the venue, apply what it shows. resend=False (scan-only,
    halted) leaves unseen orders pending instead of sending them again."""
    unresolved = await executor.resolve_pending(resend=resend)
    return apply(await read_venue(venue, journal), journal, executor, unresolved)
