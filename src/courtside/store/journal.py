"""The journal's repository: what the trader reads and writes, one short transaction per call."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import ColumnElement, Engine, Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from courtside.domain.errors import StoreError
from courtside.domain.mode import Mode
from courtside.domain.orders import Fill, Position, Settlement
from courtside.store.db import init_db, session_factory, transaction
from courtside.store.journal_tables import (
    DecisionRow,
    EquityRow,
    FillRow,
    InferredTournamentRow,
    MatchStopRow,
    OrderRow,
    PositionRow,
    ScanRow,
    SettlementRow,
    ShardCashRow,
    StartPriceRow,
    StopRow,
    TradedEventRow,
    TradingStateRow,
    UnmatchedRow,
)

ZERO = Decimal(0)
Booked = (
    ScanRow
    | DecisionRow
    | OrderRow
    | FillRow
    | PositionRow
    | SettlementRow
    | TradedEventRow
    | StopRow
    | MatchStopRow
)
OPEN_STATUSES = ("intent", "unknown", "resting")


@dataclass(frozen=True, slots=True)
class NewOrder:
    client_order_id: str
    event_ticker: str
    ticker: str
    route: str
    side: str
    outcome: str
    yes_price: Decimal
    count: Decimal
    time_in_force: str
    expiration: datetime | None
    attempt: int
    decision_id: int | None


class Journal:
    """Read/write access to the trader tables for one book: an exchange (prod, demo or a base URL, as
    kalshi.env.exchange_id names it) and a mode (live or paper). The kill switch's trading state and
    the unmatched players are global."""

    def __init__(self, engine: Engine, mode: Mode | str, *, exchange: str) -> None:
        try:
            init_db(engine)
        except SQLAlchemyError as e:
            raise StoreError(f"cannot open the journal database: {e}") from e
        self.engine = engine
        self.mode = Mode(mode)
        self.exchange = exchange
        self._factory = session_factory(engine)

    def _mine(self, row: type[Booked]) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
        """The conditions that keep a query to this journal's exchange and mode."""
        return row.exchange == self.exchange, row.mode == self.mode

    def book(self, mode: Mode) -> Journal:
        """The journal of another mode on the same exchange and database."""
        return Journal(self.engine, mode, exchange=self.exchange)

    def exchanges(self) -> list[str]:
        """Every exchange this database holds rows of (orders, scans or equity marks), sorted."""
        with self._factory() as s:
            found: set[str] = set()
            for row in (OrderRow, ScanRow, EquityRow):
                found |= set(s.scalars(select(row.exchange).distinct()))
            return sorted(found)

    # ---- scans and decisions ---------------------------------------------------------
    def start_scan(self, now: datetime) -> int:
        with transaction(self._factory) as s:
            row = ScanRow(exchange=self.exchange, mode=self.mode, started_at=now)
            s.add(row)
            s.flush()
            return row.id

    def finish_scan(self, scan_id: int, now: datetime, **counts: int) -> None:
        with transaction(self._factory) as s:
            row = s.get(ScanRow, scan_id)
            if row is None:
                raise StoreError(f"scan {scan_id} vanished")
            row.finished_at = now
            for key, value in counts.items():
                setattr(row, key, value)

    def record_decision(self, row: DecisionRow) -> int:
        row.exchange, row.mode = self.exchange, self.mode
        with transaction(self._factory) as s:
            s.add(row)
            s.flush()
            return row.id

    def decisions(self, scan_id: int | None = None) -> list[DecisionRow]:
        with self._factory() as s:
            q = select(DecisionRow).where(*self._mine(DecisionRow))
            if scan_id is not None:
                q = q.where(DecisionRow.scan_id == scan_id)
            return list(s.scalars(q.order_by(DecisionRow.id)))

    def scans(self) -> list[ScanRow]:
        with self._factory() as s:
            return list(s.scalars(select(ScanRow).where(*self._mine(ScanRow)).order_by(ScanRow.id)))

    # ---- orders: intent before send ------------------------------------------------
    def record_intent(self, order: NewOrder, now: datetime) -> OrderRow:
        """Write the order (status 'intent') and mark its event traded, atomically; idempotent."""
        with transaction(self._factory) as s:
            found = s.scalars(self._by_coid(order.client_order_id)).first()
            if found is not None:
                return found
            row = OrderRow(
                exchange=self.exchange,
                mode=self.mode,
                status="intent",
                created_at=now,
                updated_at=now,
                fill_count=ZERO,
                fees=ZERO,
                detail="",
                **asdict(order),
            )
            s.add(row)
            self._mark(s, order.event_ticker, now, "order")
            s.flush()
            return row

    def _by_coid(self, client_order_id: str) -> Select[OrderRow]:
        return select(OrderRow).where(*self._mine(OrderRow), OrderRow.client_order_id == client_order_id)

    def update_order(self, client_order_id: str, now: datetime, **fields: object) -> OrderRow:
        with transaction(self._factory) as s:
            row = s.scalars(self._by_coid(client_order_id)).first()
            if row is None:
                raise StoreError(f"no journalled order {client_order_id}")
            for key, value in fields.items():
                setattr(row, key, value)
            row.updated_at = now
            return row

    def orders(
        self, statuses: Sequence[str] | None = None, event_ticker: str | None = None
    ) -> list[OrderRow]:
        with self._factory() as s:
            q = select(OrderRow).where(*self._mine(OrderRow))
            if statuses:
                q = q.where(OrderRow.status.in_(statuses))
            if event_ticker:
                q = q.where(OrderRow.event_ticker == event_ticker)
            return list(s.scalars(q.order_by(OrderRow.id)))

    def next_attempt(self, event_ticker: str) -> int:
        with self._factory() as s:
            q = select(func.max(OrderRow.attempt)).where(
                *self._mine(OrderRow), OrderRow.event_ticker == event_ticker
            )
            last = s.scalar(q)
            return 0 if last is None else int(last) + 1

    # ---- one position per match --------------------------------------------------
    def _mark(self, s: Session, event_ticker: str, now: datetime, source: str) -> None:
        q = select(TradedEventRow).where(
            *self._mine(TradedEventRow), TradedEventRow.event_ticker == event_ticker
        )
        if s.scalars(q).first() is None:
            s.add(
                TradedEventRow(
                    exchange=self.exchange, mode=self.mode, event_ticker=event_ticker, ts=now, source=source
                )
            )

    def mark_traded(self, event_ticker: str, now: datetime, source: str) -> None:
        with transaction(self._factory) as s:
            self._mark(s, event_ticker, now, source)

    def unmark_traded(self, event_ticker: str) -> None:
        """Free a match again (its only order was refused or cancelled unfilled)."""
        with transaction(self._factory) as s:
            q = select(TradedEventRow).where(
                *self._mine(TradedEventRow), TradedEventRow.event_ticker == event_ticker
            )
            for row in s.scalars(q):
                s.delete(row)

    def traded_events(self) -> set[str]:
        with self._factory() as s:
            q = select(TradedEventRow.event_ticker).where(*self._mine(TradedEventRow))
            return set(s.scalars(q))

    # ---- matches stopped for good (started, or their start near) -----------------------
    def stop_match(self, event_ticker: str, reason: str, now: datetime) -> bool:
        """Record that no order may be placed on this match again; False if it was stopped already."""
        with transaction(self._factory) as s:
            q = select(MatchStopRow).where(
                *self._mine(MatchStopRow), MatchStopRow.event_ticker == event_ticker
            )
            if s.scalars(q).first() is not None:
                return False
            s.add(
                MatchStopRow(
                    exchange=self.exchange, mode=self.mode, event_ticker=event_ticker, reason=reason, ts=now
                )
            )
            return True

    def stopped_matches(self) -> dict[str, str]:
        """Every stopped match of this exchange and mode, and why."""
        with self._factory() as s:
            q = select(MatchStopRow).where(*self._mine(MatchStopRow))
            return {r.event_ticker: r.reason for r in s.scalars(q)}

    # ---- what the exchange says ----------------------------------------------------
    def add_fills(self, fills: Iterable[Fill]) -> int:
        """Insert fills not seen before; returns how many were new."""
        new = 0
        with transaction(self._factory) as s:
            seen = set(s.scalars(select(FillRow.fill_id).where(*self._mine(FillRow))))
            for f in fills:
                if f.fill_id in seen:
                    continue
                seen.add(f.fill_id)
                s.add(
                    FillRow(
                        exchange=self.exchange,
                        mode=self.mode,
                        fill_id=f.fill_id,
                        order_id=f.order_id,
                        ticker=f.ticker,
                        side=f.side.value,
                        outcome=f.outcome.value,
                        count=f.count,
                        yes_price=f.yes_price,
                        fee=f.fee,
                        is_taker=f.is_taker,
                        ts=f.created_time,
                    )
                )
                new += 1
        return new

    def fills(self) -> list[FillRow]:
        with self._factory() as s:
            return list(s.scalars(select(FillRow).where(*self._mine(FillRow)).order_by(FillRow.ts)))

    def replace_positions(self, positions: Iterable[Position], now: datetime) -> None:
        with transaction(self._factory) as s:
            for row in s.scalars(select(PositionRow).where(*self._mine(PositionRow))):
                s.delete(row)
            s.flush()
            for p in positions:
                if p.position == 0:
                    continue
                s.add(
                    PositionRow(
                        exchange=self.exchange,
                        mode=self.mode,
                        ticker=p.ticker,
                        position=p.position,
                        exposure=p.market_exposure,
                        fees_paid=p.fees_paid,
                        realized_pnl=p.realized_pnl,
                        updated_at=now,
                    )
                )

    def positions(self) -> list[PositionRow]:
        with self._factory() as s:
            return list(s.scalars(select(PositionRow).where(*self._mine(PositionRow))))

    def add_settlements(self, settlements: Iterable[Settlement]) -> int:
        new = 0
        with transaction(self._factory) as s:
            seen = set(s.scalars(select(SettlementRow.ticker).where(*self._mine(SettlementRow))))
            for st in settlements:
                if st.ticker in seen:
                    continue
                seen.add(st.ticker)
                s.add(
                    SettlementRow(
                        exchange=self.exchange,
                        mode=self.mode,
                        ticker=st.ticker,
                        event_ticker=st.event_ticker,
                        result=st.market_result,
                        yes_count=st.yes_count,
                        no_count=st.no_count,
                        cost=st.yes_total_cost + st.no_total_cost,
                        revenue=st.revenue,
                        fee_cost=st.fee_cost,
                        settled_time=st.settled_time,
                    )
                )
                new += 1
        return new

    def settlements(self) -> list[SettlementRow]:
        with self._factory() as s:
            return list(s.scalars(select(SettlementRow).where(*self._mine(SettlementRow))))

    def realized_since(self, since: datetime) -> Decimal:
        """Settled P&L since a time: revenue - cost - trading fees of the settled markets."""
        with self._factory() as s:
            mine = self._mine(SettlementRow)
            rows = s.scalars(select(SettlementRow).where(*mine, SettlementRow.settled_time >= since))
            settled = list(rows)
            tickers = [r.ticker for r in settled]
            fill_fees = s.scalars(
                select(FillRow.fee).where(*self._mine(FillRow), FillRow.ticker.in_(tickers))
            )
            fees = sum(fill_fees, ZERO)
        gross = sum((r.revenue - r.cost for r in settled), ZERO)
        return gross - fees

    # ---- players we could not identify --------------------------------------------
    def record_unmatched(
        self,
        *,
        name: str,
        tour: str,
        status: str,
        competitor_id: str,
        event_ticker: str,
        detail: str,
        now: datetime,
    ) -> None:
        with transaction(self._factory) as s:
            q = select(UnmatchedRow).where(UnmatchedRow.name == name, UnmatchedRow.tour == tour)
            row = s.scalars(q).first()
            if row is None:
                s.add(
                    UnmatchedRow(
                        name=name,
                        tour=tour,
                        status=status,
                        competitor_id=competitor_id,
                        event_ticker=event_ticker,
                        detail=detail,
                        first_seen=now,
                        last_seen=now,
                        times=1,
                    )
                )
                return
            row.status, row.detail, row.last_seen = status, detail, now
            row.event_ticker = event_ticker
            row.times += 1

    def unmatched(self) -> list[UnmatchedRow]:
        with self._factory() as s:
            return list(s.scalars(select(UnmatchedRow).order_by(UnmatchedRow.times.desc())))

    # ---- tournaments priced by inference -----------------------------------------------
    def record_inferred_tournament(self, row: InferredTournamentRow) -> None:
        """Seen again: the facts as now inferred, one more sighting; first time: the row as given."""
        with transaction(self._factory) as s:
            q = select(InferredTournamentRow).where(
                InferredTournamentRow.name == row.name, InferredTournamentRow.tour == row.tour
            )
            found = s.scalars(q).first()
            if found is None:
                s.add(row)
                return
            found.level, found.surface, found.best_of = row.level, row.surface, row.best_of
            found.detail, found.event_ticker, found.last_seen = row.detail, row.event_ticker, row.last_seen
            found.times += 1

    def inferred_tournaments(self) -> list[InferredTournamentRow]:
        with self._factory() as s:
            q = select(InferredTournamentRow).order_by(InferredTournamentRow.times.desc())
            return list(s.scalars(q))

    # ---- closing prices for CLV ------------------------------------------------------
    def record_start_price(
        self, ticker: str, event_ticker: str, bid: Decimal | None, ask: Decimal | None, now: datetime
    ) -> None:
        with transaction(self._factory) as s:
            q = select(StartPriceRow).where(
                StartPriceRow.exchange == self.exchange, StartPriceRow.ticker == ticker
            )
            row = s.scalars(q).first()
            if row is None:
                row = StartPriceRow(
                    exchange=self.exchange, ticker=ticker, event_ticker=event_ticker, yes_bid=bid, yes_ask=ask
                )
                row.ts = now
                s.add(row)
            else:
                row.yes_bid, row.yes_ask, row.ts = bid, ask, now

    def start_prices(self) -> dict[str, StartPriceRow]:
        with self._factory() as s:
            q = select(StartPriceRow).where(StartPriceRow.exchange == self.exchange)
            return {r.ticker: r for r in s.scalars(q)}

    # ---- trading state -----------------------------------------------------------------
    def state(self) -> tuple[str, str]:
        """The global trading state and its reason; a mode's drawdown stop is `drawdown_trip`."""
        with self._factory() as s:
            row = s.get(TradingStateRow, 1)
            return ("ACTIVE", "") if row is None else (row.state, row.reason)

    def record_shard_cash(self, shard: int, cash: Decimal, needed: Decimal, now: datetime) -> None:
        with transaction(self._factory) as s:
            row = s.get(ShardCashRow, (self.exchange, self.mode))
            if row is None:
                s.add(
                    ShardCashRow(
                        exchange=self.exchange, mode=self.mode, shard=shard, cash=cash, needed=needed, ts=now
                    )
                )
            else:
                row.shard, row.cash, row.needed, row.ts = shard, cash, needed, now

    def record_equity(self, equity: Decimal, now: datetime) -> Decimal:
        """Store the equity just measured, raise the high-water mark if it is higher; the mark."""
        with transaction(self._factory) as s:
            row = s.get(EquityRow, (self.exchange, self.mode))
            if row is None:
                row = EquityRow(
                    exchange=self.exchange,
                    mode=self.mode,
                    peak=equity,
                    peak_at=now,
                    equity=equity,
                    measured_at=now,
                )
                s.add(row)
            elif equity > row.peak:
                row.peak, row.peak_at = equity, now
            row.equity, row.measured_at = equity, now
            return row.peak

    def equity_mark(self) -> EquityRow | None:
        with self._factory() as s:
            return s.get(EquityRow, (self.exchange, self.mode))

    def drawdown_trip(self) -> tuple[str, datetime] | None:
        """This mode's max-drawdown stop (reason, since when), or None when it is not tripped."""
        row = self.equity_mark()
        if row is None or row.tripped_reason is None or row.tripped_at is None:
            return None
        return row.tripped_reason, row.tripped_at

    def trip_drawdown(self, reason: str, now: datetime) -> bool:
        """Stop this mode (only) for a drawdown; kept until `clear_drawdown_trip` or `reset_peak`.
        False when there is no mark to stop on (reset since it was measured) or it is tripped already."""
        with transaction(self._factory) as s:
            row = s.get(EquityRow, (self.exchange, self.mode))
            if row is None or row.tripped_reason is not None:
                return False
            row.tripped_reason, row.tripped_at = reason, now
            return True

    def clear_drawdown_trip(self) -> str | None:
        """Lift this mode's drawdown stop, keeping the mark; the reason it had, or None if none."""
        with transaction(self._factory) as s:
            row = s.get(EquityRow, (self.exchange, self.mode))
            if row is None or row.tripped_reason is None:
                return None
            reason = row.tripped_reason
            row.tripped_reason, row.tripped_at = None, None
            return reason

    def reset_peak(self) -> bool:
        """Forget the high-water mark and the drawdown stop with it: the next equity measured starts
        the mark afresh. True if one was kept."""
        with transaction(self._factory) as s:
            row = s.get(EquityRow, (self.exchange, self.mode))
            if row is not None:
                s.delete(row)
            return row is not None

    def shard_cash(self) -> ShardCashRow | None:
        with self._factory() as s:
            return s.get(ShardCashRow, (self.exchange, self.mode))

    # ---- stops of this exchange and mode other than the drawdown's ----------------------------------
    def stop(self, kind: str) -> StopRow | None:
        with self._factory() as s:
            return s.get(StopRow, (self.exchange, self.mode, kind))

    def stops(self) -> list[StopRow]:
        with self._factory() as s:
            return list(s.scalars(select(StopRow).where(*self._mine(StopRow))))

    def set_stop(self, kind: str, reason: str, now: datetime) -> bool:
        """Stop this exchange and mode (REDUCING) for `kind`; False when it is stopped for it already."""
        with transaction(self._factory) as s:
            if s.get(StopRow, (self.exchange, self.mode, kind)) is not None:
                return False
            s.add(StopRow(exchange=self.exchange, mode=self.mode, kind=kind, reason=reason, since=now))
            return True

    def clear_stops(self) -> list[str]:
        """Lift every stop of this exchange and mode; the reasons they had."""
        with transaction(self._factory) as s:
            rows = list(s.scalars(select(StopRow).where(*self._mine(StopRow))))
            for row in rows:
                s.delete(row)
            return [r.reason for r in rows]

    def set_state(self, state: str, reason: str, now: datetime) -> None:
        """The global state (every mode): the kill switch, `courtside kill --reducing`, resume."""
        with transaction(self._factory) as s:
            row = s.get(TradingStateRow, 1)
            if row is None:
                s.add(TradingStateRow(id=1, state=state, reason=reason, updated_at=now))
            else:
                row.state, row.reason, row.updated_at = state, reason, now
