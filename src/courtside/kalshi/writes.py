"""The wire side of the V2 order writes: request bodies and the per-order items of batch answers.

The writes themselves are KalshiClient methods (sent again unchanged only on 429, kalshi-api.md
§1.3); making a create idempotent by client_order_id is KalshiVenue's policy (kalshi/venue.py).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from courtside.domain.errors import ExchangeError
from courtside.domain.money import fmt_count, fmt_dollars
from courtside.domain.orders import CancelResult, OrderRequest
from courtside.kalshi.errors import error_for
from courtside.kalshi.parse_portfolio import parse_cancel, parse_order_ack
from courtside.kalshi.results import BatchCancelItem, BatchCreateItem

ORDERS = "portfolio/events/orders"


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


def orders_of(data: Any) -> list[dict[str, Any]]:
    items = data.get("orders") if isinstance(data, dict) else None
    return [i for i in items if isinstance(i, dict)] if isinstance(items, list) else []


def has_error(raw: dict[str, Any]) -> bool:
    return raw.get("error") is not None


def item_error(raw: dict[str, Any], method: str) -> ExchangeError:
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


def batch_created(data: Any) -> list[BatchCreateItem]:
    """Each order of a batch create: its ack, or the error Kalshi gave for it."""
    return [
        BatchCreateItem(None, item_error(raw, "POST"))
        if has_error(raw)
        else BatchCreateItem(parse_order_ack(raw), None)
        for raw in orders_of(data)
    ]


def batch_cancelled(data: Any) -> list[BatchCancelItem]:
    """Each order of a batch cancel; a 404-type item error is an order already gone, not a failure."""
    out = []
    for raw in orders_of(data):
        if not has_error(raw):
            out.append(BatchCancelItem(parse_cancel(raw), None))
            continue
        err = item_error(raw, "DELETE")
        if err.code and err.code.startswith("not_found"):
            out.append(BatchCancelItem(CancelResult(str(raw.get("order_id")), Decimal(0), gone=True), None))
        else:
            out.append(BatchCancelItem(None, err))
    return out
