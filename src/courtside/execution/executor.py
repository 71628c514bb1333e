"""Idempotent placement and cancellation through the Venue port. The intent is journalled before the
order is sent under a client_order_id derived from the decision; an order whose outcome is unknown is
resolved before anything new is placed on its match: sent again under the same id while it is young
(the venue resolves a duplicate to the order that landed), looked up read-only once it is too old."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from courtside.domain.clock import Clock
from courtside.domain.errors import (
    DataError,
    DuplicateOrderError,
    ExchangeError,
    OrderRejectedError,
    OutcomeUnknownError,
    RetryableError,
)
from courtside.domain.orders import BookSide, Order, OrderAck, OrderRequest, OrderStatus, TimeInForce
from courtside.execution.inflight import uninterrupted
from courtside.execution.order_ids import client_order_id
from courtside.store.journal import Journal, NewOrder
from courtside.store.journal_tables import OrderRow
from courtside.strategy.decide import OrderIntent
from courtside.venue.port import Venue

log = logging.getLogger("courtside.trader")
# an unresolved order is re-sent (same client_order_id) only this soon after its decision
RESEND_MAX_AGE = timedelta(minutes=10)
PENDING = ("intent", "unknown")
# what the exchange has said of an attempt that is gone: refused, cancelled, or not there at all
GONE = ("rejected", "canceled", "not_placed")


@dataclass(frozen=True, slots=True)
class Placed:
    client_order_id: str
    status: str  # resting | executed | canceled | rejected | unknown | duplicate-skip
    order_id: str | None
    fill_count: Decimal
    detail: str = ""


def status_of(order: Order) -> str:
    return order.status.value


def _status_after_ack(ack: OrderAck, tif: TimeInForce) -> str:
    if ack.remaining_count > 0 and tif is TimeInForce.GTC:
        return OrderStatus.RESTING.value
    return OrderStatus.EXECUTED.value if ack.fill_count > 0 else OrderStatus.CANCELED.value


def request_of(row: OrderRow) -> OrderRequest:
    """The exchange request for a journalled order (the same one on every retry)."""
    tif = TimeInForce(row.time_in_force)
    return OrderRequest(
        ticker=row.ticker,
        side=BookSide(row.side),
        count=row.count,
        price=row.yes_price,
        time_in_force=tif,
        client_order_id=row.client_order_id,
        expiration_time=row.expiration if tif is TimeInForce.GTC else None,
    )


class Executor:
    """Places intents on a Venue and keeps the journal in step with what happened."""

    def __init__(self, venue: Venue, journal: Journal, clock: Clock) -> None:
        self.venue = venue
        self.journal = journal
        self.clock = clock

    def _new_order(self, intent: OrderIntent, decision_id: int | None) -> NewOrder:
        attempt = self.journal.next_attempt(intent.event_ticker)
        route = intent.quote.route
        coid = client_order_id(intent.event_ticker, route.label, self.clock.now().date(), attempt)
        return NewOrder(
            client_order_id=coid,
            event_ticker=intent.event_ticker,
            ticker=intent.ticker,
            route=route.label,
            side=intent.side.value,
            outcome=route.outcome.value,
            yes_price=intent.yes_price,
            count=intent.count,
            time_in_force=intent.time_in_force.value,
            expiration=intent.expiration,
            attempt=attempt,
            decision_id=decision_id,
        )

    async def place(self, intent: OrderIntent, decision_id: int | None = None) -> Placed:
        """Journal the intent, send it, journal the answer. Never raises for a venue refusal.

        While an earlier order of this match is not confirmed gone, no new attempt id is minted: one
        of unknown outcome is re-sent under its own client_order_id instead, any other (resting,
        filled) makes this a duplicate-skip."""
        pending = self.journal.orders(statuses=PENDING, event_ticker=intent.event_ticker)
        if pending:
            return await self.retry(pending[-1])
        earlier = self._earlier_not_gone(intent.event_ticker)
        if earlier is not None:  # e.g. resting: a second attempt id would be a second order
            log.warning(
                "no new attempt on %s: %s is %s", intent.event_ticker, earlier.client_order_id, earlier.status
            )
            coid, detail = earlier.client_order_id, f"earlier attempt is {earlier.status}"
            return Placed(coid, "duplicate-skip", earlier.order_id, earlier.fill_count, detail)
        row = self.journal.record_intent(self._new_order(intent, decision_id), self.clock.now())
        if row.status != "intent":
            return Placed(row.client_order_id, "duplicate-skip", row.order_id, row.fill_count)
        return await self._send(row, request_of(row))

    def _earlier_not_gone(self, event_ticker: str) -> OrderRow | None:
        """An earlier attempt on this match that the exchange has not confirmed gone (resting, filled,
        or of any status but refused, cancelled or not there), if any: no new attempt id while it is."""
        for row in self.journal.orders(event_ticker=event_ticker):
            if row.status not in GONE or row.fill_count > 0:
                return row
        return None

    async def retry(self, row: OrderRow) -> Placed:
        """Send a journalled order again with the SAME client_order_id: the venue resolves it to the
        order that landed if the first send did, so a retry never makes a second one (kalshi-api.md
        §0.8, §2.10)."""
        log.info("re-sending %s with the same client_order_id", row.client_order_id)
        return await self._send(row, request_of(row), again=True)

    async def _send(self, row: OrderRow, req: OrderRequest, *, again: bool = False) -> Placed:
        coid, now = row.client_order_id, self.clock.now
        try:
            ack = await uninterrupted(self.venue.place(req, again=again))  # finished even when stopping
        except (OutcomeUnknownError, DuplicateOrderError, RetryableError) as e:
            log.warning("order %s outcome unknown (%s); will resolve by client_order_id", coid, e)
            self.journal.update_order(coid, now(), status="unknown", detail=str(e))
            return Placed(coid, "unknown", None, Decimal(0), str(e))
        except OrderRejectedError as e:
            log.warning("order %s rejected: %s", coid, e)
            self.journal.update_order(coid, now(), status="rejected", detail=str(e))
            self._free_if_untouched(row.event_ticker)
            return Placed(coid, "rejected", None, Decimal(0), str(e))
        status = _status_after_ack(ack, req.time_in_force)
        fees = (ack.average_fee_paid or Decimal(0)) * ack.fill_count
        self.journal.update_order(
            coid, now(), status=status, order_id=ack.order_id, fill_count=ack.fill_count, fees=fees
        )
        if status == "canceled":
            self._free_if_untouched(row.event_ticker)
        return Placed(coid, status, ack.order_id, ack.fill_count)

    def _free_if_untouched(self, event_ticker: str) -> None:
        """A match whose every order ended unfilled and gone is free to trade again."""
        rows = self.journal.orders(event_ticker=event_ticker)
        live = [r for r in rows if r.status in ("intent", "unknown", "resting") or r.fill_count > 0]
        if not live:
            self.journal.unmark_traded(event_ticker)

    async def resolve_pending(self, *, resend: bool = True) -> list[str]:
        """Settle every intent/unknown order: a young one is sent again under its own id (never a new
        one), which the venue resolves to the order that landed if it did; an expired or stale one, or
        any with resend=False, is only looked up. Returns the ids still unresolved."""
        unresolved: list[str] = []
        stopped = self.journal.stopped_matches()  # a match that began: look its orders up, never resend
        for row in self.journal.orders(statuses=PENDING):
            if resend and row.event_ticker not in stopped and not self._expired(row) and not self._stale(row):
                placed = await self.retry(row)
                settled = placed.status != "unknown"
            else:
                settled = await self._look_up(row, resend)
            if not settled:
                unresolved.append(row.client_order_id)
        return unresolved

    def _expired(self, row: OrderRow) -> bool:
        return row.expiration is not None and row.expiration <= self.clock.now()

    def _stale(self, row: OrderRow) -> bool:
        # reads catch up within seconds, so an order unseen this long never landed; its price is stale
        return self.clock.now() - row.created_at > RESEND_MAX_AGE

    async def _look_up(self, row: OrderRow, resend: bool) -> bool:
        """Find a pending order by client_order_id without sending anything: True once its fate is
        settled (found, or unseen and too old or expired to rest: not placed)."""
        try:
            found = await self.venue.find_order(row.client_order_id, ticker=row.ticker)
        except (ExchangeError, DataError) as e:  # unreadable is not unseen: it stays pending
            log.warning("cannot resolve %s yet: %s", row.client_order_id, e)
            return False
        if found is not None:
            self.record_order(row, found)
            return True
        if self._expired(row):
            log.info("order %s not seen and expired: it can no longer rest", row.client_order_id)
            self.journal.update_order(row.client_order_id, self.clock.now(), status="not_placed")
            return True
        if self._stale(row):
            log.warning(
                "order %s unseen %s after it was sent: not placed", row.client_order_id, RESEND_MAX_AGE
            )
            self.journal.update_order(
                row.client_order_id, self.clock.now(), status="not_placed", detail="unseen; stale price"
            )
            self._free_if_untouched(row.event_ticker)
            return True
        log.info(
            "order %s not seen on the exchange; left pending%s",
            row.client_order_id,
            "" if resend else " (not resending)",
        )
        return False

    def record_order(self, row: OrderRow, order: Order) -> None:
        self.journal.update_order(
            row.client_order_id,
            self.clock.now(),
            status=status_of(order),
            order_id=order.order_id,
            fill_count=order.fill_count,
            fees=order.fees,
        )
        if order.status is OrderStatus.CANCELED and order.fill_count == 0:
            self._free_if_untouched(row.event_ticker)

    async def cancel_match(self, event_ticker: str, reason: str) -> int:
        """Cancel every order of a match that may rest, at once (one batch write). An order whose send
        is unresolved is looked up first: found, it is recorded (and cancelled if it rests); not found,
        it is marked not placed, never to be sent again (a late landing is swept by `cancel_resting`
        at the next reconciliation). Returns how many orders were cancelled."""
        for row in self.journal.orders(statuses=PENDING, event_ticker=event_ticker):
            await self._settle_pending(row, reason)
        rows = [
            r for r in self.journal.orders(statuses=("resting",), event_ticker=event_ticker) if r.order_id
        ]
        if not rows:
            return 0
        try:
            results = await self.venue.cancel_many([r.order_id for r in rows if r.order_id])
        except ExchangeError as e:
            log.warning(
                "cancel of %d orders on %s failed (tried again next check): %s", len(rows), event_ticker, e
            )
            return 0
        now = self.clock.now()
        for row, result in zip(rows, results, strict=False):
            detail = f"{reason} (already gone)" if result.gone else reason
            self.journal.update_order(row.client_order_id, now, status="canceled", detail=detail)
            log.info("cancelled %s on %s: %s", row.client_order_id, row.ticker, reason)
        return sum(not r.gone for r in results)

    async def _settle_pending(self, row: OrderRow, reason: str) -> None:
        try:
            found = await self.venue.find_order(row.client_order_id, ticker=row.ticker)
        except ExchangeError as e:
            log.warning(
                "cannot look up %s (looked up again next scan, never re-sent): %s", row.client_order_id, e
            )
            return
        if found is None:
            self.journal.update_order(
                row.client_order_id, self.clock.now(), status="not_placed", detail=reason
            )
        else:
            self.record_order(row, found)

    async def cancel_resting(self, orders: Sequence[Order], reason: str) -> int:
        """Cancel orders the venue shows resting (whatever the journal says of them), at once."""
        if not orders:
            return 0
        try:
            results = await self.venue.cancel_many([o.order_id for o in orders])
        except ExchangeError as e:
            log.warning("cancel of %d resting orders failed (tried again next scan): %s", len(orders), e)
            return 0
        for order in orders:
            log.info("cancelled %s on %s: %s", order.client_order_id or order.order_id, order.ticker, reason)
        return sum(not r.gone for r in results)

    async def cancel(self, row: OrderRow, reason: str) -> bool:
        """Cancel a resting order; a 404 means it is gone already. True when nothing rests any more."""
        if row.order_id is None:
            return False
        try:
            result = await uninterrupted(self.venue.cancel(row.order_id, ticker=row.ticker))
        except ExchangeError as e:
            log.warning("cancel of %s failed: %s", row.client_order_id, e)
            return False
        log.info("cancelled %s on %s: %s", row.client_order_id, row.ticker, reason)
        found = await self.venue.find_order(row.client_order_id, ticker=row.ticker)
        if found is not None and found.status is not OrderStatus.RESTING:
            self.record_order(row, found)
        else:
            detail = f"{reason} (already gone)" if result.gone else reason
            self.journal.update_order(row.client_order_id, self.clock.now(), status="canceled", detail=detail)
            if row.fill_count == 0:
                self._free_if_untouched(row.event_ticker)
        return True
