"""KalshiVenue: the Venue port over a raw KalshiClient (Kalshi, its demo, or the simulator).

The client speaks Kalshi (endpoint-named methods, Kalshi's parameters); this adapter speaks the
trader's port, and holds the one policy that makes an order create idempotent: a send whose answer
was lost, or that Kalshi refuses as a duplicate, or that got a 5xx, is resolved by looking the order
up by its client_order_id, which Kalshi keeps unique per account forever (kalshi-api.md §0.8, §2.10);
only when nothing is found is the same client_order_id sent once more.
"""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator, Callable, Sequence
from datetime import datetime
from decimal import Decimal

from courtside.domain.errors import (
    DataError,
    DuplicateOrderError,
    ExchangeError,
    ExchangeUnavailableError,
    NotFoundError,
    OutcomeUnknownError,
    ParseError,
)
from courtside.domain.live import MatchState, MatchStatus
from courtside.domain.market import (
    Event,
    ExchangeStatus,
    MalformedBook,
    MalformedEvent,
    MalformedSeries,
    Market,
    OrderBook,
    Series,
    Trade,
)
from courtside.domain.orders import (
    TENNIS_SHARD,
    CancelResult,
    Fill,
    Order,
    OrderAck,
    OrderRequest,
    OrderStatus,
    Position,
    Settlement,
    ShardFunds,
)
from courtside.kalshi.parse_live import LiveData, Milestone, milestone_for, status_of
from courtside.kalshi.parse_portfolio import ack_from_order
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.shards import shard_funds

log = logging.getLogger("courtside.kalshi")
LOOKUP_PAGE = 200
LOOKUP_ORDERS = 1000  # how far back (newest first) an order is looked for by client_order_id
MILESTONE_RECHECK_S = 600.0  # an event Kalshi listed no milestone for is asked about again after this


def _same_order(order: Order, req: OrderRequest) -> bool:
    return order.ticker == req.ticker and order.side is req.side and order.initial_count == req.count


class KalshiVenue:
    """The trader's exchange when it is Kalshi (or anything that speaks its API)."""

    def __init__(self, client: KalshiClient, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.client = client
        self._monotonic = monotonic
        self._milestones: dict[str, tuple[Milestone | None, float]] = {}  # event -> (milestone, asked)
        self._batch = True  # GET /live_data/batch usable (its entries say which milestone they are for)

    @property
    def exchange(self) -> str:
        return self.client.endpoints.exchange_id

    async def aclose(self) -> None:
        await self.client.aclose()

    # ---- market data -------------------------------------------------------------------------
    async def status(self) -> ExchangeStatus:
        return await self.client.get_exchange_status()

    async def tennis_series(self) -> list[Series | MalformedSeries]:
        return await self.client.get_series_listing(category="Sports", tags=["Tennis"])

    async def series(self, series_ticker: str) -> Series:
        return await self.client.get_series(series_ticker)

    async def open_events(self, series_ticker: str) -> AsyncIterator[Event | MalformedEvent]:
        """GET /events with the milestones beside them, kept for match_status (no request more)."""
        pages = self.client.iter_event_pages(series_ticker=series_ticker, status="open", with_milestones=True)
        async for page in pages:
            now = self._monotonic()
            for event in page.events:
                if isinstance(event, Event) and page.milestones is not None:
                    found = milestone_for(event.event_ticker, page.milestones)
                    self._milestones[event.event_ticker] = (found, now)
                yield event

    async def orderbooks(self, tickers: Sequence[str]) -> dict[str, OrderBook | MalformedBook]:
        return await self.client.get_orderbooks(tickers)

    async def market(self, ticker: str) -> Market:
        return await self.client.get_market(ticker)

    async def trades(self, ticker: str, *, since: datetime) -> list[Trade]:
        return await self.client.get_trades(ticker=ticker, min_ts=int(since.timestamp()))

    async def match_status(self, event_tickers: Sequence[str]) -> dict[str, MatchStatus]:
        """Each event's milestone (looked up once; again after a while when Kalshi lists none), then
        the live data of all of them in one batch request. A failure is UNKNOWN, never raised."""
        out: dict[str, MatchStatus] = {}
        found: dict[str, Milestone] = {}
        for event in dict.fromkeys(event_tickers):
            try:
                milestone = await self._milestone(event)
            except (ExchangeError, ParseError) as e:
                out[event] = MatchStatus(event, MatchState.UNKNOWN, f"milestones unavailable: {e}")
                continue
            if milestone is None:
                out[event] = MatchStatus(event, MatchState.UNKNOWN, "no milestone listed")
            else:
                found[event] = milestone
        try:
            lives = await self._live_data(sorted({m.milestone_id for m in found.values()}))
        except (ExchangeError, ParseError) as e:
            log.warning("live data unavailable: %s", e)
            out.update(
                {ev: MatchStatus(ev, MatchState.UNKNOWN, f"live data unavailable: {e}") for ev in found}
            )
            return out
        for event, milestone in found.items():
            out[event] = status_of(event, milestone, lives.get(milestone.milestone_id))
        return out

    async def _milestone(self, event_ticker: str) -> Milestone | None:
        cached = self._milestones.get(event_ticker)
        now = self._monotonic()
        if cached is not None and (cached[0] is not None or now - cached[1] < MILESTONE_RECHECK_S):
            return cached[0]
        listed = await self.client.get_milestones(related_event_ticker=event_ticker)
        milestone = milestone_for(event_ticker, listed)
        self._milestones[event_ticker] = (milestone, now)
        return milestone

    async def _live_data(self, milestone_ids: list[str]) -> dict[str, LiveData]:
        """One batch request; one by one if the batch answer cannot be used (or for a single id)."""
        if self._batch and len(milestone_ids) > 1:
            try:
                return await self.client.get_live_datas(milestone_ids)
            except (ParseError, NotFoundError) as e:
                log.warning("GET /live_data/batch unusable (%s): asking per milestone from now on", e)
                self._batch = False
        out: dict[str, LiveData] = {}
        for mid in milestone_ids:
            try:
                out[mid] = await self.client.get_live_data(mid)
            except NotFoundError:
                continue  # no live data for it (yet): its status stays unknown
        return out

    # ---- the account -------------------------------------------------------------------------
    async def funds(self, shard: int = TENNIS_SHARD) -> ShardFunds:
        return await shard_funds(self.client, shard)

    async def orders(self, *, status: OrderStatus | None = None, ticker: str | None = None) -> list[Order]:
        return await self.client.get_orders(status=status.value if status else None, ticker=ticker)

    async def fills(self, *, since: datetime | None = None) -> list[Fill]:
        return await self.client.get_fills(min_ts=int(since.timestamp()) if since else None)

    async def positions(self) -> list[Position]:
        return await self.client.get_positions()

    async def settlements(self) -> list[Settlement]:
        return await self.client.get_settlements()

    async def sync(self) -> int:
        return 0  # the exchange keeps its own state

    async def find_order(self, client_order_id: str, *, ticker: str | None = None) -> Order | None:
        """GET /portfolio/orders (newest first) until the order carrying this client_order_id. An order
        of ours the exchange sends malformed is a ParseError, never passed over: it may be this one,
        and an order wrongly taken for gone would be placed a second time."""
        seen = 0
        async for order in self.client.iter_orders(ticker=ticker, limit=LOOKUP_PAGE, strict=True):
            if order.client_order_id == client_order_id:
                return order
            seen += 1
            if seen >= LOOKUP_ORDERS:
                break
        return None

    # ---- writes ------------------------------------------------------------------------------
    async def place(self, req: OrderRequest, *, again: bool = False) -> OrderAck:
        """Create, or resolve to the order that landed under the same client_order_id."""
        if again:
            found = await self._lookup(req)
            if found is not None:
                log.info("%s was sent before and landed as %s", req.client_order_id, found.order_id)
                return ack_from_order(found)
        try:
            return await self.client.create_order(req)
        except OutcomeUnknownError as e:
            return await self._resolve_lost(req, e)
        except DuplicateOrderError as e:
            found = await self._lookup(req)
            if found is not None and _same_order(found, req):
                log.info(
                    "409 on create %s: our earlier attempt landed as %s", req.client_order_id, found.order_id
                )
                return ack_from_order(found)
            raise e
        except ExchangeUnavailableError as e:
            found = await self._lookup(req)
            if found is None:
                raise
            log.warning(
                "create %s answered %s but the order exists: %s",
                req.client_order_id,
                e.status,
                found.order_id,
            )
            return ack_from_order(found)

    async def _lookup(self, req: OrderRequest) -> Order | None:
        try:
            return await self.find_order(req.client_order_id or "", ticker=req.ticker)
        except (ExchangeError, DataError) as e:
            log.warning("lookup of client_order_id %s failed: %s", req.client_order_id, e)
            return None

    async def _resolve_lost(self, req: OrderRequest, err: OutcomeUnknownError) -> OrderAck:
        """A create sent with no answer: found by its id, or sent once more under the same id."""
        coid = req.client_order_id or ""
        found = await self._lookup(req)
        if found is not None:
            log.info("create %s lost its answer; found %s", coid, found.order_id)
            return ack_from_order(found)
        try:  # nothing visible: resend with the same id, which Kalshi deduplicates
            return await self.client.create_order(req)
        except DuplicateOrderError:
            found = await self._lookup(req)
        except ExchangeError as e:  # a refused resend says nothing about the first send: it may have landed
            log.warning("re-send of %s failed (%s); its first send may have landed", coid, e)
            found = None
        if found is not None:
            return ack_from_order(found)
        raise OutcomeUnknownError(
            f"create of {req.ticker} {req.side.value} {req.count}@{req.price}: outcome unknown",
            client_order_id=coid,
        ) from err

    async def cancel(self, order_id: str, *, ticker: str | None = None) -> CancelResult:
        return await self.client.cancel_order(order_id, market_ticker=ticker)

    async def cancel_many(self, order_ids: Sequence[str]) -> list[CancelResult]:
        """DELETE /portfolio/events/orders/batched; an order whose item failed is cancelled alone."""
        out: list[CancelResult] = []
        for i in range(0, len(order_ids), 20):  # a batch counts one write per order (§1.3)
            chunk = order_ids[i : i + 20]
            for oid, item in zip(chunk, await self.client.batch_cancel_orders(chunk), strict=False):
                out.append(item.result if item.result is not None else await self.cancel(oid))
        return out

    async def amend(self, order: Order, *, yes_price: Decimal, count: Decimal) -> OrderAck:
        """POST .../amend; `count` is the order's new total (filled + remaining)."""
        done = await self.client.amend_order(
            order.order_id,
            ticker=order.ticker,
            side=order.side,
            price=yes_price,
            count=count,
            client_order_id=order.client_order_id,
        )
        return OrderAck(
            done.order_id,
            done.client_order_id,
            done.fill_count if done.fill_count is not None else order.fill_count,
            done.remaining_count if done.remaining_count is not None else count - order.fill_count,
            done.average_fill_price,
            done.average_fee_paid,
            done.ts_ms,
        )
