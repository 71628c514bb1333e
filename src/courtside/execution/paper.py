"""PaperExchange: the dry-run order port. It reads the real configured exchange's books and fills
our orders on paper only when the real book crosses their price (Freqtrade's rule), keeping its
ledger (orders, fills, positions, settlements, fees) in the store. Taker fills happen at the resting
levels' prices with the taker fee; resting orders fill at their own price with the maker fee."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from courtside.domain.clock import Clock
from courtside.domain.errors import NotFoundError
from courtside.domain.market import FeeSchedule, Level, MarketStatus, OrderBook
from courtside.domain.money import ONE, ZERO
from courtside.domain.orders import (
    TENNIS_SHARD,
    Balance,
    BookSide,
    Fill,
    Order,
    OrderAck,
    OrderRequest,
    OrderStatus,
    Outcome,
    Position,
    Settlement,
    TimeInForce,
)
from courtside.execution.ports import MarketData
from courtside.kalshi.results import CancelResult
from courtside.pricing.fees import kalshi_fee
from courtside.store.db import init_db, session_factory, transaction
from courtside.store.journal_tables import PaperCashRow, PaperFillRow, PaperOrderRow, PaperSettlementRow

log = logging.getLogger("courtside.paper")
SETTLED = (MarketStatus.DETERMINED, MarketStatus.AMENDED, MarketStatus.FINALIZED)


def _outcome(side: str) -> Outcome:
    return Outcome.YES if side == BookSide.BID.value else Outcome.NO


def _cost(side: str, yes_price: Decimal, count: Decimal) -> Decimal:
    return count * (yes_price if side == BookSide.BID.value else ONE - yes_price)


def crossing(book: OrderBook, side: BookSide, limit: Decimal) -> list[Level]:
    """The real book's levels our order would trade against (YES prices), best first."""
    if side is BookSide.BID:
        asks = sorted(book.yes_asks, key=lambda lvl: lvl.price)
        return [lvl for lvl in asks if lvl.price <= limit]
    bids = sorted(book.yes_bids, key=lambda lvl: lvl.price, reverse=True)
    return [lvl for lvl in bids if lvl.price >= limit]


def to_order(row: PaperOrderRow) -> Order:
    return Order(
        order_id=row.order_id,
        client_order_id=row.client_order_id,
        ticker=row.ticker,
        side=BookSide(row.side),
        outcome=_outcome(row.side),
        status=OrderStatus(row.status),
        yes_price=row.yes_price,
        initial_count=row.initial_count,
        fill_count=row.fill_count,
        remaining_count=row.remaining_count,
        taker_fees=row.taker_fees,
        maker_fees=row.maker_fees,
        taker_fill_cost=row.taker_cost,
        maker_fill_cost=row.maker_cost,
        created_time=row.created_time,
        expiration_time=row.expiration,
    )


def to_fill(row: PaperFillRow) -> Fill:
    return Fill(
        fill_id=row.fill_id,
        order_id=row.order_id,
        ticker=row.ticker,
        side=BookSide(row.side),
        outcome=_outcome(row.side),
        count=row.count,
        yes_price=row.yes_price,
        is_taker=row.is_taker,
        fee=row.fee,
        created_time=row.ts,
    )


class PaperExchange:
    """An OrderPort that trades on paper against a MarketData source's real books."""

    def __init__(
        self,
        data: MarketData,
        engine: Engine,
        clock: Clock,
        *,
        fees: FeeSchedule | None = None,
        starting_cash: Decimal = Decimal(1000),
    ) -> None:
        init_db(engine)
        self.data = data
        self.clock = clock
        self.fees = fees or FeeSchedule()
        self._fees_by_ticker: dict[str, FeeSchedule] = {}
        self._factory = session_factory(engine)
        with transaction(self._factory) as s:
            if s.get(PaperCashRow, 1) is None:
                s.add(PaperCashRow(id=1, starting=starting_cash))

    def note_fees(self, tickers: Sequence[str], fees: FeeSchedule) -> None:
        """The series' (or event's) fee schedule for these markets; the default schedule otherwise."""
        for ticker in tickers:
            self._fees_by_ticker[ticker] = fees

    # ---- writes ----------------------------------------------------------------------------
    async def create_order(self, req: OrderRequest) -> OrderAck:
        coid = req.client_order_id or hashlib.sha1(repr(req).encode()).hexdigest()  # noqa: S324
        existing = self._by_coid(coid)
        if existing is not None:  # what KalshiClient does on a 409 for our own id
            return self._ack(existing)
        books = await self.data.get_orderbooks([req.ticker])
        if req.ticker not in books:
            raise NotFoundError(f"paper: no book for {req.ticker}", status=404, code="not_found")
        now = self.clock.now()
        order_id = "paper-" + hashlib.sha256(coid.encode()).hexdigest()[:20]
        with transaction(self._factory) as s:
            row = PaperOrderRow(
                order_id=order_id,
                client_order_id=coid,
                ticker=req.ticker,
                side=req.side.value,
                yes_price=req.price,
                initial_count=req.count,
                fill_count=ZERO,
                remaining_count=req.count,
                status=OrderStatus.RESTING.value,
                time_in_force=req.time_in_force.value,
                expiration=req.expiration_time,
                taker_fees=ZERO,
                maker_fees=ZERO,
                taker_cost=ZERO,
                maker_cost=ZERO,
                crossed_seen=ZERO,
                created_time=now,
            )
            s.add(row)
            levels = crossing(books[req.ticker], req.side, req.price)
            row.crossed_seen = sum((lv.size for lv in levels), ZERO)
            if req.time_in_force is TimeInForce.FOK and sum((lv.size for lv in levels), ZERO) < req.count:
                levels = []
            for level in levels:
                if row.remaining_count <= 0:
                    break
                self._fill(s, row, level.price, min(level.size, row.remaining_count), taker=True, now=now)
            if row.remaining_count > 0 and req.time_in_force is not TimeInForce.GTC:
                row.remaining_count = ZERO
                row.status = OrderStatus.CANCELED.value
            elif row.remaining_count == 0:
                row.status = OrderStatus.EXECUTED.value
        log.info(
            "paper order %s %s %s x%s @ %s -> %s",
            coid,
            req.ticker,
            req.side.value,
            req.count,
            req.price,
            row.status,
        )
        return self._ack(row)

    def _fill(
        self,
        s: Session,
        row: PaperOrderRow,
        yes_price: Decimal,
        count: Decimal,
        *,
        taker: bool,
        now: datetime,
    ) -> None:
        fee = kalshi_fee(count, yes_price, self._fees_by_ticker.get(row.ticker, self.fees), maker=not taker)
        cost = _cost(row.side, yes_price, count)
        n = len(list(s.scalars(select(PaperFillRow.fill_id).where(PaperFillRow.order_id == row.order_id))))
        s.add(
            PaperFillRow(
                fill_id=f"{row.order_id}-{n + 1}",
                order_id=row.order_id,
                ticker=row.ticker,
                side=row.side,
                count=count,
                yes_price=yes_price,
                is_taker=taker,
                fee=fee,
                ts=now,
            )
        )
        s.flush()
        row.fill_count += count
        row.remaining_count -= count
        if taker:
            row.taker_fees += fee
            row.taker_cost += cost
        else:
            row.maker_fees += fee
            row.maker_cost += cost

    def _ack(self, row: PaperOrderRow) -> OrderAck:
        avg = fee = None
        if row.fill_count > 0:
            paid = (row.taker_cost + row.maker_cost) / row.fill_count
            avg = paid if row.side == BookSide.BID.value else ONE - paid
            fee = (row.taker_fees + row.maker_fees) / row.fill_count
        return OrderAck(
            row.order_id, row.client_order_id, row.fill_count, row.remaining_count, avg, fee, None
        )

    async def cancel_order(self, order_id: str, *, market_ticker: str | None = None) -> CancelResult:
        with transaction(self._factory) as s:
            row = s.get(PaperOrderRow, order_id)
            if row is None or row.status != OrderStatus.RESTING.value:
                return CancelResult(order_id, ZERO, gone=True)
            reduced = row.remaining_count
            row.remaining_count = ZERO
            row.status = OrderStatus.CANCELED.value
            return CancelResult(order_id, reduced, client_order_id=row.client_order_id)

    # ---- the paper matching step -------------------------------------------------------------
    async def sync(self) -> int:
        """Fill resting paper orders against real liquidity that newly crosses their price (what crossed
        before was used already), expire old ones, settle determined markets. Returns new fills."""
        now = self.clock.now()
        resting = [to_order(r) for r in self._rows(status=OrderStatus.RESTING.value)]
        tickers = sorted({o.ticker for o in resting})
        books = await self.data.get_orderbooks(tickers) if tickers else {}
        fills = 0
        with transaction(self._factory) as s:
            for order in resting:
                row = s.get(PaperOrderRow, order.order_id)
                assert row is not None
                if row.expiration is not None and row.expiration <= now:
                    row.remaining_count, row.status = ZERO, OrderStatus.CANCELED.value
                    continue
                book = books.get(row.ticker)
                levels = crossing(book, BookSide(row.side), row.yes_price) if book else []
                available = sum((lv.size for lv in levels), ZERO)
                fresh, row.crossed_seen = available - row.crossed_seen, available
                if fresh > 0:
                    count = min(fresh, row.remaining_count)
                    self._fill(s, row, row.yes_price, count, taker=False, now=now)
                    fills += 1
                    if row.remaining_count == 0:
                        row.status = OrderStatus.EXECUTED.value
        await self.settle()
        return fills

    async def settle(self) -> int:
        """Pay out positions in markets the exchange has determined (yes, no or a fair price)."""
        settled = 0
        for position in await self.get_positions():
            market = await self.data.get_market(position.ticker)
            if market.status not in SETTLED:
                continue
            value = {"yes": ONE, "no": ZERO}.get(market.result, market.settlement_value)
            if value is None:
                continue
            self._settle(position.ticker, market.event_ticker, market.result, value)
            settled += 1
        return settled

    def _settle(self, ticker: str, event_ticker: str, result: str, value: Decimal) -> None:
        fills = [to_fill(r) for r in self._fill_rows(ticker=ticker)]
        yes = [f for f in fills if f.outcome is Outcome.YES]
        no = [f for f in fills if f.outcome is Outcome.NO]
        yes_n, no_n = sum((f.count for f in yes), ZERO), sum((f.count for f in no), ZERO)
        revenue = yes_n * value + no_n * (ONE - value)
        with transaction(self._factory) as s:
            if s.get(PaperSettlementRow, ticker) is not None:
                return
            s.add(
                PaperSettlementRow(
                    ticker=ticker,
                    event_ticker=event_ticker,
                    result=result or "scalar",
                    value=value,
                    yes_count=yes_n,
                    no_count=no_n,
                    yes_cost=sum((f.count * f.yes_price for f in yes), ZERO),
                    no_cost=sum((f.count * (ONE - f.yes_price) for f in no), ZERO),
                    revenue=revenue,
                    fee_cost=ZERO,
                    settled_time=self.clock.now(),
                )
            )
        log.info("paper settlement %s result=%s revenue=%s", ticker, result, revenue)

    # ---- reads -------------------------------------------------------------------------------
    def _rows(self, *, status: str | None = None, ticker: str | None = None) -> list[PaperOrderRow]:
        with self._factory() as s:
            q = select(PaperOrderRow)
            if status:
                q = q.where(PaperOrderRow.status == status)
            if ticker:
                q = q.where(PaperOrderRow.ticker == ticker)
            return list(s.scalars(q.order_by(PaperOrderRow.created_time.desc())))

    def _fill_rows(self, *, ticker: str | None = None, order_id: str | None = None) -> list[PaperFillRow]:
        with self._factory() as s:
            q = select(PaperFillRow)
            if ticker:
                q = q.where(PaperFillRow.ticker == ticker)
            if order_id:
                q = q.where(PaperFillRow.order_id == order_id)
            return list(s.scalars(q.order_by(PaperFillRow.ts.desc())))

    def _by_coid(self, coid: str) -> PaperOrderRow | None:
        with self._factory() as s:
            return s.scalars(select(PaperOrderRow).where(PaperOrderRow.client_order_id == coid)).first()

    async def find_order_by_client_id(
        self, client_order_id: str, *, ticker: str | None = None, max_pages: int = 5
    ) -> Order | None:
        row = self._by_coid(client_order_id)
        return None if row is None else to_order(row)

    async def get_orders(self, **filters: object) -> list[Order]:
        status, ticker = filters.get("status"), filters.get("ticker")
        rows = self._rows(status=str(status) if status else None, ticker=str(ticker) if ticker else None)
        return [to_order(r) for r in rows]

    async def get_fills(self, **filters: object) -> list[Fill]:
        ticker, order_id, min_ts = filters.get("ticker"), filters.get("order_id"), filters.get("min_ts")
        rows = self._fill_rows(
            ticker=str(ticker) if ticker else None, order_id=str(order_id) if order_id else None
        )
        fills = [to_fill(r) for r in rows]
        if isinstance(min_ts, int):
            fills = [f for f in fills if f.created_time.timestamp() >= min_ts]
        return fills

    def _settled(self) -> dict[str, PaperSettlementRow]:
        with self._factory() as s:
            return {r.ticker: r for r in s.scalars(select(PaperSettlementRow))}

    async def get_positions(self, **filters: object) -> list[Position]:
        """Unsettled positions only, as Kalshi returns by default."""
        settled = self._settled()
        by_ticker: dict[str, list[Fill]] = {}
        for row in self._fill_rows():
            if row.ticker not in settled:
                by_ticker.setdefault(row.ticker, []).append(to_fill(row))
        out = []
        for ticker, fills in sorted(by_ticker.items()):
            signed = sum((f.count if f.outcome is Outcome.YES else -f.count for f in fills), ZERO)
            cost = sum((f.count * f.outcome_price for f in fills), ZERO)
            fees = sum((f.fee for f in fills), ZERO)
            out.append(Position(ticker, signed, cost, ZERO, fees, cost))
        return out

    async def get_settlements(self, **filters: object) -> list[Settlement]:
        return [
            Settlement(
                ticker=r.ticker,
                event_ticker=r.event_ticker,
                market_result=r.result,
                yes_count=r.yes_count,
                no_count=r.no_count,
                yes_total_cost=r.yes_cost,
                no_total_cost=r.no_cost,
                revenue=r.revenue,
                fee_cost=r.fee_cost,
                settled_time=r.settled_time,
                value=r.value,
            )
            for r in self._settled().values()
        ]

    async def get_balance(self, **filters: object) -> Balance:
        """Starting cash + settlement revenue - fill costs - fees - collateral of resting orders; the
        paper ledger trades tennis only, so all of it sits on the tennis shard."""
        with self._factory() as s:
            cash = s.get(PaperCashRow, 1)
            start = cash.starting if cash else ZERO
        fills = [to_fill(r) for r in self._fill_rows()]
        spent = sum((f.count * f.outcome_price + f.fee for f in fills), ZERO)
        revenue = sum((r.revenue for r in self._settled().values()), ZERO)
        reserved = sum(
            (_cost(r.side, r.yes_price, r.remaining_count) for r in self._rows(status="resting")), ZERO
        )
        held = sum((p.market_exposure for p in await self.get_positions()), ZERO)
        balance = start + revenue - spent - reserved
        return Balance(balance=balance, portfolio_value=held, by_shard={TENNIS_SHARD: balance})
