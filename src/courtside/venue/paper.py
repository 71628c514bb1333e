"""PaperVenue: the dry-run venue. Market data is the configured exchange's, relayed as it is; orders
fill on paper only when that real book crosses their price (venue/matching.py, Freqtrade's rule), on
a ledger kept in the store (venue/paper_ledger.py). Taker fills happen at the crossed levels' prices
with the taker fee; resting orders fill at their own price with the maker fee. The fee schedule of a
market is its event's override or its series', learnt from the listings relayed (or asked for)."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from courtside.domain.clock import Clock
from courtside.domain.errors import DataError, NotFoundError, OrderRejectedError
from courtside.domain.live import MatchStatus
from courtside.domain.market import (
    Event,
    ExchangeStatus,
    FeeSchedule,
    MalformedBook,
    MalformedEvent,
    MalformedSeries,
    Market,
    MarketStatus,
    OrderBook,
    Series,
    Trade,
)
from courtside.domain.mode import Mode
from courtside.domain.money import ONE, ZERO
from courtside.domain.orders import (
    TENNIS_SHARD,
    BookSide,
    CancelResult,
    Fill,
    Order,
    OrderAck,
    OrderRequest,
    OrderStatus,
    Position,
    Settlement,
    ShardFunds,
    TimeInForce,
    yes_price_for,
)
from courtside.store.db import transaction
from courtside.store.journal_tables import PaperOrderRow
from courtside.venue.matching import crossing, take
from courtside.venue.paper_ledger import PaperLedger, add_fill, outcome_of, to_fill, to_order
from courtside.venue.port import MarketData

log = logging.getLogger("courtside.paper")
SETTLED = (MarketStatus.DETERMINED, MarketStatus.AMENDED, MarketStatus.FINALIZED)


def _series_of(ticker: str) -> str:
    """A market's series: its ticker up to the first '-' (kalshi-api.md §5.2)."""
    return ticker.split("-", 1)[0]


class PaperVenue:
    """The Venue of dry-run: `market`'s data, and a paper account that trades against its real books."""

    def __init__(
        self,
        market: MarketData,
        engine: Engine,
        clock: Clock,
        *,
        exchange: str,
        starting_cash: Decimal = Decimal(1000),
    ) -> None:
        self.market_data = market
        self.engine = engine
        self.clock = clock
        self._exchange = exchange
        self.ledger = PaperLedger(engine, starting_cash, exchange=exchange)
        self._series_fees: dict[str, FeeSchedule] = {}
        self._fees: dict[str, FeeSchedule] = {}  # by market ticker

    @property
    def exchange(self) -> str:
        return self._exchange

    async def aclose(self) -> None:
        return None  # the market data source is closed by whoever opened it

    # ---- market data, relayed ------------------------------------------------------------------
    async def status(self) -> ExchangeStatus:
        return await self.market_data.status()

    async def tennis_series(self) -> list[Series | MalformedSeries]:
        listed = await self.market_data.tennis_series()
        self._series_fees.update({s.ticker: s.fees for s in listed if isinstance(s, Series)})
        return listed

    async def series(self, series_ticker: str) -> Series:
        found = await self.market_data.series(series_ticker)
        self._series_fees[found.ticker] = found.fees
        return found

    async def open_events(self, series_ticker: str) -> AsyncIterator[Event | MalformedEvent]:
        async for event in self.market_data.open_events(series_ticker):
            if isinstance(event, Event) and event.fees_override is not None:
                self._fees.update({m.ticker: event.fees_override for m in event.markets})
            yield event

    async def orderbooks(self, tickers: Sequence[str]) -> dict[str, OrderBook | MalformedBook]:
        return await self.market_data.orderbooks(tickers)

    async def _book(self, ticker: str) -> OrderBook:
        """The real book an order is filled against now; none, or a broken one, refuses the order."""
        book = (await self.market_data.orderbooks([ticker])).get(ticker)
        if book is None:
            raise NotFoundError(f"paper: no book for {ticker}", status=404, code="not_found")
        if isinstance(book, MalformedBook):
            raise OrderRejectedError(f"paper: {book.reason}", status=400, code="malformed_book")
        return book

    async def market(self, ticker: str) -> Market:
        return await self.market_data.market(ticker)

    async def match_status(self, event_tickers: Sequence[str]) -> dict[str, MatchStatus]:
        return await self.market_data.match_status(event_tickers)

    async def trades(self, ticker: str, *, since: datetime) -> list[Trade]:
        return await self.market_data.trades(ticker, since=since)

    async def _fee_schedule(self, ticker: str) -> FeeSchedule:
        """The event's override, else the series' schedule (asked for once), else Kalshi's default."""
        if ticker in self._fees:
            return self._fees[ticker]
        series = _series_of(ticker)
        if series not in self._series_fees:
            try:
                await self.series(series)
            except NotFoundError:
                self._series_fees[series] = FeeSchedule()
        return self._series_fees[series]

    # ---- orders ------------------------------------------------------------------------------
    async def place(self, req: OrderRequest, *, again: bool = False) -> OrderAck:
        """Fill what the real book crosses now (taker); rest the remainder if GTC. A client_order_id
        seen before answers with that order, as Kalshi's 409 resolves to the order that landed."""
        if not req.client_order_id:
            raise ValueError("an order needs a client_order_id")
        existing = self.ledger.by_coid(req.client_order_id)
        if existing is not None:
            return _ack(existing)
        book = await self._book(req.ticker)
        fees, now = await self._fee_schedule(req.ticker), self.clock.now()
        with transaction(self.ledger.factory) as s:
            row = _new_row(req, self._exchange, now)
            s.add(row)
            row.crossed_seen = sum((lv.size for lv in crossing(book, req.side, req.price)), ZERO)
            for level in take(book, req.side, req.price, req.count, req.time_in_force):
                add_fill(s, row, level.price, level.size, fees, taker=True, now=now)
            if row.remaining_count > 0 and req.time_in_force is not TimeInForce.GTC:
                row.remaining_count, row.status = ZERO, OrderStatus.CANCELED.value
            elif row.remaining_count == 0:
                row.status = OrderStatus.EXECUTED.value
        log.info(
            "paper order %s %s %s x%s @ %s -> %s",
            req.client_order_id, req.ticker, req.side.value, req.count, req.price, row.status,
        )  # fmt: skip
        return _ack(row)

    async def cancel(self, order_id: str, *, ticker: str | None = None) -> CancelResult:
        with transaction(self.ledger.factory) as s:
            row = self.ledger.own(s, order_id)
            if row is None or row.status != OrderStatus.RESTING.value:
                return CancelResult(order_id, ZERO, gone=True)
            reduced = row.remaining_count
            row.remaining_count, row.status = ZERO, OrderStatus.CANCELED.value
            return CancelResult(order_id, reduced, client_order_id=row.client_order_id)

    async def cancel_many(self, order_ids: Sequence[str]) -> list[CancelResult]:
        return [await self.cancel(oid) for oid in order_ids]

    async def amend(self, order: Order, *, yes_price: Decimal, count: Decimal) -> OrderAck:
        """A resting paper order moved to a new price and total count; it then waits for the book to
        cross its new price (what crossed before is counted from now on)."""
        book = await self._book(order.ticker)
        with transaction(self.ledger.factory) as s:
            row = self.ledger.own(s, order.order_id)
            if row is None or row.status != OrderStatus.RESTING.value:
                raise NotFoundError(
                    f"paper: order {order.order_id} is not resting", status=404, code="not_found"
                )
            if count <= row.fill_count:
                raise ValueError(f"amend count {count} is not above the {row.fill_count} filled")
            row.yes_price, row.initial_count = yes_price, count
            row.remaining_count = count - row.fill_count
            row.crossed_seen = sum((lv.size for lv in crossing(book, BookSide(row.side), yes_price)), ZERO)
            return _ack(row)

    # ---- the paper matching step -------------------------------------------------------------
    async def sync(self) -> int:
        """Fill resting paper orders against real liquidity that newly crosses their price (what
        crossed before was used already), expire old ones, settle determined markets. Returns fills."""
        now = self.clock.now()
        resting = self.ledger.order_rows(status=OrderStatus.RESTING.value)
        books = await self._matchable({r.ticker for r in resting})
        fills = 0
        with transaction(self.ledger.factory) as s:
            for order in resting:
                row = self.ledger.own(s, order.order_id)
                assert row is not None
                book, fees = books.get(row.ticker, (None, None))
                fills += _match_resting(s, row, book, fees, now)
        await self._settle()
        return fills

    async def _matchable(self, tickers: set[str]) -> dict[str, tuple[OrderBook | None, FeeSchedule | None]]:
        """Each resting order's real book and fee schedule; a broken book, or fees that cannot be read,
        leave that order unmatched this time (logged), never the others."""
        books = await self.market_data.orderbooks(sorted(tickers)) if tickers else {}
        out: dict[str, tuple[OrderBook | None, FeeSchedule | None]] = {}
        for ticker in sorted(tickers):
            book = books.get(ticker)
            try:
                fees = await self._fee_schedule(ticker)
            except DataError as e:
                log.warning("paper: resting orders on %s not matched: fees unknown (%s)", ticker, e)
                continue
            if isinstance(book, MalformedBook):
                log.warning("paper: resting orders on %s not matched: %s", ticker, book.reason)
                continue
            out[ticker] = (book, fees)
        return out

    async def _settle(self) -> int:
        """Pay out positions in markets the exchange has determined (yes, no or a fair price)."""
        settled = 0
        for position in self.ledger.positions():
            market = await self.market_data.market(position.ticker)
            if market.status not in SETTLED:
                continue
            value = {"yes": ONE, "no": ZERO}.get(market.result, market.settlement_value)
            if value is None:
                continue
            revenue = self.ledger.settle(
                position.ticker, market.event_ticker, market.result, value, self.clock.now()
            )
            if revenue is not None:
                log.info("paper settlement %s result=%s revenue=%s", position.ticker, market.result, revenue)
                settled += 1
        return settled

    # ---- reads -------------------------------------------------------------------------------
    async def funds(self, shard: int = TENNIS_SHARD) -> ShardFunds:
        return self.ledger.funds(shard)

    async def find_order(self, client_order_id: str, *, ticker: str | None = None) -> Order | None:
        row = self.ledger.by_coid(client_order_id)
        return None if row is None else to_order(row)

    async def orders(self, *, status: OrderStatus | None = None, ticker: str | None = None) -> list[Order]:
        return [
            to_order(r)
            for r in self.ledger.order_rows(status=status.value if status else None, ticker=ticker)
        ]

    async def fills(self, *, since: datetime | None = None) -> list[Fill]:
        fills = [to_fill(r) for r in self.ledger.fill_rows()]
        return [f for f in fills if since is None or f.created_time >= since]

    async def positions(self) -> list[Position]:
        return self.ledger.positions()

    async def settlements(self) -> list[Settlement]:
        return self.ledger.settlements()


def paper_order_id(exchange: str, coid: str) -> str:
    """The paper order id of a client_order_id on an exchange: unique across exchanges (the same
    decision on two exchanges has one client_order_id)."""
    return "paper-" + hashlib.sha256(f"{exchange}|{coid}".encode()).hexdigest()[:20]


def _new_row(req: OrderRequest, exchange: str, now: datetime) -> PaperOrderRow:
    coid = req.client_order_id or ""
    return PaperOrderRow(
        order_id=paper_order_id(exchange, coid), exchange=exchange, mode=Mode.PAPER.value,
        client_order_id=coid,
        ticker=req.ticker, side=req.side.value, yes_price=req.price, initial_count=req.count, fill_count=ZERO,
        remaining_count=req.count, status=OrderStatus.RESTING.value, time_in_force=req.time_in_force.value,
        expiration=req.expiration_time, taker_fees=ZERO, maker_fees=ZERO, taker_cost=ZERO, maker_cost=ZERO,
        crossed_seen=ZERO, created_time=now,
    )  # fmt: skip


def _match_resting(
    s: Session, row: PaperOrderRow, book: OrderBook | None, fees: FeeSchedule | None, now: datetime
) -> int:
    """One resting order against the book now: expire it, or fill it at its own price (maker) for the
    crossing size that is new since it was last looked at. Returns 1 if it filled. Without fees or a
    usable book it only expires."""
    if row.expiration is not None and row.expiration <= now:
        row.remaining_count, row.status = ZERO, OrderStatus.CANCELED.value
        return 0
    if fees is None:
        return 0
    levels = crossing(book, BookSide(row.side), row.yes_price) if book else []
    available = sum((lv.size for lv in levels), ZERO)
    fresh, row.crossed_seen = available - row.crossed_seen, available
    if fresh <= 0:
        return 0
    add_fill(s, row, row.yes_price, min(fresh, row.remaining_count), fees, taker=False, now=now)
    if row.remaining_count == 0:
        row.status = OrderStatus.EXECUTED.value
    return 1


def _ack(row: PaperOrderRow) -> OrderAck:
    avg = fee = None
    if row.fill_count > 0:
        paid = (row.taker_cost + row.maker_cost) / row.fill_count  # per contract of the outcome bought
        avg = yes_price_for(outcome_of(row.side), paid)
        fee = (row.taker_fees + row.maker_fees) / row.fill_count
    return OrderAck(row.order_id, row.client_order_id, row.fill_count, row.remaining_count, avg, fee, None)
