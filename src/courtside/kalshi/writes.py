"""Order writes on the V2 endpoints, never retried blindly.

Every write is sent again, unchanged, while Kalshi answers 429 (refused before it executed, no
Retry-After; kalshi-api.md §1.3), with jittered exponential backoff, a bounded number of times
within a time budget (KalshiHttp.write). A create whose answer was lost (or that got a 409 or
5xx) is resolved by looking the order up by its client_order_id, which Kalshi keeps unique per
account forever (§0.8, §2.10); only then, if nothing is found, is the same client_order_id sent
once more.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from courtside.domain.errors import (
    DuplicateOrderError,
    ExchangeError,
    ExchangeUnavailableError,
    NotFoundError,
    OutcomeUnknownError,
)
from courtside.domain.money import fmt_count, fmt_dollars
from courtside.domain.orders import BookSide, Order, OrderAck, OrderRequest
from courtside.kalshi.errors import error_for
from courtside.kalshi.http import KalshiHttp
from courtside.kalshi.parse_portfolio import (
    ack_from_order,
    parse_amend,
    parse_cancel,
    parse_decrease,
    parse_order,
    parse_order_ack,
)
from courtside.kalshi.results import (
    AmendResult,
    BatchCancelItem,
    BatchCreateItem,
    CancelResult,
    DecreaseResult,
)

log = logging.getLogger(__name__)
ORDERS = "portfolio/events/orders"
LOOKUP_PAGE = 200


def order_body(req: OrderRequest, client_order_id: str) -> dict[str, Any]:
    """CreateOrderV2Request: numbers as strings, expiration_time in Unix seconds."""
    body: dict[str, Any] = {
        "ticker": req.ticker,
        "side": req.side.value,
        "count": fmt_count(req.count),
        "price": fmt_dollars(req.price, 4),
        "time_in_force": req.time_in_force.value,
        "self_trade_prevention_type": req.self_trade_prevention.value,
        "client_order_id": client_order_id,
        "post_only": req.post_only,
    }
    if req.reduce_only:
        body["reduce_only"] = True
    if req.cancel_order_on_pause:
        body["cancel_order_on_pause"] = True
    if req.expiration_time is not None:
        body["expiration_time"] = int(req.expiration_time.timestamp())
    return body


def _matches(order: Order, req: OrderRequest) -> bool:
    return order.ticker == req.ticker and order.side is req.side and order.initial_count == req.count


class OrderWrites(KalshiHttp):
    """create / cancel / amend / decrease / batch, plus the lookup that makes creates idempotent."""

    async def find_order_by_client_id(
        self, client_order_id: str, *, ticker: str | None = None, max_pages: int = 5
    ) -> Order | None:
        """The order carrying this client_order_id (GET /portfolio/orders, newest first), or None."""
        pages = 0
        async for items in self.pages("portfolio/orders", {"ticker": ticker, "limit": LOOKUP_PAGE}, "orders"):
            for raw in items:
                if isinstance(raw, dict) and raw.get("client_order_id") == client_order_id:
                    return parse_order(raw)
            pages += 1
            if pages >= max_pages:
                break
        return None

    async def create_order(self, req: OrderRequest) -> OrderAck:
        """POST /portfolio/events/orders (V2). 429s are retried with the same client_order_id (one is
        generated when the request has none); lost answers, 409s and 5xx are resolved by that id;
        OutcomeUnknownError if that fails. A RateLimitedError means no attempt executed."""
        coid = req.client_order_id or str(uuid.uuid4())
        try:
            return parse_order_ack(await self.write("POST", ORDERS, body=order_body(req, coid)))
        except OutcomeUnknownError as e:
            return await self._resolve_lost(req, coid, e)
        except DuplicateOrderError as e:
            return await self._resolve_duplicate(req, coid, e)
        except ExchangeUnavailableError as e:
            found = await self._lookup(coid, req)
            if found is None:
                raise
            log.warning("create %s answered %s but the order exists: %s", coid, e.status, found.order_id)
            return ack_from_order(found)

    async def _lookup(self, coid: str, req: OrderRequest) -> Order | None:
        try:
            return await self.find_order_by_client_id(coid, ticker=req.ticker)
        except ExchangeError as e:
            log.warning("lookup of client_order_id %s failed: %s", coid, e)
            return None

    async def _resolve_duplicate(self, req: OrderRequest, coid: str, err: DuplicateOrderError) -> OrderAck:
        found = await self._lookup(coid, req)
        if found is not None and _matches(found, req):
            log.info("409 on create %s: our earlier attempt landed as %s", coid, found.order_id)
            return ack_from_order(found)
        raise err

    async def _resolve_lost(self, req: OrderRequest, coid: str, err: OutcomeUnknownError) -> OrderAck:
        found = await self._lookup(coid, req)
        if found is not None:
            log.info("create %s lost its answer; found %s", coid, found.order_id)
            return ack_from_order(found)
        try:  # nothing visible: resend with the same id, which Kalshi deduplicates
            return parse_order_ack(await self.write("POST", ORDERS, body=order_body(req, coid)))
        except DuplicateOrderError:
            found = await self._lookup(coid, req)
        except ExchangeError as e:  # a refused resend says nothing about the first send: it may have landed
            log.warning("re-send of %s failed (%s); its first send may have landed", coid, e)
            found = None
        if found is not None:
            return ack_from_order(found)
        raise OutcomeUnknownError(
            f"create of {req.ticker} {req.side.value} {req.count}@{req.price}: outcome unknown",
            client_order_id=coid,
        ) from err

    async def cancel_order(self, order_id: str, *, market_ticker: str | None = None) -> CancelResult:
        """DELETE /portfolio/events/orders/{id}. A 404 (already canceled, executed or unknown) is
        returned as CancelResult(gone=True, reduced_by=0), not raised: the order rests no more.
        429s are backed off like every write; a cancel whose answer was lost is sent once more
        (repeating a cancel is harmless)."""
        params = {"market_ticker": market_ticker} if market_ticker else None
        path = f"{ORDERS}/{order_id}"
        try:
            try:
                return parse_cancel(await self.write("DELETE", path, params=params))
            except OutcomeUnknownError:  # a cancel is safe to repeat: a second one answers 404 if done
                log.warning("cancel of %s lost its answer; sending it again", order_id)
                return parse_cancel(await self.write("DELETE", path, params=params))
        except NotFoundError:
            return CancelResult(order_id=order_id, reduced_by=Decimal(0), gone=True)

    async def amend_order(
        self,
        order_id: str,
        *,
        ticker: str,
        side: BookSide,
        price: Decimal,
        count: Decimal,
        client_order_id: str | None = None,
        updated_client_order_id: str | None = None,
    ) -> AmendResult:
        """POST .../{id}/amend; `count` = already filled + desired remaining."""
        body: dict[str, Any] = {
            "ticker": ticker,
            "side": side.value,
            "price": fmt_dollars(price, 4),
            "count": fmt_count(count),
        }
        if client_order_id:
            body["client_order_id"] = client_order_id
        if updated_client_order_id:
            body["updated_client_order_id"] = updated_client_order_id
        return parse_amend(await self.write("POST", f"{ORDERS}/{order_id}/amend", body=body))

    async def decrease_order(
        self, order_id: str, *, reduce_by: Decimal | None = None, reduce_to: Decimal | None = None
    ) -> DecreaseResult:
        """POST .../{id}/decrease with exactly one of reduce_by / reduce_to."""
        if (reduce_by is None) == (reduce_to is None):
            raise ValueError("give exactly one of reduce_by and reduce_to")
        body = (
            {"reduce_by": fmt_count(reduce_by)}
            if reduce_by is not None
            else {"reduce_to": fmt_count(reduce_to or Decimal(0))}
        )
        return parse_decrease(await self.write("POST", f"{ORDERS}/{order_id}/decrease", body=body))

    async def batch_create_orders(self, reqs: Sequence[OrderRequest]) -> list[BatchCreateItem]:
        """POST .../batched; each order gets an ack or its own error (the batch is re-sent only on 429)."""
        bodies = [order_body(r, r.client_order_id or str(uuid.uuid4())) for r in reqs]
        data = await self.write("POST", f"{ORDERS}/batched", body={"orders": bodies}, orders=len(bodies))
        return [
            BatchCreateItem(None, _item_error(raw, "POST"))
            if _has_error(raw)
            else BatchCreateItem(parse_order_ack(raw), None)
            for raw in _orders_of(data)
        ]

    async def batch_cancel_orders(self, order_ids: Sequence[str]) -> list[BatchCancelItem]:
        """DELETE .../batched; a 404-type item error becomes CancelResult(gone=True)."""
        body = {"orders": [{"order_id": oid} for oid in order_ids]}
        data = await self.write("DELETE", f"{ORDERS}/batched", body=body, orders=len(order_ids))
        out = []
        for raw in _orders_of(data):
            if not _has_error(raw):
                out.append(BatchCancelItem(parse_cancel(raw), None))
                continue
            err = _item_error(raw, "DELETE")
            if err.code and err.code.startswith("not_found"):
                out.append(
                    BatchCancelItem(CancelResult(str(raw.get("order_id")), Decimal(0), gone=True), None)
                )
            else:
                out.append(BatchCancelItem(None, err))
        return out

    async def cancel_all_orders(self, *, subaccount: int | None = None) -> list[CancelResult]:
        """DELETE /portfolio/events/orders: cancels every resting order."""
        data = await self.write("DELETE", ORDERS, params={"subaccount": subaccount})
        return [parse_cancel(raw) for raw in _orders_of(data) if not _has_error(raw)]


def _orders_of(data: Any) -> list[dict[str, Any]]:
    items = data.get("orders") if isinstance(data, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def _has_error(raw: dict[str, Any]) -> bool:
    return raw.get("error") is not None


def _item_error(raw: dict[str, Any], method: str) -> ExchangeError:
    """A per-order error inside a batch answer (an ErrorResponse without HTTP status)."""
    err = raw.get("error")
    code = err.get("code", "") if isinstance(err, dict) else ""
    status = (
        404
        if str(code).startswith("not_found")
        else 409
        if str(code).startswith("order_already_exists")
        else 400
    )
    return error_for(status, json.dumps({"error": err}), method=method, path=f"/{ORDERS}/batched")
