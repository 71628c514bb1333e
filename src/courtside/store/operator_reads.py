"""Reads of one book of the journal that the dashboard needs and the trader does not: the newest scans
and decisions (a limit, not the whole history), decisions by id, the match of a market, counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, func, or_, select

from courtside.store.db import session_factory
from courtside.store.journal import Booked, Journal
from courtside.store.journal_tables import (
    DecisionRow,
    EquityRow,
    FillRow,
    OrderRow,
    ScanRow,
    SettlementRow,
    TradingStateRow,
)

MatchInfo = tuple[str, datetime | None, str]  # "A vs B", the scheduled start, the event ticker


def match_title(d: DecisionRow | None) -> str:
    """'Zverev vs Khachanov' from the decision that priced the match ('' when none did)."""
    return "" if d is None or not d.player_a else f"{d.player_a} vs {d.player_b}"


def route_text(row: OrderRow, d: DecisionRow | None) -> str:
    """'buy YES Alexander Zverev': the leg bought and the player it backs, as the alerts say it."""
    player = ""
    if d is not None:
        player = d.player_a if row.ticker == d.ticker_a else d.player_b if row.ticker == d.ticker_b else ""
    return f"buy {row.outcome.upper()} {player or row.ticker}"


class JournalReads:
    def __init__(self, journal: Journal) -> None:
        self.exchange = journal.exchange
        self.mode = str(journal.mode)
        self._factory = session_factory(journal.engine)

    def _mine(self, row: type[Booked]) -> tuple[ColumnElement[bool], ColumnElement[bool]]:
        return row.exchange == self.exchange, row.mode == self.mode

    def has_rows(self) -> bool:
        with self._factory() as s:
            for row in (ScanRow, OrderRow):
                if s.scalars(select(row.id).where(*self._mine(row)).limit(1)).first() is not None:
                    return True
            q = select(EquityRow.mode).where(EquityRow.exchange == self.exchange, EquityRow.mode == self.mode)
            return s.scalars(q).first() is not None

    def recent_scans(self, limit: int) -> list[ScanRow]:
        with self._factory() as s:
            q = select(ScanRow).where(*self._mine(ScanRow)).order_by(ScanRow.id.desc()).limit(limit)
            return list(s.scalars(q))

    def last_finished_scan(self) -> datetime | None:
        with self._factory() as s:
            q = select(func.max(ScanRow.finished_at)).where(*self._mine(ScanRow))
            return s.scalar(q)

    def last_started_scan(self) -> datetime | None:
        with self._factory() as s:
            return s.scalar(select(func.max(ScanRow.started_at)).where(*self._mine(ScanRow)))

    def decisions_of_scans(self, scan_ids: Sequence[int]) -> dict[int, list[DecisionRow]]:
        out: dict[int, list[DecisionRow]] = {}
        if not scan_ids:
            return out
        with self._factory() as s:
            q = select(DecisionRow).where(*self._mine(DecisionRow), DecisionRow.scan_id.in_(scan_ids))
            for d in s.scalars(q):
                out.setdefault(d.scan_id or 0, []).append(d)
        return out

    def recent_decisions(self, limit: int) -> list[DecisionRow]:
        with self._factory() as s:
            q = (
                select(DecisionRow)
                .where(*self._mine(DecisionRow))
                .order_by(DecisionRow.id.desc())
                .limit(limit)
            )
            return list(s.scalars(q))

    def decisions_by_id(self, ids: Iterable[int]) -> dict[int, DecisionRow]:
        wanted = sorted(set(ids))
        if not wanted:
            return {}
        with self._factory() as s:
            q = select(DecisionRow).where(*self._mine(DecisionRow), DecisionRow.id.in_(wanted))
            return {d.id: d for d in s.scalars(q)}

    def matches_of(self, tickers: Sequence[str]) -> dict[str, MatchInfo]:
        """The match each market belongs to, from the newest decision that priced it."""
        if not tickers:
            return {}
        out: dict[str, MatchInfo] = {}
        with self._factory() as s:
            q = select(DecisionRow).where(
                *self._mine(DecisionRow),
                or_(DecisionRow.ticker_a.in_(tickers), DecisionRow.ticker_b.in_(tickers)),
                DecisionRow.player_a != "",
            )
            for d in s.scalars(q.order_by(DecisionRow.id.desc())):
                info = (f"{d.player_a} vs {d.player_b}", d.match_start, d.event_ticker)
                for t in (d.ticker_a, d.ticker_b):
                    out.setdefault(t, info)
        return out

    def max_ids(self) -> tuple[int, int, int]:
        """The newest order, fill and scan ids of the book (0 when none)."""
        with self._factory() as s:
            order, fill, scan = (
                int(s.scalar(select(func.max(row.id)).where(*self._mine(row))) or 0)
                for row in (OrderRow, FillRow, ScanRow)
            )
            return order, fill, scan

    def orders_to_watch(self, ids: Sequence[int], after: int) -> list[OrderRow]:
        """The orders still open when last seen, and every order newer than `after`."""
        with self._factory() as s:
            q = select(OrderRow).where(*self._mine(OrderRow), or_(OrderRow.id.in_(ids), OrderRow.id > after))
            return list(s.scalars(q.order_by(OrderRow.id)))

    def fills_after(self, fill_id: int) -> list[FillRow]:
        with self._factory() as s:
            q = select(FillRow).where(*self._mine(FillRow), FillRow.id > fill_id)
            return list(s.scalars(q.order_by(FillRow.id)))

    def orders_by_exchange_id(self, order_ids: Iterable[str]) -> dict[str, OrderRow]:
        wanted = sorted(set(order_ids))
        if not wanted:
            return {}
        with self._factory() as s:
            q = select(OrderRow).where(*self._mine(OrderRow), OrderRow.order_id.in_(wanted))
            return {o.order_id: o for o in s.scalars(q) if o.order_id}

    def first_finished_scan_after(self, scan_id: int) -> ScanRow | None:
        with self._factory() as s:
            q = select(ScanRow).where(
                *self._mine(ScanRow), ScanRow.id > scan_id, ScanRow.finished_at.is_not(None)
            )
            return s.scalars(q.order_by(ScanRow.id).limit(1)).first()

    def shared_state(self) -> tuple[str, str, datetime | None]:
        """The global trading state (the kill switch's), its reason and when it was set."""
        with self._factory() as s:
            row = s.get(TradingStateRow, 1)
            return ("ACTIVE", "", None) if row is None else (row.state, row.reason, row.updated_at)

    def settled_count(self) -> int:
        with self._factory() as s:
            return int(s.scalar(select(func.count(SettlementRow.id)).where(*self._mine(SettlementRow))) or 0)
