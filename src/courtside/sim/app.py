"""The Starlette application of the simulator: public market data, routing, `create_app`.

Paths and shapes of kalshi-api.md §2 and §8.3 under /trade-api/v2; portfolio endpoints live in
`portfolio.py`, the test-control API in `control.py`, the WebSocket in `ws.py`.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route, WebSocketRoute

from courtside.domain.errors import NotFoundError
from courtside.sim import history, live, portfolio, serialize
from courtside.sim.context import SimContext, ctx_of, guarded
from courtside.sim.exchange import SimExchange
from courtside.sim.faults import FaultMiddleware
from courtside.sim.query import (
    MARKET_STATUS_FILTER,
    QueryValidationError,
    check_market_ts_filters,
    csv,
    in_window,
    paginate,
    parse_bool,
    parse_int,
    parse_limit,
)
from courtside.sim.state import SimMarket

PREFIX = "/trade-api/v2"


def _ok(body: object) -> JSONResponse:
    return JSONResponse(body)


async def exchange_status(request: Request) -> Response:
    ex = ctx_of(request).exchange
    active = ex.trading_active
    return _ok(
        {
            "exchange_active": True,
            "trading_active": active,
            "exchange_index_statuses": [
                {
                    "exchange_index": i,
                    "description": f"shard {i}",
                    "exchange_active": True,
                    "trading_active": active,
                    "intra_exchange_transfers_active": True,
                }
                for i in (0, 3)
            ],
        }
    )


async def series_list(request: Request) -> Response:
    ex, q = ctx_of(request).exchange, request.query_params
    tags = csv(q, "tags")
    out = [
        s
        for s in ex.series.values()
        if (not q.get("category") or s.category == q["category"])
        and (tags is None or any(t in s.tags for t in tags))
    ]
    return _ok({"series": [serialize.series_json(s) for s in out]})


async def series_one(request: Request) -> Response:
    ex = ctx_of(request).exchange
    series = ex.series.get(request.path_params["ticker"])
    if series is None:
        raise NotFoundError("not found", status=404, code="not_found")
    return _ok({"series": serialize.series_json(series)})


async def fee_changes(request: Request) -> Response:
    return _ok({"series_fee_change_arr": []})


def _market_filter(request: Request) -> list[SimMarket]:
    ex, q = ctx_of(request).exchange, request.query_params
    status = q.get("status") or None
    if status is not None and status not in MARKET_STATUS_FILTER:
        raise QueryValidationError(
            "Parameter validation failed for GetMarkets: Key: 'GetMarketsParams.Status' "
            "Error:Field validation for 'Status' failed on the 'oneof' tag"
        )
    check_market_ts_filters(q, status)
    tickers = csv(q, "tickers")
    bounds = {
        k: parse_int(q, k, "GetMarkets")
        for k in (
            "min_created_ts",
            "max_created_ts",
            "min_close_ts",
            "max_close_ts",
            "min_settled_ts",
            "max_settled_ts",
        )
    }
    mve = q.get("mve_filter")
    markets = ex.markets.values() if tickers is None else [ex.markets[t] for t in tickers if t in ex.markets]
    return [
        m
        for m in markets
        if (status is None or m.status in MARKET_STATUS_FILTER[status])
        and (not q.get("event_ticker") or m.event_ticker == q["event_ticker"])
        and (not q.get("series_ticker") or m.series_ticker == q["series_ticker"])
        and (mve != "only" or m.ticker.startswith("KXMVE"))
        and in_window(m.created_time, bounds["min_created_ts"], bounds["max_created_ts"])
        and in_window(m.close_time, bounds["min_close_ts"], bounds["max_close_ts"])
        and in_window(m.settlement_time, bounds["min_settled_ts"], bounds["max_settled_ts"])
        and not history.is_historical(ex, m)
    ]


async def markets_list(request: Request) -> Response:
    ex = ctx_of(request).exchange
    limit = parse_limit(request.query_params, "GetMarkets", low=0, high=1000, default=100)
    with ex.lock:
        ex.tick()
        page, cursor = paginate(_market_filter(request), request.query_params, limit)
        return _ok({"markets": [serialize.market_json(ex, m) for m in page], "cursor": cursor})


async def market_one(request: Request) -> Response:
    ex = ctx_of(request).exchange
    with ex.lock:
        ex.tick()
        market = ex.market(request.path_params["ticker"])
        if history.is_historical(ex, market):  # settled before the cutoff: /historical/markets only
            raise NotFoundError("not found", status=404, code="not_found")
        return _ok({"market": serialize.market_json(ex, market)})


async def orderbook(request: Request) -> Response:
    ex = ctx_of(request).exchange
    depth = parse_int(request.query_params, "depth", "GetMarketOrderbook") or 0
    if not 0 <= depth <= 100:
        raise QueryValidationError(
            "Parameter validation failed for GetMarketOrderbook: Key: "
            "'GetMarketOrderbookParams.Depth' Error:Field validation for 'Depth' failed"
        )
    with ex.lock:
        ex.market(request.path_params["ticker"])
        return _ok({"orderbook_fp": serialize.orderbook_json(ex.books[request.path_params["ticker"]], depth)})


async def orderbooks(request: Request) -> Response:
    ex = ctx_of(request).exchange
    tickers = csv(request.query_params, "tickers") or []
    with ex.lock:
        books = [
            {"ticker": t, "orderbook_fp": serialize.orderbook_json(ex.books[t])}
            for t in tickers
            if t in ex.books
        ]
    return _ok({"orderbooks": books})


async def trades(request: Request) -> Response:
    ex, q = ctx_of(request).exchange, request.query_params
    limit = parse_limit(q, "GetTrades", low=1, high=1000, default=100)
    low, high = parse_int(q, "min_ts", "GetTrades"), parse_int(q, "max_ts", "GetTrades")
    with ex.lock:
        rows = [
            t
            for t in reversed(ex.trades)
            if (not q.get("ticker") or t.ticker == q["ticker"]) and in_window(t.created_time, low, high)
        ]
        page, cursor = paginate(rows, q, limit)
        return _ok({"trades": [serialize.trade_json(t) for t in page], "cursor": cursor})


def _event_matches(request: Request, event_markets: list[SimMarket]) -> bool:
    q = request.query_params
    status = q.get("status")
    if status and not any(m.status in MARKET_STATUS_FILTER.get(status, frozenset()) for m in event_markets):
        return False
    min_close = parse_int(q, "min_close_ts", "GetEvents")
    return min_close is None or any(m.close_time.timestamp() > min_close for m in event_markets)


async def events_list(request: Request) -> Response:
    ex, q = ctx_of(request).exchange, request.query_params
    limit = parse_limit(q, "GetEvents", low=1, high=200, default=200)
    if q.get("status") and q["status"] not in ("unopened", "open", "closed", "settled"):
        raise QueryValidationError(
            "Parameter validation failed for GetEvents: Key: 'GetEventsParams.Status' "
            "Error:Field validation for 'Status' failed on the 'oneof' tag"
        )
    tickers = csv(q, "tickers")
    nested = parse_bool(q, "with_nested_markets")
    with ex.lock:
        ex.tick()
        rows = [
            e
            for e in ex.events.values()
            if (not q.get("series_ticker") or e.series_ticker == q["series_ticker"])
            and (tickers is None or e.event_ticker in tickers)
            and _event_matches(request, [ex.markets[t] for t in e.market_tickers])
        ]
        page, cursor = paginate(rows, q, limit)
        body: dict[str, object] = {"events": [serialize.event_json(ex, e, nested=nested) for e in page]}
        if parse_bool(q, "with_milestones"):
            body["milestones"] = live.milestones_of(ex, [e.event_ticker for e in page])
        return _ok({**body, "cursor": cursor})


async def event_one(request: Request) -> Response:
    ex = ctx_of(request).exchange
    with ex.lock:
        ex.tick()
        event = ex.events.get(request.path_params["ticker"])
        if event is None:
            raise NotFoundError("not found", status=404, code="not_found")
        nested = parse_bool(request.query_params, "with_nested_markets")
        markets = [serialize.market_json(ex, ex.markets[t]) for t in event.market_tickers]
        return _ok({"event": serialize.event_json(ex, event, nested=nested), "markets": markets})


async def not_found(request: Request) -> Response:
    return JSONResponse({"error": {"code": "not_found", "message": "not found"}}, status_code=404)


def public_routes() -> list[BaseRoute]:
    r = [
        ("/exchange/status", exchange_status),
        ("/series", series_list),
        ("/series/fee_changes", fee_changes),
        ("/series/{ticker}", series_one),
        ("/events", events_list),
        ("/events/{ticker}", event_one),
        ("/markets", markets_list),
        ("/markets/trades", trades),
        ("/markets/orderbooks", orderbooks),
        ("/markets/{ticker}/orderbook", orderbook),
        ("/markets/{ticker}", market_one),
    ]
    return [Route(PREFIX + path, guarded(fn), methods=["GET"]) for path, fn in r]


def create_app(exchange: SimExchange, context: SimContext | None = None) -> Starlette:
    """The simulator as an ASGI app: serve it with uvicorn or call it through httpx.ASGITransport."""
    from courtside.sim import control, ws

    ctx = context or SimContext(exchange)
    ctx.hub = ws.WsHub(ctx)
    routes: list[BaseRoute] = [
        *public_routes(),
        *live.routes(PREFIX),
        *history.routes(PREFIX),
        *portfolio.routes(PREFIX),
        *control.routes(),
        WebSocketRoute("/trade-api/ws/v2", ws.endpoint),
        Route("/{path:path}", not_found, methods=["GET", "POST", "PUT", "DELETE", "PATCH"]),
    ]
    app = Starlette(routes=routes, middleware=[Middleware(FaultMiddleware, injector=ctx.faults)])
    app.state.sim = ctx
    exchange.add_listener(ctx.hub.on_event)
    return app
