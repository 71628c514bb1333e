"""KalshiClient: the Kalshi Trade API v2 over httpx, one method per endpoint, domain types out.

Public market data needs no auth; portfolio calls need a KalshiAuth. Lists follow every page
until the cursor is "" or null; `iter_*` variants stream large listings. Endpoints and
parameters: kalshi-api.md §2. The client holds its HTTP core (http.py: signing, pacing, retries,
paging); order writes are sent once (again only on 429) and answered as Kalshi answers: making a
create idempotent by client_order_id is KalshiVenue's policy (venue.py), not the client's.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from decimal import Decimal
from typing import Any, Self, Unpack

import httpx

from courtside.domain.errors import NotFoundError, OutcomeUnknownError, ParseError
from courtside.domain.market import (
    Event,
    ExchangeStatus,
    HistoricalCutoff,
    MalformedBook,
    MalformedEvent,
    MalformedSeries,
    Market,
    OrderBook,
    Series,
    Trade,
)
from courtside.domain.money import fmt_count, fmt_dollars
from courtside.domain.orders import (
    Balance,
    BookSide,
    CancelResult,
    Fill,
    Order,
    OrderAck,
    OrderRequest,
    Position,
    Settlement,
)
from courtside.kalshi.env import Endpoints
from courtside.kalshi.filters import EventFilters, FillFilters, MarketFilters, OrderFilters, TradeFilters
from courtside.kalshi.http import HttpOptions, KalshiHttp, Params, page_items
from courtside.kalshi.parse import (
    parse_account_limits,
    parse_event,
    parse_exchange_status,
    parse_historical_cutoff,
    parse_listed_event,
    parse_listed_series,
    parse_market,
    parse_orderbook,
    parse_orderbooks,
    parse_series,
    parse_trade,
)
from courtside.kalshi.parse_live import (
    EventPage,
    LiveData,
    Milestone,
    parse_live_data_answer,
    parse_live_datas,
    parse_milestone,
    parse_milestones,
)
from courtside.kalshi.parse_portfolio import (
    parse_amend,
    parse_balance,
    parse_cancel,
    parse_decrease,
    parse_fill,
    parse_order,
    parse_order_ack,
    parse_position,
    parse_settlement,
    parse_transfer,
)
from courtside.kalshi.ratelimit import AccountLimits, RateLimiter
from courtside.kalshi.results import (
    AmendResult,
    BatchCancelItem,
    BatchCreateItem,
    DecreaseResult,
    TransferResult,
)
from courtside.kalshi.writes import ORDERS, batch_cancelled, batch_created, has_error, order_body, orders_of

MAX_MARKETS_PAGE = 1000
MAX_EVENTS_PAGE = 200
MAX_PORTFOLIO_PAGE = 1000
ORDERBOOK_BATCH = 100
LIVE_DATA_BATCH = 100  # milestone ids per GET /live_data/batch


def _csv(values: Sequence[str] | None) -> str | None:
    return ",".join(values) if values else None


class KalshiClient:
    """Async Kalshi client. `KalshiClient("demo", auth=creds.auth())`; `transport=` for tests and
    the in-process simulator (httpx.ASGITransport)."""

    def __init__(self, env: str | Endpoints = "prod", **options: Unpack[HttpOptions]) -> None:
        self.http = KalshiHttp(env, **options)

    @property
    def endpoints(self) -> Endpoints:
        return self.http.endpoints

    @property
    def auth(self) -> httpx.Auth | None:
        return self.http.auth

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.http.aclose()

    def __repr__(self) -> str:
        return f"KalshiClient({self.endpoints.rest_base}, auth={'yes' if self.auth else 'no'})"

    # ---- exchange, series, events -------------------------------------------------------
    async def get_exchange_status(self) -> ExchangeStatus:
        return parse_exchange_status(await self.http.get("exchange/status"))

    async def get_series_list(
        self, category: str | None = None, tags: Sequence[str] | None = None
    ) -> list[Series]:
        """GET /series?category=Sports&tags=Tennis; malformed series are logged and skipped."""
        return [
            s
            async for s in self.http.each(
                "series", {"category": category, "tags": _csv(tags)}, "series", parse_series
            )
        ]

    async def get_series_listing(
        self, category: str | None = None, tags: Sequence[str] | None = None
    ) -> list[Series | MalformedSeries]:
        """GET /series, every page, each series parsed on its own: a malformed one is kept as
        MalformedSeries with its reason (the trader reports its matches) instead of being dropped."""
        params: Params = {"category": category, "tags": _csv(tags)}
        out: list[Series | MalformedSeries] = []
        async for items in self.http.pages("series", params, "series"):
            out.extend(s for s in map(parse_listed_series, items) if s is not None)
        return out

    async def get_series(self, series_ticker: str) -> Series:
        data = await self.http.get(f"series/{series_ticker}")
        return parse_series(data.get("series") if isinstance(data, dict) else None)

    def iter_events(
        self,
        *,
        series_ticker: str | None = None,
        status: str | None = None,
        with_nested_markets: bool = False,
        tickers: Sequence[str] | None = None,
        min_close_ts: int | None = None,
        limit: int = MAX_EVENTS_PAGE,
    ) -> AsyncIterator[Event]:
        params: Params = {
            "series_ticker": series_ticker,
            "status": status,
            "with_nested_markets": with_nested_markets or None,
            "tickers": _csv(tickers),
            "min_close_ts": min_close_ts,
            "limit": min(limit, MAX_EVENTS_PAGE),
        }
        return self.http.each("events", params, "events", parse_event)

    async def iter_event_listing(
        self, *, series_ticker: str, status: str = "open", with_nested_markets: bool = True
    ) -> AsyncIterator[Event | MalformedEvent]:
        """GET /events, every page, each event parsed on its own: a malformed one is yielded as
        MalformedEvent with its reason (the trader reports it) instead of being dropped."""
        pages = self.iter_event_pages(
            series_ticker=series_ticker, status=status, with_nested_markets=with_nested_markets
        )
        async for page in pages:
            for event in page.events:
                yield event

    async def iter_event_pages(
        self,
        *,
        series_ticker: str,
        status: str = "open",
        with_nested_markets: bool = True,
        with_milestones: bool = False,
    ) -> AsyncIterator[EventPage]:
        """GET /events page by page: its events (each parsed on its own, as iter_event_listing) and,
        with_milestones, the milestones Kalshi lists beside them (no request more for the real start)."""
        params: Params = {
            "series_ticker": series_ticker,
            "status": status,
            "with_nested_markets": with_nested_markets or None,
            "with_milestones": with_milestones or None,
            "limit": MAX_EVENTS_PAGE,
        }
        async for body in self.http.bodies("events", params):
            events = [parse_listed_event(raw) for raw in page_items(body, "events", "GET /events")]
            listed = None
            if with_milestones and body.get("milestones") is not None:
                raw = page_items(body, "milestones", "GET /events")
                listed = parse_milestones(raw, f"GET /events?series_ticker={series_ticker}")
            yield EventPage(events, listed)

    async def get_events(self, **filters: Unpack[EventFilters]) -> list[Event]:
        """GET /events, every page (filters as in iter_events)."""
        return [e async for e in self.iter_events(**filters)]

    async def get_event(self, event_ticker: str, *, with_nested_markets: bool = True) -> Event:
        data = await self.http.get(f"events/{event_ticker}", {"with_nested_markets": with_nested_markets})
        if not isinstance(data, dict):
            raise ParseError(f"event {event_ticker}", "response is not an object")
        top = data.get("markets")
        return parse_event(data.get("event"), top if isinstance(top, list) else None)

    # ---- markets, books, trades ---------------------------------------------------------
    def iter_markets(
        self,
        *,
        event_ticker: str | None = None,
        series_ticker: str | None = None,
        tickers: Sequence[str] | None = None,
        status: str | None = None,
        min_close_ts: int | None = None,
        max_close_ts: int | None = None,
        min_created_ts: int | None = None,
        max_created_ts: int | None = None,
        min_settled_ts: int | None = None,
        max_settled_ts: int | None = None,
        mve_filter: str | None = None,
        limit: int = MAX_MARKETS_PAGE,
    ) -> AsyncIterator[Market]:
        """Every market matching the filters; a malformed market is logged and skipped."""
        params: Params = {
            "event_ticker": event_ticker,
            "series_ticker": series_ticker,
            "tickers": _csv(tickers),
            "status": status,
            "min_close_ts": min_close_ts,
            "max_close_ts": max_close_ts,
            "min_created_ts": min_created_ts,
            "max_created_ts": max_created_ts,
            "min_settled_ts": min_settled_ts,
            "max_settled_ts": max_settled_ts,
            "mve_filter": mve_filter,
            "limit": min(limit, MAX_MARKETS_PAGE),
        }
        return self.http.each("markets", params, "markets", parse_market)

    async def get_markets(self, **filters: Unpack[MarketFilters]) -> list[Market]:
        """GET /markets, every page (filters as in iter_markets)."""
        return [m async for m in self.iter_markets(**filters)]

    async def get_historical_cutoff(self) -> HistoricalCutoff:
        """GET /historical/cutoff: markets settled before `market_settled` are only in the historical tier."""
        return parse_historical_cutoff(await self.http.get("historical/cutoff"))

    def iter_historical_markets(
        self,
        *,
        series_ticker: str | None = None,
        event_ticker: str | None = None,
        tickers: Sequence[str] | None = None,
        limit: int = MAX_MARKETS_PAGE,
    ) -> AsyncIterator[Market]:
        """GET /historical/markets: settled markets older than the cutoff (filters are exclusive)."""
        params: Params = {
            "series_ticker": series_ticker,
            "event_ticker": event_ticker,
            "tickers": _csv(tickers),
            "limit": min(limit, MAX_MARKETS_PAGE),
        }
        return self.http.each("historical/markets", params, "markets", parse_market)

    async def get_market(self, ticker: str) -> Market:
        data = await self.http.get(f"markets/{ticker}")
        return parse_market(data.get("market") if isinstance(data, dict) else None)

    async def get_orderbook(self, ticker: str, depth: int | None = None) -> OrderBook:
        """Bids on both legs, best first; implied asks come from OrderBook."""
        return parse_orderbook(ticker, await self.http.get(f"markets/{ticker}/orderbook", {"depth": depth}))

    async def get_orderbooks(self, tickers: Sequence[str]) -> dict[str, OrderBook | MalformedBook]:
        """GET /markets/orderbooks?tickers=..., in batches of 100 tickers; each book parsed on its own
        (a broken one is a MalformedBook with its reason)."""
        books: dict[str, OrderBook | MalformedBook] = {}
        for i in range(0, len(tickers), ORDERBOOK_BATCH):
            chunk = tickers[i : i + ORDERBOOK_BATCH]
            books.update(
                parse_orderbooks(await self.http.get("markets/orderbooks", {"tickers": _csv(chunk)}))
            )
        return books

    def iter_trades(
        self,
        *,
        ticker: str | None = None,
        min_ts: int | None = None,
        max_ts: int | None = None,
        limit: int = 1000,
    ) -> AsyncIterator[Trade]:
        params: Params = {"ticker": ticker, "min_ts": min_ts, "max_ts": max_ts, "limit": min(limit, 1000)}
        return self.http.each("markets/trades", params, "trades", parse_trade)

    async def get_trades(self, **filters: Unpack[TradeFilters]) -> list[Trade]:
        return [t async for t in self.iter_trades(**filters)]

    # ---- milestones and live data: the real start of a match (kalshi-api.md §5.3) -------------
    async def get_milestones(
        self,
        *,
        related_event_ticker: str | None = None,
        category: str | None = None,
        milestone_type: str | None = None,
        minimum_start_date: str | None = None,
        limit: int = 100,
    ) -> list[Milestone]:
        """GET /milestones (`type` = milestone_type), every page; a malformed one is logged and skipped."""
        params: Params = {
            "related_event_ticker": related_event_ticker,
            "category": category,
            "type": milestone_type,
            "minimum_start_date": minimum_start_date,
            "limit": limit,
        }
        return [m async for m in self.http.each("milestones", params, "milestones", parse_milestone)]

    async def get_live_data(self, milestone_id: str) -> LiveData:
        """GET /live_data/milestone/{id}: the match's live status (none | live | finished)."""
        return parse_live_data_answer(
            await self.http.get(f"live_data/milestone/{milestone_id}"), milestone_id
        )

    async def get_live_datas(self, milestone_ids: Sequence[str]) -> dict[str, LiveData]:
        """GET /live_data/batch?milestone_ids=..., 100 ids a request; by milestone id."""
        out: dict[str, LiveData] = {}
        for i in range(0, len(milestone_ids), LIVE_DATA_BATCH):
            chunk = list(milestone_ids[i : i + LIVE_DATA_BATCH])
            out.update(parse_live_datas(await self.http.get("live_data/batch", {"milestone_ids": chunk})))
        return out

    # ---- portfolio reads (auth) ---------------------------------------------------------
    async def get_balance(
        self, *, exchange_index: int | None = None, subaccount: int | None = None
    ) -> Balance:
        """Without exchange_index, the sum of all shards; with it, that shard's (kalshi-api.md §2.8).
        For the cash an order on a shard can use, see kalshi.shards.shard_funds."""
        params = {"exchange_index": exchange_index, "subaccount": subaccount}
        return parse_balance(await self.http.get("portfolio/balance", params), exchange_index)

    async def get_positions(
        self,
        *,
        ticker: str | None = None,
        event_ticker: str | None = None,
        count_filter: str | None = None,
        settlement_status: str | None = None,
        exchange_index: int | None = None,
        subaccount: int | None = None,
    ) -> list[Position]:
        """Market positions, every page (unsettled by default on Kalshi's side)."""
        params: Params = {
            "ticker": ticker,
            "event_ticker": event_ticker,
            "count_filter": count_filter,
            "settlement_status": settlement_status,
            "exchange_index": exchange_index,
            "subaccount": subaccount,
            "limit": MAX_PORTFOLIO_PAGE,
        }
        return [
            p async for p in self.http.each("portfolio/positions", params, "market_positions", parse_position)
        ]

    def iter_orders(
        self,
        *,
        ticker: str | None = None,
        event_ticker: str | None = None,
        status: str | None = None,
        min_ts: int | None = None,
        max_ts: int | None = None,
        subaccount: int | None = None,
        limit: int = MAX_PORTFOLIO_PAGE,
        strict: bool = False,
    ) -> AsyncIterator[Order]:
        """Our orders, newest first; `strict`: an order that cannot be parsed is a ParseError, not skipped."""
        params: Params = {
            "ticker": ticker,
            "event_ticker": event_ticker,
            "status": status,
            "min_ts": min_ts,
            "max_ts": max_ts,
            "subaccount": subaccount,
            "limit": min(limit, MAX_PORTFOLIO_PAGE),
        }
        return self.http.each("portfolio/orders", params, "orders", parse_order, strict=strict)

    async def get_orders(self, **filters: Unpack[OrderFilters]) -> list[Order]:
        return [o async for o in self.iter_orders(**filters)]

    async def get_order(self, order_id: str) -> Order:
        data = await self.http.get(f"portfolio/orders/{order_id}")
        return parse_order(data.get("order") if isinstance(data, dict) else None)

    def iter_fills(
        self,
        *,
        ticker: str | None = None,
        order_id: str | None = None,
        min_ts: int | None = None,
        max_ts: int | None = None,
        limit: int = MAX_PORTFOLIO_PAGE,
    ) -> AsyncIterator[Fill]:
        params: Params = {
            "ticker": ticker,
            "order_id": order_id,
            "min_ts": min_ts,
            "max_ts": max_ts,
            "limit": limit,
        }
        return self.http.each("portfolio/fills", params, "fills", parse_fill)

    async def get_fills(self, **filters: Unpack[FillFilters]) -> list[Fill]:
        return [f async for f in self.iter_fills(**filters)]

    async def get_settlements(
        self,
        *,
        ticker: str | None = None,
        event_ticker: str | None = None,
        min_ts: int | None = None,
        max_ts: int | None = None,
    ) -> list[Settlement]:
        params: Params = {
            "ticker": ticker,
            "event_ticker": event_ticker,
            "min_ts": min_ts,
            "max_ts": max_ts,
            "limit": MAX_PORTFOLIO_PAGE,
        }
        return [
            s async for s in self.http.each("portfolio/settlements", params, "settlements", parse_settlement)
        ]

    async def get_account_limits(self) -> AccountLimits:
        return parse_account_limits(await self.http.get("account/limits"))

    async def use_account_limits(self) -> AccountLimits:
        """Read GET /account/limits now and pace every later request with buckets of that size
        (a signed client does this by itself before its first signed request)."""
        self.http._size_from_account = False
        limits = await self.get_account_limits()
        self.http.limiter = RateLimiter(limits, now=self.http.timing.now, sleep=self.http.timing.sleep)
        return limits

    async def intra_exchange_transfer(
        self, amount: Decimal, *, source_shard: int = 0, destination_shard: int = 3
    ) -> TransferResult:
        """Move cash between shards (tennis lives on shard 3); `amount` in dollars, sent as centicents.
        Re-sent only on 429 (not executed); a lost answer is raised, never repeated blindly."""
        centicents = int((amount * 10000).to_integral_value())
        if centicents <= 0:
            raise ValueError(f"transfer amount must be positive, got {amount}")
        body = {
            "source": "event_contract",
            "destination": "event_contract",
            "amount": centicents,
            "source_exchange_shard": source_shard,
            "destination_exchange_shard": destination_shard,
        }
        return parse_transfer(
            await self.http.write("POST", "portfolio/intra_exchange_instance_transfer", body=body)
        )

    # ---- order writes (V2) ------------------------------------------------------------------
    async def create_order(self, req: OrderRequest) -> OrderAck:
        """POST /portfolio/events/orders, sent again unchanged (same client_order_id, one generated
        when the request has none) only while Kalshi answers 429. A lost answer, a 409 or a 5xx is
        raised as such: resolving it by client_order_id is the venue's policy (venue.py)."""
        coid = req.client_order_id or str(uuid.uuid4())
        return parse_order_ack(await self.http.write("POST", ORDERS, body=order_body(req, coid)))

    async def cancel_order(self, order_id: str, *, market_ticker: str | None = None) -> CancelResult:
        """DELETE /portfolio/events/orders/{id}. A 404 (already canceled, executed or unknown) is
        CancelResult(gone=True), not an error; a cancel whose answer was lost is sent once more
        (repeating a cancel is harmless: the second answers 404 if the first was done)."""
        params = {"market_ticker": market_ticker} if market_ticker else None
        path = f"{ORDERS}/{order_id}"
        try:
            try:
                return parse_cancel(await self.http.write("DELETE", path, params=params))
            except OutcomeUnknownError:
                return parse_cancel(await self.http.write("DELETE", path, params=params))
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
        return parse_amend(await self.http.write("POST", f"{ORDERS}/{order_id}/amend", body=body))

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
        return parse_decrease(await self.http.write("POST", f"{ORDERS}/{order_id}/decrease", body=body))

    async def batch_create_orders(self, reqs: Sequence[OrderRequest]) -> list[BatchCreateItem]:
        """POST .../batched; each order gets an ack or its own error (the batch is re-sent only on 429)."""
        bodies = [order_body(r, r.client_order_id or str(uuid.uuid4())) for r in reqs]
        data = await self.http.write("POST", f"{ORDERS}/batched", body={"orders": bodies}, orders=len(bodies))
        return batch_created(data)

    async def batch_cancel_orders(self, order_ids: Sequence[str]) -> list[BatchCancelItem]:
        """DELETE .../batched; a 404-type item error becomes CancelResult(gone=True)."""
        body = {"orders": [{"order_id": oid} for oid in order_ids]}
        data = await self.http.write("DELETE", f"{ORDERS}/batched", body=body, orders=len(order_ids))
        return batch_cancelled(data)

    async def cancel_all_orders(self, *, subaccount: int | None = None) -> list[CancelResult]:
        """DELETE /portfolio/events/orders: cancels every resting order."""
        data = await self.http.write("DELETE", ORDERS, params={"subaccount": subaccount})
        return [parse_cancel(raw) for raw in orders_of(data) if not has_error(raw)]
