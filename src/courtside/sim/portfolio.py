"""Authenticated endpoints: balance, positions, orders, fills, settlements, V2 writes (kalshi-api.md §2).

Request bodies are checked like Kalshi's Go decoder (a number where a string belongs is the flat
`bad_request` body), then required fields and enums, then the engine validates the rest (§8.7).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from decimal import Decimal, InvalidOperation
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from courtside.domain.errors import ExchangeError, NotFoundError, OrderRejectedError
from courtside.domain.money import ZERO
from courtside.sim import engine, serialize
from courtside.sim.bodies import FlatBodyError, check_types, parse_spec, read_body
from courtside.sim.context import Handler, authenticate, ctx_of, error_body, flat_error, guarded
from courtside.sim.engine import OrderSpec, Placement
from courtside.sim.query import csv, in_window, paginate, parse_int, parse_limit
from courtside.sim.state import SimOrder


def placement_json(p: Placement, *, remaining_key: str = "remaining_count") -> dict[str, Any]:
    out: dict[str, Any] = {"order_id": p.order.order_id}
    if p.order.client_order_id:
        out["client_order_id"] = p.order.client_order_id
    out["fill_count"] = serialize.c2(p.fill_count)
    out[remaining_key] = serialize.c2(p.order.remaining_count)
    if p.fill_count > 0:
        out["average_fill_price"] = serialize.p4(p.fill_cost_yes / p.fill_count)
        out["average_fee_paid"] = serialize.p4(p.fees / p.fill_count)
    out["ts_ms"] = p.ts_ms
    return out


def _cancel_json(order: SimOrder, reduced: Decimal, ts_ms: int) -> dict[str, Any]:
    out: dict[str, Any] = {"order_id": order.order_id}
    if order.client_order_id:
        out["client_order_id"] = order.client_order_id
    out.update({"reduced_by": serialize.c2(reduced), "ts_ms": ts_ms})
    return out


RawHandler = Callable[..., Awaitable[Response]]


def endpoint(scope: str, struct: str | None = None) -> Callable[[RawHandler], Handler]:
    """Wrap a handler(request, user_id[, body]) with auth, body decoding and error mapping."""

    def wrap(fn: RawHandler) -> Handler:
        async def run(request: Request) -> Response:
            ctx = ctx_of(request)
            entry = authenticate(ctx, request, scope)
            try:
                if struct is None:
                    return await fn(request, entry.user_id)
                return await fn(request, entry.user_id, await read_body(request, struct))
            except FlatBodyError as e:
                return flat_error(str(e))

        return guarded(run)

    return wrap


@endpoint("read")
async def balance(request: Request, user_id: str) -> Response:
    ex = ctx_of(request).exchange
    shard = parse_int(request.query_params, "exchange_index", "GetBalance")
    with ex.lock:
        return JSONResponse(serialize.balance_json(ex, ex.users[user_id], shard))


@endpoint("read")
async def positions(request: Request, user_id: str) -> Response:
    ex, q = ctx_of(request).exchange, request.query_params
    limit = parse_limit(q, "GetPositions", low=1, high=1000, default=100)
    status = q.get("settlement_status") or "unsettled"
    counts = csv(q, "count_filter") or []
    with ex.lock:
        rows = sorted(
            ex.users[user_id].positions.values(), key=lambda p: p.last_updated or ex.now(), reverse=True
        )
        rows = [
            p
            for p in rows
            if (status == "all" or p.settled == (status == "settled"))
            and (not q.get("ticker") or p.ticker == q["ticker"])
            and (not q.get("event_ticker") or p.event_ticker == q["event_ticker"])
            and ("position" not in counts or p.position != 0)
            and ("total_traded" not in counts or p.total_traded != 0)
        ]
        page, cursor = paginate(rows, q, limit)
        return JSONResponse(
            {
                "market_positions": [serialize.position_json(p) for p in page],
                "event_positions": serialize.event_positions_json(page),
                "cursor": cursor,
            }
        )


@endpoint("read")
async def orders_list(request: Request, user_id: str) -> Response:
    ex, q = ctx_of(request).exchange, request.query_params
    limit = parse_limit(q, "GetOrders", low=1, high=1000, default=100)
    events = csv(q, "event_ticker")
    low, high = parse_int(q, "min_ts", "GetOrders"), parse_int(q, "max_ts", "GetOrders")
    with ex.lock:
        ex.tick()
        rows = [
            o
            for o in reversed(ex.user_orders[user_id])
            if (not q.get("ticker") or o.ticker == q["ticker"])
            and (events is None or ex.markets[o.ticker].event_ticker in events)
            and (not q.get("status") or o.status.value == q["status"])
            and in_window(o.created_time, low, high)
            and not engine.hidden(ex, o)
        ]
        page, cursor = paginate(rows, q, limit)
        orders = [serialize.order_json(engine.visible(ex, o)) for o in page]
        return JSONResponse({"orders": orders, "cursor": cursor})


@endpoint("read")
async def order_one(request: Request, user_id: str) -> Response:
    ex = ctx_of(request).exchange
    with ex.lock:
        ex.tick()
        order = ex.orders.get(request.path_params["order_id"])
        if order is None or order.user_id != user_id or engine.hidden(ex, order):
            raise NotFoundError("not found", status=404, code="not_found")
        return JSONResponse({"order": serialize.order_json(engine.visible(ex, order))})


@endpoint("read")
async def fills(request: Request, user_id: str) -> Response:
    ex, q = ctx_of(request).exchange, request.query_params
    limit = parse_limit(q, "GetFills", low=1, high=1000, default=100)
    low, high = parse_int(q, "min_ts", "GetFills"), parse_int(q, "max_ts", "GetFills")
    with ex.lock:
        rows = [
            f
            for f in reversed(ex.user_fills[user_id])
            if (not q.get("ticker") or f.ticker == q["ticker"])
            and (not q.get("order_id") or f.order_id == q["order_id"])
            and in_window(f.created_time, low, high)
        ]
        page, cursor = paginate(rows, q, limit)
        return JSONResponse({"fills": [serialize.fill_json(f) for f in page], "cursor": cursor})


@endpoint("read")
async def settlements(request: Request, user_id: str) -> Response:
    ex, q = ctx_of(request).exchange, request.query_params
    limit = parse_limit(q, "GetSettlements", low=1, high=1000, default=100)
    low, high = parse_int(q, "min_ts", "GetSettlements"), parse_int(q, "max_ts", "GetSettlements")
    with ex.lock:
        rows = [
            s
            for s in reversed(ex.users[user_id].settlements)
            if (not q.get("ticker") or s.ticker == q["ticker"])
            and (not q.get("event_ticker") or s.event_ticker == q["event_ticker"])
            and in_window(s.settled_time, low, high)
        ]
        page, cursor = paginate(rows, q, limit)
        return JSONResponse({"settlements": [serialize.settlement_json(s) for s in page], "cursor": cursor})


@endpoint("write", "CreateOrderV2Request")
async def create_order(request: Request, user_id: str, body: dict[str, Any]) -> Response:
    ex = ctx_of(request).exchange
    placement = ex.place_order(user_id, parse_spec(body))
    return JSONResponse(placement_json(placement), status_code=201)


@endpoint("write")
async def cancel_order(request: Request, user_id: str) -> Response:
    ex = ctx_of(request).exchange
    with ex.lock:
        order = ex.orders.get(request.path_params["order_id"])
        reduced = order.remaining_count if order is not None else ZERO
        order = ex.cancel_order(user_id, request.path_params["order_id"])
        return JSONResponse(_cancel_json(order, reduced, ex.now_ms()))


@endpoint("write", "AmendOrderV2Request")
async def amend_order(request: Request, user_id: str, body: dict[str, Any]) -> Response:
    ex = ctx_of(request).exchange
    body = {"time_in_force": "good_till_canceled", "self_trade_prevention_type": "taker_at_cross", **body}
    spec = parse_spec(body)
    if body.get("updated_client_order_id"):
        spec = OrderSpec(**{**_spec_fields(spec), "client_order_id": body["updated_client_order_id"]})
    placement = ex.amend_order(user_id, request.path_params["order_id"], spec)
    return JSONResponse(placement_json(placement))


def _spec_fields(spec: OrderSpec) -> dict[str, Any]:
    return {name: getattr(spec, name) for name in OrderSpec.__dataclass_fields__}


@endpoint("write", "DecreaseOrderV2Request")
async def decrease_order(request: Request, user_id: str, body: dict[str, Any]) -> Response:
    ex = ctx_of(request).exchange
    try:
        by = Decimal(body["reduce_by"]) if body.get("reduce_by") else None
        to = Decimal(body["reduce_to"]) if body.get("reduce_to") is not None else None
    except InvalidOperation as e:
        raise OrderRejectedError("invalid order size", status=400, code="invalid_order_size") from e
    order = ex.decrease_order(user_id, request.path_params["order_id"], by, to)
    out: dict[str, Any] = {"order_id": order.order_id}
    if order.client_order_id:
        out["client_order_id"] = order.client_order_id
    out.update({"remaining_count": serialize.c2(order.remaining_count), "ts_ms": ex.now_ms()})
    return JSONResponse(out)


def _error_or_none(fn: Any) -> tuple[Any, dict[str, Any] | None]:
    try:
        return fn(), None
    except ExchangeError as e:
        return None, error_body(e)["error"]


@endpoint("write", "BatchCreateOrdersV2Request")
async def batch_create(request: Request, user_id: str, body: dict[str, Any]) -> Response:
    ex = ctx_of(request).exchange
    results = []
    for item in body.get("orders") or []:
        try:
            spec = parse_spec(check_types(item, "CreateOrderV2Request"))
        except FlatBodyError as e:
            return flat_error(str(e))
        except ExchangeError as e:
            results.append({"client_order_id": item.get("client_order_id"), "error": error_body(e)["error"]})
            continue
        placement, error = _error_or_none(lambda s=spec: ex.place_order(user_id, s))
        results.append(
            {**placement_json(placement), "error": None}
            if placement
            else {"client_order_id": spec.client_order_id, "error": error}
        )
    return JSONResponse({"orders": results}, status_code=201)


def _cancel_many(request: Request, user_id: str, order_ids: list[str]) -> Response:
    ex = ctx_of(request).exchange
    results = []
    with ex.lock:
        for order_id in order_ids:
            order = ex.orders.get(order_id)
            reduced = order.remaining_count if order is not None else ZERO
            done, error = _error_or_none(lambda oid=order_id: ex.cancel_order(user_id, oid))
            results.append(
                {**_cancel_json(done, reduced, ex.now_ms()), "error": None}
                if done
                else {"order_id": order_id, "error": error}
            )
    return JSONResponse({"orders": results})


@endpoint("write", "BatchCancelOrdersV2Request")
async def batch_cancel(request: Request, user_id: str, body: dict[str, Any]) -> Response:
    ids = [str(o.get("order_id")) for o in body.get("orders") or [] if isinstance(o, dict)]
    ids += [str(i) for i in body.get("ids") or []]
    return _cancel_many(request, user_id, ids)


@endpoint("write")
async def cancel_all(request: Request, user_id: str) -> Response:
    ex = ctx_of(request).exchange
    with ex.lock:
        ids = [o.order_id for o in ex.resting_orders(user_id)]
    return _cancel_many(request, user_id, ids)


@endpoint("read")
async def account_limits(request: Request, user_id: str) -> Response:
    lim = ctx_of(request).limiter
    return JSONResponse(
        {
            "usage_tier": "basic",
            "grants": [],
            "read": {"bucket_capacity": lim.read_per_s * 2, "refill_rate": lim.read_per_s},
            "write": {"bucket_capacity": lim.write_per_s, "refill_rate": lim.write_per_s},
        }
    )


@endpoint("write", "IntraExchangeInstanceTransferRequest")
async def transfer(request: Request, user_id: str, body: dict[str, Any]) -> Response:
    from courtside.sim import accounts

    ex = ctx_of(request).exchange
    try:
        amount = Decimal(int(body["amount"])) / 10_000
        source, dest = int(body["source_exchange_shard"]), int(body["destination_exchange_shard"])
    except (KeyError, TypeError, ValueError) as e:
        raise OrderRejectedError("invalid parameters", status=400, code="invalid_parameters") from e
    with ex.lock:
        if not accounts.transfer(ex.users[user_id], source, dest, amount):
            raise OrderRejectedError("insufficient balance", status=400, code="insufficient_balance")
        return JSONResponse({"transfer_id": ex.new_id()})


@endpoint("write")
async def legacy(request: Request, user_id: str) -> Response:
    return JSONResponse(
        {"error": {"code": "deprecated", "message": "Please switch to the V2 endpoints"}}, status_code=400
    )


def routes(prefix: str) -> list[BaseRoute]:
    table: list[tuple[str, Any, list[str]]] = [
        ("/portfolio/balance", balance, ["GET"]),
        ("/portfolio/positions", positions, ["GET"]),
        ("/portfolio/orders", orders_list, ["GET"]),
        ("/portfolio/orders", legacy, ["POST"]),
        ("/portfolio/orders/{order_id}", order_one, ["GET"]),
        ("/portfolio/orders/{order_id}", legacy, ["DELETE"]),
        ("/portfolio/fills", fills, ["GET"]),
        ("/portfolio/settlements", settlements, ["GET"]),
        ("/portfolio/events/orders/batched", batch_create, ["POST"]),
        ("/portfolio/events/orders/batched", batch_cancel, ["DELETE"]),
        ("/portfolio/events/orders", create_order, ["POST"]),
        ("/portfolio/events/orders", cancel_all, ["DELETE"]),
        ("/portfolio/events/orders/{order_id}", cancel_order, ["DELETE"]),
        ("/portfolio/events/orders/{order_id}/amend", amend_order, ["POST"]),
        ("/portfolio/events/orders/{order_id}/decrease", decrease_order, ["POST"]),
        ("/portfolio/intra_exchange_instance_transfer", transfer, ["POST"]),
        ("/account/limits", account_limits, ["GET"]),
    ]
    return [Route(prefix + path, fn, methods=methods) for path, fn, methods in table]
