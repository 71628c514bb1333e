"""Cancelling the bot's resting orders on the exchange itself (`courtside kill`, `courtside cancel-all`),
whether or not a trader is running: every resting order whose client_order_id is the bot's, in one
batch per exchange (DELETE /portfolio/events/orders/batched), then the journal told."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from courtside.app.wiring import Books
from courtside.domain.clock import Clock
from courtside.domain.errors import CourtsideError, StoreError
from courtside.domain.mode import Mode
from courtside.domain.orders import Order, OrderStatus
from courtside.execution.order_ids import is_ours
from courtside.store.journal import OPEN_STATUSES, Journal

log = logging.getLogger("courtside.cancel")


@dataclass(frozen=True, slots=True)
class Cancelled:
    """One order cancelled: what it was and how many contracts were taken off the book."""

    ticker: str
    client_order_id: str
    order_id: str
    yes_price: Decimal
    contracts: Decimal


@dataclass
class CancelReport:
    """What one (exchange, mode) cancelled, or why it could not."""

    exchange: str
    mode: Mode
    cancelled: list[Cancelled] = field(default_factory=list)
    already_gone: int = 0
    error: str | None = None  # the venue could not be asked, and orders may still rest there
    note: str | None = None  # not asked, and why that is fine

    def line(self) -> str:
        where = f"{self.exchange} ({self.mode.label})"
        if self.error is not None:
            return f"{where}: could not cancel: {self.error}"
        if self.note is not None:
            return f"{where}: {self.note}"
        gone = f"; {self.already_gone} were no longer resting" if self.already_gone else ""
        return f"{where}: {len(self.cancelled)} resting order(s) cancelled{gone}"


async def cancel_resting(books: Books, clock: Clock) -> list[CancelReport]:
    """Cancel the bot's resting orders on every venue of `books`; a venue that fails is reported and
    the others still cancelled."""
    reports = []
    for mode, venue in books.venues.items():
        report = CancelReport(books.exchange, mode)
        try:
            resting = [
                o for o in await venue.orders(status=OrderStatus.RESTING) if is_ours(o.client_order_id)
            ]
            results = await venue.cancel_many([o.order_id for o in resting]) if resting else []
        except CourtsideError as e:
            reports.append(_unreachable(report, books.journals[mode], e))
            continue
        by_id = {o.order_id: o for o in resting}
        for result in results:
            order = by_id[result.order_id]
            if result.gone:
                report.already_gone += 1
                continue
            report.cancelled.append(_cancelled(order, result.reduced_by))
        _journal_cancels(books.journals[mode], report.cancelled, clock)
        log.warning("%s", report.line())
        reports.append(report)
    return reports


def _unreachable(report: CancelReport, journal: Journal, e: CourtsideError) -> CancelReport:
    """The venue could not be asked: an error when the journal holds open orders there (they may
    still rest), else a note (nothing of the bot's is known to rest there)."""
    open_orders = journal.orders(statuses=OPEN_STATUSES)
    if open_orders:
        report.error = f"{e} ({len(open_orders)} open order(s) in the journal)"
        log.error("cancel on %s (%s) failed: %s", report.exchange, report.mode, report.error)
    else:
        report.note = f"not reached ({e}); the journal holds no open order there"
        log.warning("cancel on %s (%s): %s", report.exchange, report.mode, report.note)
    return report


def _cancelled(order: Order, reduced_by: Decimal) -> Cancelled:
    return Cancelled(order.ticker, order.client_order_id or "", order.order_id, order.yes_price, reduced_by)


def _journal_cancels(journal: Journal, cancelled: Sequence[Cancelled], clock: Clock) -> None:
    """Mark the journalled orders cancelled (the next reconciliation would find the same)."""
    now = clock.now()
    for c in cancelled:
        try:
            journal.update_order(
                c.client_order_id, now, status="canceled", detail="cancelled by kill/cancel-all"
            )
        except StoreError:  # placed by the bot under another journal: the exchange is what counts
            log.info("cancelled %s, which this journal does not hold", c.client_order_id)
