"""The test-control API under /_sim (loopback only, no auth) and its sync client (kalshi-api.md §8.10)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Mapping
from decimal import Decimal
from typing import Any

import httpx
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from courtside.domain.errors import ConfigError, DataError, ExchangeError
from courtside.domain.market import MarketStatus
from courtside.sim import catalog
from courtside.sim.context import SimContext, ctx_of, error_response
from courtside.sim.faults import FaultRule

Json = dict[str, Any]
LOOPBACK = frozenset({"127.0.0.1", "::1", "localhost"})


def _control(fn: Callable[[SimContext, Json, Request], Json]) -> Callable[[Request], Awaitable[Response]]:
    """Loopback check, JSON body, and errors as `{"error": {...}}` with a 400/404."""

    async def run(request: Request) -> Response:
        if request.client is None or request.client.host not in LOOPBACK:
            return JSONResponse({"error": {"code": "forbidden", "message": "loopback only"}}, status_code=403)
        raw = await request.body()
        try:
            body = json.loads(raw) if raw else {}
            return JSONResponse(fn(ctx_of(request), body, request))
        except ExchangeError as e:
            return error_response(e)
        except (DataError, ConfigError, KeyError, ValueError, TypeError) as e:
            detail = f"missing field {e}" if isinstance(e, KeyError) else str(e)
            return JSONResponse({"error": {"code": "invalid_parameters", "message": detail}}, status_code=400)

    return run


def _reset(ctx: SimContext, body: Json, request: Request) -> Json:
    ctx.exchange.reset()
    ctx.faults.clear()
    ctx.limiter.configure(ctx.exchange.config.read_tokens_per_s, ctx.exchange.config.write_tokens_per_s)
    return {"ok": True}


def _users(ctx: SimContext, body: Json, request: Request) -> Json:
    return catalog.register_user(ctx.exchange, body)


def _series(ctx: SimContext, body: Json, request: Request) -> Json:
    ctx.exchange.add_series(catalog.series_from_json(body))
    return {"ticker": body["ticker"]}


def _events(ctx: SimContext, body: Json, request: Request) -> Json:
    ex = ctx.exchange
    with ex.lock:
        ex.add_event(catalog.event_from_json(ex, body))
    return {"event_ticker": body["event_ticker"]}


def _markets(ctx: SimContext, body: Json, request: Request) -> Json:
    ex = ctx.exchange
    with ex.lock:
        market = catalog.market_from_json(ex, body)
        ex.add_market(market)
    return {"ticker": market.ticker, "status": market.status.value}


def _bulk(ctx: SimContext, body: Json, request: Request) -> Json:
    return catalog.apply_bundle(ctx.exchange, body)


def _status(ctx: SimContext, body: Json, request: Request) -> Json:
    market = ctx.exchange.set_status(request.path_params["ticker"], MarketStatus(body["status"]))
    return {"ticker": market.ticker, "status": market.status.value}


def _determine(ctx: SimContext, body: Json, request: Request) -> Json:
    value = body.get("settlement_value_dollars")
    market = ctx.exchange.determine(
        request.path_params["ticker"],
        body["result"],
        catalog.parse_decimal(value, "settlement_value") if value is not None else None,
    )
    return {"ticker": market.ticker, "status": market.status.value}


def _settle(ctx: SimContext, body: Json, request: Request) -> Json:
    records = ctx.exchange.settle(request.path_params["ticker"])
    return {"ticker": request.path_params["ticker"], "settlements": len(records)}


def _start(ctx: SimContext, body: Json, request: Request) -> Json:
    """The match begins now (live data `live`), early or late; `live_data: false` keeps its live data
    away from clients (404), so only the market's trades can tell."""
    from courtside.sim import live

    milestone = live.start_match(ctx.exchange, request.path_params["ticker"])
    if body.get("live_data") is not None:
        milestone.live_data = bool(body["live_data"])
    return {"event_ticker": milestone.event_ticker, "milestone_id": milestone.milestone_id, "status": "live"}


def _finish(ctx: SimContext, body: Json, request: Request) -> Json:
    from courtside.sim import live

    milestone = live.finish_match(ctx.exchange, request.path_params["ticker"])
    return {"event_ticker": milestone.event_ticker, "status": milestone.status}


def _print(ctx: SimContext, body: Json, request: Request) -> Json:
    """A trade between two other parties on this market (the in-play tape), outside the book."""
    from courtside.domain.orders import BookSide
    from courtside.sim import live

    trade = live.print_trade(
        ctx.exchange,
        request.path_params["ticker"],
        catalog.parse_decimal(body["price"], "price"),
        catalog.parse_decimal(body["count"], "count"),
        BookSide(body.get("taker_side", "bid")),
    )
    return {"trade_id": trade.trade_id}


def _clock(ctx: SimContext, body: Json, request: Request) -> Json:
    ex = ctx.exchange
    if body.get("now_ms") is not None:
        ex.set_now_ms(int(body["now_ms"]))
    elif body.get("advance_ms") is not None:
        ex.advance_ms(int(body["advance_ms"]))
    return {"now_ms": ex.now_ms()}


def _faults(ctx: SimContext, body: Json, request: Request) -> Json:
    if request.method == "DELETE":
        ctx.faults.clear()
        return {"ok": True}
    if body.get("stale_reads_ms") is not None:
        ctx.exchange.config.stale_reads_ms = int(body["stale_reads_ms"])
        return {"pending": len(ctx.faults.rules)}
    ws_action = body.get("ws")
    if ws_action == "drop_delta":
        ctx.faults.ws_drop_deltas += int(body.get("count", 1))
    elif ws_action == "delay":
        ctx.faults.ws_delay_ms, ctx.faults.ws_delay_count = int(body["delay_ms"]), int(body.get("count", 1))
    elif ws_action == "close":
        ctx.hub.close_all()
    elif ws_action is not None:
        raise ValueError(f"unknown ws fault {ws_action!r}: drop_delta, delay or close")
    else:
        ctx.faults.add(
            FaultRule(
                status=body.get("status"),
                count=int(body.get("count", 1)),
                path_regex=body.get("path_regex", ".*"),
                method=body.get("method"),
                delay_ms=int(body.get("delay_ms", 0)),
                drop_after_send=bool(body.get("drop_after_send", False)),
            )
        )
    return {"pending": len(ctx.faults.rules)}


def _config(ctx: SimContext, body: Json, request: Request) -> Json:
    cfg = ctx.exchange.config
    for name, value in body.items():
        if name == "trading_active":
            ctx.exchange.trading_active = bool(value)
        elif hasattr(cfg, name):
            setattr(cfg, name, type(getattr(cfg, name))(value))
        else:
            raise ValueError(f"unknown setting {name!r}")
    ctx.limiter.configure(cfg.read_tokens_per_s, cfg.write_tokens_per_s)
    return {"ok": True}


def _orders(ctx: SimContext, body: Json, request: Request) -> Json:
    """Place an order for any user without signing (liquidity for tests and the demo)."""
    from courtside.sim.portfolio import placement_json

    placement = ctx.exchange.place_order(body["user_id"], catalog.order_spec_from_json(body))
    return placement_json(placement)


def _results(ctx: SimContext, body: Json, request: Request) -> Json:
    """Finished matches listed as settled pairs (sim/history.py)."""
    from courtside.sim.history import past_match_from_json, seed_results

    return seed_results(ctx.exchange, [past_match_from_json(r) for r in body["results"]])


def _cutoff(ctx: SimContext, body: Json, request: Request) -> Json:
    from courtside.sim.history import set_cutoff

    return set_cutoff(ctx.exchange, body)


def _state(ctx: SimContext, body: Json, request: Request) -> Json:
    ex = ctx.exchange
    with ex.lock:
        statuses: dict[str, int] = {}
        for m in ex.markets.values():
            statuses[m.status.value] = statuses.get(m.status.value, 0) + 1
        users = [
            {
                "user_id": u.user_id,
                "cash": {str(k): str(v) for k, v in u.cash.items()},
                "reserved": {str(k): str(v) for k, v in u.reserved.items()},
                "resting_orders": len(ex.resting_orders(u.user_id)),
                "positions": sum(1 for p in u.positions.values() if not p.settled),
            }
            for u in ex.users.values()
        ]
        return {
            "now_ms": ex.now_ms(),
            "markets": statuses,
            "events": len(ex.events),
            "series": len(ex.series),
            "orders": len(ex.orders),
            "trades": len(ex.trades),
            "users": users,
            "keys": len(ex.keys),
            "pending_faults": len(ctx.faults.rules),
        }


def routes() -> list[BaseRoute]:
    table: list[tuple[str, Callable[[SimContext, Json, Request], Json], list[str]]] = [
        ("/_sim/reset", _reset, ["POST"]),
        ("/_sim/users", _users, ["POST"]),
        ("/_sim/series", _series, ["POST"]),
        ("/_sim/events", _events, ["POST"]),
        ("/_sim/markets", _markets, ["POST"]),
        ("/_sim/bulk", _bulk, ["POST"]),
        ("/_sim/markets/{ticker}/status", _status, ["POST"]),
        ("/_sim/markets/{ticker}/determine", _determine, ["POST"]),
        ("/_sim/markets/{ticker}/settle", _settle, ["POST"]),
        ("/_sim/markets/{ticker}/trades", _print, ["POST"]),
        ("/_sim/events/{ticker}/start", _start, ["POST"]),
        ("/_sim/events/{ticker}/finish", _finish, ["POST"]),
        ("/_sim/clock", _clock, ["POST"]),
        ("/_sim/faults", _faults, ["POST", "DELETE"]),
        ("/_sim/config", _config, ["POST"]),
        ("/_sim/orders", _orders, ["POST"]),
        ("/_sim/state", _state, ["GET"]),
        ("/_sim/results", _results, ["POST"]),
        ("/_sim/historical/cutoff", _cutoff, ["POST"]),
    ]
    return [Route(path, _control(fn), methods=methods) for path, fn, methods in table]


class SimControl:
    """A small synchronous client of /_sim, over loopback or an in-process transport."""

    def __init__(
        self, root_url: str, transport: httpx.BaseTransport | None = None, timeout: float = 30.0
    ) -> None:
        self._http = httpx.Client(base_url=root_url.rstrip("/"), transport=transport, timeout=timeout)

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> SimControl:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, method: str, path: str, body: Json | None = None) -> Json:
        response = self._http.request(method, path, json=body)
        if response.status_code >= 400:
            raise ExchangeError(f"sim control {path} failed: {response.text}", status=response.status_code)
        result: Json = response.json()
        return result

    def reset(self) -> Json:
        return self._call("POST", "/_sim/reset")

    def add_user(
        self,
        key_id: str | None,
        public_key_pem: str | None,
        balances: Mapping[int, Decimal | str],
        scopes: tuple[str, ...] = ("read", "write"),
        user_id: str | None = None,
    ) -> str:
        body: Json = {
            "key_id": key_id,
            "public_key_pem": public_key_pem,
            "scopes": list(scopes),
            "balances": {str(k): str(v) for k, v in balances.items()},
            "user_id": user_id,
        }
        return str(self._call("POST", "/_sim/users", body)["user_id"])

    def add_series(self, body: Json) -> Json:
        return self._call("POST", "/_sim/series", body)

    def add_event(self, body: Json) -> Json:
        return self._call("POST", "/_sim/events", body)

    def add_market(self, body: Json) -> Json:
        return self._call("POST", "/_sim/markets", body)

    def bulk(self, bundle: Json) -> Json:
        return self._call("POST", "/_sim/bulk", bundle)

    def set_status(self, ticker: str, status: str) -> Json:
        return self._call("POST", f"/_sim/markets/{ticker}/status", {"status": status})

    def determine(self, ticker: str, result: str, settlement_value: Decimal | str | None = None) -> Json:
        body: Json = {"result": result}
        if settlement_value is not None:
            body["settlement_value_dollars"] = str(settlement_value)
        return self._call("POST", f"/_sim/markets/{ticker}/determine", body)

    def settle(self, ticker: str) -> Json:
        return self._call("POST", f"/_sim/markets/{ticker}/settle")

    def start_match(self, event_ticker: str, *, live_data: bool = True) -> Json:
        """The match begins now: its live data says `live` (or, with live_data=False, is withheld)."""
        return self._call("POST", f"/_sim/events/{event_ticker}/start", {"live_data": live_data})

    def finish_match(self, event_ticker: str) -> Json:
        return self._call("POST", f"/_sim/events/{event_ticker}/finish")

    def print_trade(
        self, ticker: str, price: Decimal | str, count: Decimal | str | int, taker_side: str = "bid"
    ) -> Json:
        """An in-play print on `ticker` between two other parties (YES price, contracts)."""
        body = {"price": str(price), "count": str(count), "taker_side": taker_side}
        return self._call("POST", f"/_sim/markets/{ticker}/trades", body)

    def set_clock(self, now_ms: int) -> int:
        return int(self._call("POST", "/_sim/clock", {"now_ms": now_ms})["now_ms"])

    def advance(self, ms: int) -> int:
        return int(self._call("POST", "/_sim/clock", {"advance_ms": ms})["now_ms"])

    def fault(self, **rule: Any) -> Json:
        return self._call("POST", "/_sim/faults", rule)

    def clear_faults(self) -> Json:
        return self._call("DELETE", "/_sim/faults")

    def configure(self, **settings: Any) -> Json:
        return self._call("POST", "/_sim/config", settings)

    def order(self, user_id: str, **order: Any) -> Json:
        return self._call(
            "POST",
            "/_sim/orders",
            {"user_id": user_id, **{k: str(v) if isinstance(v, Decimal) else v for k, v in order.items()}},
        )

    def state(self) -> Json:
        return self._call("GET", "/_sim/state")

    def results(self, results: list[Json]) -> Json:
        """List finished matches as settled pairs: {winner, loser, tour, competition, round, start,
        settled?, walkover?, series?} each (sim/history.py)."""
        return self._call("POST", "/_sim/results", {"results": results})

    def set_historical_cutoff(self, when: str | None) -> Json:
        return self._call("POST", "/_sim/historical/cutoff", {"market_settled_ts": when})
