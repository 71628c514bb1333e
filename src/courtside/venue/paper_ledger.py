"""The paper venue's book of records in the store: orders, fills, settlements and the starting cash,
read back as the domain's Order, Fill, Position, Settlement and the tennis shard's funds."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from courtside.domain.market import FeeSchedule
from courtside.domain.money import ZERO
from courtside.domain.orders import (
    TENNIS_SHARD,
    BookSide,
    Fill,
    Order,
    OrderStatus,
    Outcome,
    Position,
    Settlement,
    ShardFunds,
    outcome_price_for,
)
from courtside.pricing.fees import kalshi_fee
from courtside.store.db import init_db, session_factory, transaction
from courtside.store.journal_tables import PaperCashRow, PaperFillRow, PaperOrderRow, PaperSettlementRow

PAPER = "paper"  # the mode of every row of the ledger


def outcome_of(side: str) -> Outcome:
    return Outcome.YES if side == BookSide.BID.value else Outcome.NO


def cost_of(side: str, yes_price: Decimal, count: Decimal) -> Decimal:
    """What buying `count` of the order's outcome at this YES price costs."""
    return count * outcome_price_for(outcome_of(side), yes_price)


def to_order(row: PaperOrderRow) -> Order:
    return Order(
        order_id=row.order_id,
        client_order_id=row.client_order_id,
        ticker=row.ticker,
        side=BookSide(row.side),
        outcome=outcome_of(row.side),
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
        outcome=outcome_of(row.side),
        count=row.count,
        yes_price=row.yes_price,
        is_taker=row.is_taker,
        fee=row.fee,
        created_time=row.ts,
    )


def add_fill(
    s: Session,
    row: PaperOrderRow,
    yes_price: Decimal,
    count: Decimal,
    fees: FeeSchedule,
    *,
    taker: bool,
    now: datetime,
) -> None:
    """One paper fill of an order row, its fee by Kalshi's formula (taker or maker)."""
    fee = kalshi_fee(count, yes_price, fees, maker=not taker)
    cost = cost_of(row.side, yes_price, count)
    n = len(list(s.scalars(select(PaperFillRow.fill_id).where(PaperFillRow.order_id == row.order_id))))
    s.add(
        PaperFillRow(
            fill_id=f"{row.order_id}-{n + 1}",
            exchange=row.exchange,
            mode=PAPER,
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


class PaperLedger:
    """Reads and small writes of the paper tables of one exchange, one short transaction each."""

    def __init__(self, engine: Engine, starting_cash: Decimal, *, exchange: str) -> None:
        init_db(engine)
        self.exchange = exchange
        self.factory = session_factory(engine)
        with transaction(self.factory) as s:
            if s.get(PaperCashRow, exchange) is None:
                s.add(PaperCashRow(exchange=exchange, mode=PAPER, starting=starting_cash))

    def own(self, s: Session, order_id: str) -> PaperOrderRow | None:
        """The paper order with this id, if it is this exchange's."""
        row = s.get(PaperOrderRow, order_id)
        return row if row is not None and row.exchange == self.exchange else None

    def order_rows(self, *, status: str | None = None, ticker: str | None = None) -> list[PaperOrderRow]:
        with self.factory() as s:
            q = select(PaperOrderRow).where(PaperOrderRow.exchange == self.exchange)
            if status:
                q = q.where(PaperOrderRow.status == status)
            if ticker:
                q = q.where(PaperOrderRow.ticker == ticker)
            return list(s.scalars(q.order_by(PaperOrderRow.created_time.desc())))

    def fill_rows(self, *, ticker: str | None = None) -> list[PaperFillRow]:
        with self.factory() as s:
            q = select(PaperFillRow).where(PaperFillRow.exchange == self.exchange)
            if ticker:
                q = q.where(PaperFillRow.ticker == ticker)
            return list(s.scalars(q.order_by(PaperFillRow.ts.desc())))

    def by_coid(self, coid: str) -> PaperOrderRow | None:
        with self.factory() as s:
            q = select(PaperOrderRow).where(
                PaperOrderRow.exchange == self.exchange, PaperOrderRow.client_order_id == coid
            )
            return s.scalars(q).first()

    def settled(self) -> dict[str, PaperSettlementRow]:
        with self.factory() as s:
            q = select(PaperSettlementRow).where(PaperSettlementRow.exchange == self.exchange)
            return {r.ticker: r for r in s.scalars(q)}

    def positions(self) -> list[Position]:
        """Unsettled positions only, as Kalshi returns by default."""
        settled = self.settled()
        by_ticker: dict[str, list[Fill]] = {}
        for row in self.fill_rows():
            if row.ticker not in settled:
                by_ticker.setdefault(row.ticker, []).append(to_fill(row))
        out = []
        for ticker, fills in sorted(by_ticker.items()):
            signed = sum((f.count if f.outcome is Outcome.YES else -f.count for f in fills), ZERO)
            cost = sum((f.count * f.outcome_price for f in fills), ZERO)
            fees = sum((f.fee for f in fills), ZERO)
            out.append(Position(ticker, signed, cost, ZERO, fees, cost))
        return out

    def settlements(self) -> list[Settlement]:
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
            for r in self.settled().values()
        ]

    def settle(
        self, ticker: str, event_ticker: str, result: str, value: Decimal, now: datetime
    ) -> Decimal | None:
        """Pay out one market's paper position at `value` per YES contract; None if paid already."""
        fills = [to_fill(r) for r in self.fill_rows(ticker=ticker)]
        yes = [f for f in fills if f.outcome is Outcome.YES]
        no = [f for f in fills if f.outcome is Outcome.NO]
        yes_n, no_n = sum((f.count for f in yes), ZERO), sum((f.count for f in no), ZERO)
        revenue = yes_n * value + no_n * outcome_price_for(Outcome.NO, value)
        with transaction(self.factory) as s:
            if s.get(PaperSettlementRow, (self.exchange, ticker)) is not None:
                return None
            s.add(
                PaperSettlementRow(
                    exchange=self.exchange, mode=PAPER, ticker=ticker, event_ticker=event_ticker,
                    result=result or "scalar", value=value,
                    yes_count=yes_n, no_count=no_n, yes_cost=sum((f.count * f.yes_price for f in yes), ZERO),
                    no_cost=sum((f.count * f.outcome_price for f in no), ZERO), revenue=revenue,
                    fee_cost=ZERO, settled_time=now,
                )
            )  # fmt: skip
        return revenue

    def funds(self, shard: int) -> ShardFunds:
        """Starting cash + settlement revenue - fill costs - fees - collateral of resting orders; the
        paper ledger trades tennis only, so all of it sits on the tennis shard."""
        with self.factory() as s:
            cash_row = s.get(PaperCashRow, self.exchange)
            start = cash_row.starting if cash_row else ZERO
        fills = [to_fill(r) for r in self.fill_rows()]
        spent = sum((f.count * f.outcome_price + f.fee for f in fills), ZERO)
        revenue = sum((r.revenue for r in self.settled().values()), ZERO)
        reserved = sum(
            (cost_of(r.side, r.yes_price, r.remaining_count) for r in self.order_rows(status="resting")), ZERO
        )
        held = sum((p.market_exposure for p in self.positions()), ZERO)
        cash = start + revenue - spent - reserved
        return ShardFunds(
            shard, cash if shard == TENNIS_SHARD else ZERO, held if shard == TENNIS_SHARD else ZERO
        )
