"""Milestones and live data (kalshi-api.md §2.15, §5.3), the real start of a match, and in-play prints.

Every event listed gets a milestone (unless the exchange or the event says not) whose live data says
`none` until `start_match` makes it `live` (early or on time: the scheduled `occurrence_datetime` is
only its start date) and `finish_match` `finished`. `print_trade` is a trade between two other
parties that crossed each other outside the book (the tape of an in-play market): it moves the
market's last price and volume and goes out on the `trade` and `ticker` channels, touching no order.

Public routes: GET /milestones, /milestones/{id}, /live_data/milestone/{id} (and the older
/live_data/{type}/milestone/{id}), /live_data/batch?milestone_ids=...; shapes as Kalshi's
(docs:api-reference/milestone, api-reference/live-data): tolerant clients ignore the extra fields.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from courtside.domain.errors import NotFoundError, OrderRejectedError
from courtside.domain.money import ONE, ZERO
from courtside.domain.orders import BookSide
from courtside.sim.context import ctx_of, guarded
from courtside.sim.events import TickerEvent, TradeEvent
from courtside.sim.exchange import SimExchange
from courtside.sim.query import QueryValidationError, paginate, parse_limit
from courtside.sim.serialize import ts
from courtside.sim.state import SimMilestone, SimTrade

Json = dict[str, Any]
TYPE = "tennis_match"
BATCH_MAX = 100


# ---- operations ---------------------------------------------------------------------------------


def milestone_of(ex: SimExchange, event_ticker: str) -> SimMilestone:
    milestone = ex.milestones.get(ex.milestone_of.get(event_ticker, ""))
    if milestone is None:
        raise NotFoundError(f"no milestone for {event_ticker}", status=404, code="not_found")
    return milestone


def start_match(ex: SimExchange, event_ticker: str) -> SimMilestone:
    """The first ball: live data says `live` from now on, whatever the scheduled time."""
    with ex.lock:
        milestone = milestone_of(ex, event_ticker)
        milestone.status, milestone.started_at = "live", ex.now()
        milestone.last_updated = ex.now()
        return milestone


def finish_match(ex: SimExchange, event_ticker: str) -> SimMilestone:
    with ex.lock:
        milestone = milestone_of(ex, event_ticker)
        milestone.status, milestone.finished_at = "finished", ex.now()
        milestone.last_updated = ex.now()
        return milestone


def print_trade(
    ex: SimExchange, ticker: str, yes_price: Decimal, count: Decimal, taker: BookSide
) -> SimTrade:
    """A print between two other parties, outside the book (see the module docstring)."""
    with ex.lock:
        market = ex.market(ticker)
        if not ZERO < yes_price < ONE or count <= 0:
            raise OrderRejectedError(
                "a print needs 0 < price < 1 and count > 0", status=400, code="invalid_parameters"
            )
        trade = SimTrade(ex.new_id(), ticker, count, yes_price, taker, ex.now(), ex.next_seq())
        ex.trades.append(trade)
        market.last_price = yes_price
        market.volume += count
        market.trades_ts_counts.append((ex.now_ms(), count))
        ex.emit(TradeEvent(trade))
        ex.emit(TickerEvent(ticker))
        return trade


# ---- wire shapes --------------------------------------------------------------------------------


def milestone_json(m: SimMilestone) -> Json:
    return {
        "id": m.milestone_id,
        "category": "Sports",
        "type": TYPE,
        "start_date": ts(m.start_date) if m.start_date else None,
        "end_date": ts(m.finished_at) if m.finished_at else None,
        "related_event_tickers": [m.event_ticker],
        "primary_event_tickers": [m.event_ticker],
        "title": m.title,
        "notification_message": "",
        "source_id": None,
        "details": {},
        "last_updated_ts": ts(m.last_updated),
    }


def live_data_json(m: SimMilestone) -> Json:
    text = {"none": "Scheduled", "live": "Live", "finished": "Final"}[m.status]
    return {
        "type": TYPE,
        "milestone_id": m.milestone_id,
        "details": {
            "status": m.status,
            "scheduled": ts(m.start_date) if m.start_date else None,
            "widgetLiveText": text,
            "tileLiveText": text,
        },
    }


def milestones_of(ex: SimExchange, event_tickers: list[str]) -> list[Json]:
    """The milestones of these events, for GET /events?with_milestones=true."""
    ids = [ex.milestone_of[e] for e in event_tickers if e in ex.milestone_of]
    return [milestone_json(ex.milestones[i]) for i in ids]


# ---- routes -------------------------------------------------------------------------------------


async def milestones(request: Request) -> Response:
    ex, q = ctx_of(request).exchange, request.query_params
    limit = parse_limit(q, "GetMilestones", low=1, high=500, default=100)
    related = q.get("related_event_ticker")
    with ex.lock:
        rows = [
            m
            for m in ex.milestones.values()
            if (not related or m.event_ticker == related)
            and (not q.get("type") or q["type"] == TYPE)
            and (not q.get("category") or q["category"] == "Sports")
        ]
        page, cursor = paginate(rows, q, limit)
        return JSONResponse({"milestones": [milestone_json(m) for m in page], "cursor": cursor})


def _milestone(request: Request) -> SimMilestone:
    ex = ctx_of(request).exchange
    found = ex.milestones.get(request.path_params["milestone_id"])
    if found is None:
        raise NotFoundError("not found", status=404, code="not_found")
    return found


async def milestone_one(request: Request) -> Response:
    with ctx_of(request).exchange.lock:
        return JSONResponse({"milestone": milestone_json(_milestone(request))})


async def live_data(request: Request) -> Response:
    with ctx_of(request).exchange.lock:
        found = _milestone(request)
        if not found.live_data:
            raise NotFoundError("not found", status=404, code="not_found")
        return JSONResponse({"live_data": live_data_json(found)})


async def live_data_batch(request: Request) -> Response:
    ex = ctx_of(request).exchange
    ids = [i for raw in request.query_params.getlist("milestone_ids") for i in raw.split(",") if i]
    if not ids or len(ids) > BATCH_MAX:
        raise QueryValidationError(
            f"Parameter validation failed for GetLiveDatas: 1 to {BATCH_MAX} milestone_ids"
        )
    with ex.lock:
        found = [ex.milestones[i] for i in ids if i in ex.milestones and ex.milestones[i].live_data]
        return JSONResponse({"live_datas": [live_data_json(m) for m in found]})


def routes(prefix: str) -> list[BaseRoute]:
    table = [
        ("/milestones", milestones),
        ("/milestones/{milestone_id}", milestone_one),
        ("/live_data/batch", live_data_batch),
        ("/live_data/milestone/{milestone_id}", live_data),
        ("/live_data/{type}/milestone/{milestone_id}", live_data),
    ]
    return [Route(prefix + path, guarded(fn), methods=["GET"]) for path, fn in table]
