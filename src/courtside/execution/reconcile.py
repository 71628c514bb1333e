"""Reconciliation with the exchange, on every start and every scan ("crash-only"): resolve orders
of unknown outcome by client_order_id, then take orders, fills, positions and settlements as the
exchange reports them."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from courtside.domain.clock import Clock
from courtside.domain.orders import Order, OrderStatus, Outcome
from courtside.execution.executor import Executor
from courtside.execution.ports import OrderPort
from courtside.store.journal import Journal

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


def event_of(ticker: str) -> str:
    """A match-winner market's event: the ticker minus its last '-CODE' (kalshi-api.md §5.2)."""
    return ticker.rsplit("-", 1)[0]


def resting_cost(order: Order) -> Decimal:
    """Collateral a resting buy ties up: remaining contracts at the outcome's price."""
    price = order.yes_price if order.outcome is Outcome.YES else Decimal(1) - order.yes_price
    return order.remaining_count * price


async def _sync_orders(port: OrderPort, executor: Executor, journal: Journal) -> tuple[Order, ...]:
    resting = tuple(await port.get_orders(status="resting"))
    by_coid = {o.client_order_id: o for o in resting if o.client_order_id}
    now = executor.clock.now()
    for row in journal.orders(statuses=("resting",)):
        live = by_coid.get(row.client_order_id)
        if live is not None:
            if live.fill_count != row.fill_count:
                journal.update_order(row.client_order_id, now, fill_count=live.fill_count, fees=live.fees)
            continue
        found = await port.find_order_by_client_id(row.client_order_id, ticker=row.ticker)
        if found is None:  # not seen is not gone: resolved (never replaced) by client_order_id later
            log.warning("journalled resting order %s is not visible on the exchange", row.client_order_id)
            journal.update_order(row.client_order_id, now, status="unknown", detail="not visible on exchange")
        elif found.status is not OrderStatus.RESTING:
            executor.record_order(row, found)
    for order in resting:  # orders placed elsewhere still occupy their match
        journal.mark_traded(event_of(order.ticker), now, "exchange")
    return resting


async def reconcile(
    port: OrderPort, executor: Executor, journal: Journal, clock: Clock, *, resend: bool = True
) -> Reconciled:
    """Bring the journal in line with the exchange; the exchange is the truth for what exists.
    resend=False (scan-only, halted) leaves unseen orders pending instead of re-sending them."""
    unresolved = await executor.resolve_pending(resend=resend)
    resting = await _sync_orders(port, executor, journal)
    seen = journal.fills()
    since = seen[-1].ts - LOOKBACK if seen else None
    fills = await port.get_fills(min_ts=int(since.timestamp())) if since else await port.get_fills()
    new_fills = journal.add_fills(fills)
    positions = await port.get_positions()
    now = clock.now()
    journal.replace_positions(positions, now)
    held = {p.ticker: p.position for p in positions if p.position != 0}
    for ticker in held:
        journal.mark_traded(event_of(ticker), now, "exchange")
    new_settlements = journal.add_settlements(await port.get_settlements())
    exposure = sum((abs(p.market_exposure) for p in positions if p.position != 0), Decimal(0))
    exposure += sum((resting_cost(o) for o in resting), Decimal(0))
    return Reconciled(resting, held, exposure, tuple(unresolved), new_fills, new_settlements)
