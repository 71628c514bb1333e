"""V2 request bodies decoded like Kalshi's Go server: wrong JSON types give the flat 400 body (§8.7 step 1).

Then required fields and enums (400 invalid_parameters) and the decimal strings, into an OrderSpec.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request

from courtside.domain.errors import OrderRejectedError
from courtside.domain.orders import BookSide, SelfTradePrevention, TimeInForce
from courtside.sim.engine import OrderSpec

GO_TYPES: dict[str, type | tuple[type, ...]] = {
    "ticker": str,
    "side": str,
    "count": str,
    "price": str,
    "time_in_force": str,
    "self_trade_prevention_type": str,
    "client_order_id": str,
    "updated_client_order_id": str,
    "expiration_time": int,
    "post_only": bool,
    "reduce_only": bool,
    "cancel_order_on_pause": bool,
    "subaccount": int,
    "exchange_index": int,
    "order_group_id": str,
    "reduce_by": str,
    "reduce_to": str,
}
GO_NAMES = {str: "string", int: "int64", bool: "bool"}
REQUIRED = ("ticker", "side", "count", "price", "time_in_force", "self_trade_prevention_type")


class FlatBodyError(Exception):
    """The request body fails Go's JSON decoding: answered with the flat error body."""


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    kinds: dict[type, str] = {str: "string", list: "array", dict: "object"}
    return kinds.get(type(value), "null")


def check_types(body: Any, struct: str) -> dict[str, Any]:
    """Mimic Go's decoder: the first field of the wrong JSON type is a flat 400 bad_request."""
    if not isinstance(body, dict):
        raise FlatBodyError(f"json: cannot unmarshal {_json_kind(body)} into Go value of type {struct}")
    for name, value in body.items():
        expected = GO_TYPES.get(name)
        if expected is None or value is None:
            continue
        ok = isinstance(value, expected) and not (expected is int and isinstance(value, bool))
        if not ok:
            go = GO_NAMES[expected] if isinstance(expected, type) and expected in GO_NAMES else "string"
            raise FlatBodyError(
                f"json: cannot unmarshal {_json_kind(value)} into Go struct field "
                f"{struct}.{name} of type {go}"
            )
    return body


async def read_body(request: Request, struct: str) -> dict[str, Any]:
    raw = await request.body()
    try:
        body = json.loads(raw or b"null")
    except json.JSONDecodeError as e:
        raise FlatBodyError(f"invalid character in JSON body: {e.msg}") from e
    return check_types(body, struct)


def _invalid(details: str) -> OrderRejectedError:
    return OrderRejectedError("invalid parameters", status=400, code="invalid_parameters", details=details)


def parse_spec(body: dict[str, Any]) -> OrderSpec:
    """Required fields and enums (400 invalid_parameters), then the decimal strings."""
    missing = [f for f in REQUIRED if body.get(f) in (None, "")]
    if missing:
        raise _invalid(f"missing required field(s): {', '.join(missing)}")
    try:
        side, tif = BookSide(body["side"]), TimeInForce(body["time_in_force"])
        stp = SelfTradePrevention(body["self_trade_prevention_type"])
    except ValueError as e:
        raise _invalid(str(e)) from e
    try:
        price = Decimal(body["price"])
    except InvalidOperation as e:
        raise OrderRejectedError("invalid price", status=400, code="invalid_price") from e
    try:
        count = Decimal(body["count"])
    except InvalidOperation as e:
        raise OrderRejectedError("invalid order size", status=400, code="invalid_order_size") from e
    if not price.is_finite() or not count.is_finite():
        raise OrderRejectedError("invalid price", status=400, code="invalid_price")
    return OrderSpec(
        ticker=body["ticker"],
        side=side,
        count=count,
        price=price,
        time_in_force=tif,
        stp=stp,
        client_order_id=body.get("client_order_id") or None,
        expiration_time=body.get("expiration_time") or None,
        post_only=bool(body.get("post_only")),
        reduce_only=bool(body.get("reduce_only")),
        subaccount=int(body.get("subaccount") or 0),
    )
