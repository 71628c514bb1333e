"""Reads of one book of the journal that the dashboard needs and the trader does not: the newest scans
and decisions (a limit, not the whole history), decisions by id, the match of a market, counts."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy import func, or_, select

from courtside.store.db import session_factory
from courtside.store.journal import Journal
from courtside.store.journal_tables import DecisionRow, EquityRow, OrderRow, ScanRow, SettlementRow

MatchInfo = tuple[str, datetime | None, str]  # "A vs B", the scheduled start, the event ticker


class JournalReads:
    def __init__(self, journal: Journal) -> None:
        self.exchange = journal.exchange
        self.mode = str(journal.mode)
        self._factory = session_factory(journal.engine)

    def _mine(self, row: type[ScanRow] | type[DecisionRow] | type[OrderRow] | type[SettlementRow]) -> tuple[object, ...]:
        return (row.exchange == self.exchange, row.mode == self.mode)

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
            q = select(DecisionRow).where(*self._mine(DecisionRow)).order_by(DecisionRow.id.desc()).limit(limit)
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

    def settled_count(self) -> int:
        with self._factory() as s:
            return int(s.scalar(select(func.count(SettlementRow.id)).where(*self._mine(SettlementRow))) or 0)
