"""Settled markets in two tiers, as Kalshi serves them since 2026 (Kalshi's "historical data" page).

A market settled before the cutoff (`GET /historical/cutoff` → `market_settled_ts`, by default 90 days
before the simulator's now: the live tier keeps about three months) is served only by
`GET /historical/markets` and `GET /historical/markets/{ticker}`; `GET /markets` and nested event
markets leave it out. `POST /_sim/results` lists finished matches directly as settled pairs (yes/no, or
scalar for a walkover), so a test can give the venue a past that players in no database played in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from courtside.domain.errors import NotFoundError
from courtside.domain.market import MarketStatus
from courtside.domain.tennis import Tour
from courtside.sim import catalog, generator, serialize
from courtside.sim.context import ctx_of, guarded
from courtside.sim.exchange import SimExchange
from courtside.sim.query import QueryValidationError, csv, paginate, parse_limit
from courtside.sim.state import SimMarket

Json = dict[str, Any]
LIVE_WINDOW = timedelta(days=90)


def cutoff(ex: SimExchange) -> datetime:
    """Markets settled before this are only in the historical tier."""
    return ex.market_settled_cutoff or ex.now() - LIVE_WINDOW


def is_historical(ex: SimExchange, m: SimMarket) -> bool:
    return (
        m.status is MarketStatus.FINALIZED
        and m.settlement_time is not None
        and m.settlement_time < cutoff(ex)
    )


async def get_cutoff(request: Request) -> Response:
    ex = ctx_of(request).exchange
    with ex.lock:
        when = serialize.ts(cutoff(ex))
    return JSONResponse({"market_settled_ts": when, "trades_created_ts": when, "orders_updated_ts": when})


async def historical_markets(request: Request) -> Response:
    ex, q = ctx_of(request).exchange, request.query_params
    limit = parse_limit(q, "GetHistoricalMarkets", low=0, high=1000, default=100)
    tickers = csv(q, "tickers")
    if sum(1 for f in (tickers, q.get("event_ticker"), q.get("series_ticker")) if f) > 1:
        raise QueryValidationError(
            "Parameter validation failed for GetHistoricalMarkets: filters are exclusive"
        )
    with ex.lock:
        rows = [
            m
            for m in ex.markets.values()
            if is_historical(ex, m)
            and (tickers is None or m.ticker in tickers)
            and (not q.get("event_ticker") or m.event_ticker == q["event_ticker"])
            and (not q.get("series_ticker") or m.series_ticker == q["series_ticker"])
        ]
        page, cursor = paginate(rows, q, limit)
        return JSONResponse({"markets": [serialize.market_json(ex, m) for m in page], "cursor": cursor})


async def historical_market(request: Request) -> Response:
    ex = ctx_of(request).exchange
    with ex.lock:
        market = ex.markets.get(request.path_params["ticker"])
        if market is None or not is_historical(ex, market):
            raise NotFoundError("not found", status=404, code="not_found")
        return JSONResponse({"market": serialize.market_json(ex, market)})


def routes(prefix: str) -> list[BaseRoute]:
    table = (
        ("/historical/cutoff", get_cutoff),
        ("/historical/markets", historical_markets),
        ("/historical/markets/{ticker}", historical_market),
    )
    return [Route(prefix + path, guarded(fn), methods=["GET"]) for path, fn in table]


@dataclass(frozen=True, slots=True)
class PastMatch:
    """A finished match to list as a settled pair: the winner first; `walkover` settles both scalar."""

    winner: str
    loser: str
    tour: Tour
    competition: str
    round: str
    start: datetime
    settled: datetime
    walkover: bool = False
    series: str | None = None


def past_match_from_json(data: Json) -> PastMatch:
    start = catalog.parse_time(data["start"], "start")
    settled = catalog.parse_time(data.get("settled"), "settled") or (
        start + timedelta(hours=3) if start else None
    )
    if start is None or settled is None:
        raise ValueError("a result needs a start time")
    return PastMatch(
        str(data["winner"]), str(data["loser"]), Tour(data.get("tour", "atp")), str(data["competition"]),
        str(data.get("round", "Round Of 32")), start, settled, bool(data.get("walkover", False)),
        data.get("series"),
    )  # fmt: skip


def seed_results(ex: SimExchange, results: list[PastMatch]) -> Json:
    """List each past match as an event with two finalized markets settled at `settled`."""
    with ex.lock:
        for ticker in generator.MATCH_SERIES:
            if ticker not in ex.series:
                ex.add_series(catalog.series_from_json(generator.series_json(ticker)))
        listed = 0
        for past in results:
            spec = generator.MatchSpec(
                past.winner,
                past.loser,
                past.tour,
                past.competition,
                past.round,
                past.start,
                0.5,
                series=past.series,
            )
            event, markets = generator.match_listing(spec, min(ex.now(), past.start), "new")
            if event["event_ticker"] in ex.events:
                continue
            ex.add_event(catalog.event_from_json(ex, event))
            for body, result in zip(markets, ("yes", "no"), strict=True):
                _settled_market(ex, body, "scalar" if past.walkover else result, past.settled)
            listed += 1
    return {"listed": listed, "cutoff": serialize.ts(cutoff(ex))}


def _settled_market(ex: SimExchange, body: Json, result: str, settled: datetime) -> None:
    body = {**body, "status": "finalized", "close_time": serialize.ts(settled)}
    market = catalog.market_from_json(ex, body)
    value = Decimal("1") if result == "yes" else Decimal("0") if result == "no" else Decimal("0.5")
    market.result, market.settlement_value, market.expiration_value = result, value, ""
    market.determination_time = market.settlement_time = settled
    ex.markets[market.ticker] = market
    ex.books[market.ticker] = ex.books.get(market.ticker) or _book(market.ticker)
    ex.events[market.event_ticker].market_tickers.append(market.ticker)


def _book(ticker: str) -> Any:
    from courtside.sim.book import Book

    return Book(ticker)


def set_cutoff(ex: SimExchange, body: Json) -> Json:
    """Move the historical cutoff (None: back to now - 90 days)."""
    with ex.lock:
        ex.market_settled_cutoff = catalog.parse_time(body.get("market_settled_ts"), "market_settled_ts")
        return {"market_settled_ts": serialize.ts(cutoff(ex))}
