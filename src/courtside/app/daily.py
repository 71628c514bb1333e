"""The day's summary for the alert feed: realised P&L net of fees of the markets settled that day (UTC),
its fills, the exposure open now, and its best and worst trade (settled fills, as `courtside report`
scores them)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from courtside.alerts.events import DailySummary, count, money, price
from courtside.domain.mode import Mode
from courtside.domain.orders import Outcome, outcome_price_for
from courtside.reports.performance import JournalFill, journal_fills
from courtside.store.journal import Journal

OPEN = ("intent", "unknown", "resting")


def _trade(f: JournalFill) -> str:
    pnl = f.pnl or Decimal(0)
    sign = "+" if pnl > 0 else ""
    return f"{f.ticker} {f.outcome.value.upper()} {count(f.count)} @ {price(f.price)}: {sign}{money(pnl)}"


def open_exposure(journal: Journal) -> Decimal:
    """Open positions at cost and what the resting orders would still buy."""
    held = sum((p.exposure for p in journal.positions()), Decimal(0))
    resting = sum(
        (
            (o.count - o.fill_count) * outcome_price_for(Outcome(o.outcome), o.yes_price)
            for o in journal.orders(statuses=OPEN)
        ),
        Decimal(0),
    )
    return held + resting


def daily_summary(journal: Journal, mode: Mode, day: date) -> DailySummary:
    start = datetime.combine(day, time(0), tzinfo=UTC)
    end = start + timedelta(days=1)
    fills = journal_fills(journal)
    settled = [
        f for f in fills if f.pnl is not None and f.settled_time is not None and start <= f.settled_time < end
    ]
    ranked = sorted(settled, key=lambda f: f.pnl or Decimal(0))
    pnl = journal.realized_since(start) - journal.realized_since(end)
    return DailySummary(
        mode=mode, day=day, pnl=pnl, fills=sum(1 for f in fills if start <= f.ts < end),
        open_exposure=open_exposure(journal),
        best_trade=_trade(ranked[-1]) if ranked and (ranked[-1].pnl or 0) > 0 else None,
        worst_trade=_trade(ranked[0]) if ranked and (ranked[0].pnl or 0) < 0 else None,
    )  # fmt: skip
