"""Scoring a list of settled bets: P&L, ROI, CLV, hit rate, drawdown, weekly Sharpe, bootstrap ROI.

Used by the backtest and by `courtside report` on the trader's journal. Money sums stay Decimal;
ratios and statistics are floats. The ROI interval is a calendar-week block bootstrap
(tennis-modelling.md §4.5) with a seeded generator, so the same bets always give the same interval.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import numpy as np

from courtside.domain.money import ZERO


@dataclass(frozen=True, slots=True)
class Bet:
    """One settled order, as the metrics see it."""

    day: date
    contracts: Decimal
    cost: Decimal  # contracts x price paid
    fee: Decimal
    pnl: Decimal
    p_model: float  # probability the bought leg pays
    value: Decimal  # settlement value per contract of the leg
    clv: float | None = None  # reference probability minus price, per contract


@dataclass(frozen=True, slots=True)
class Summary:
    """The headline figures of a run."""

    trades: int
    contracts: Decimal
    turnover: Decimal
    fees: Decimal
    pnl: Decimal
    roi: float | None
    mean_clv: float | None
    hit_rate: float | None
    max_drawdown: Decimal
    max_drawdown_pct: float | None
    weekly_sharpe: float | None
    roi_ci: tuple[float, float] | None

    def as_dict(self) -> dict[str, object]:
        def num(value: Decimal) -> str:
            return format(value, "f")

        return {
            "trades": self.trades,
            "contracts": num(self.contracts),
            "turnover": num(self.turnover),
            "fees": num(self.fees),
            "pnl": num(self.pnl),
            "roi": self.roi,
            "roi_ci_95": list(self.roi_ci) if self.roi_ci else None,
            "mean_clv": self.mean_clv,
            "hit_rate": self.hit_rate,
            "max_drawdown": num(self.max_drawdown),
            "max_drawdown_pct": self.max_drawdown_pct,
            "weekly_sharpe": self.weekly_sharpe,
        }


def roi(bets: Sequence[Bet]) -> float | None:
    """P&L over turnover (money paid for contracts, fees excluded); None when nothing was bought."""
    turnover = sum((b.cost for b in bets), ZERO)
    return float(sum((b.pnl for b in bets), ZERO) / turnover) if turnover > 0 else None


def mean_clv(bets: Sequence[Bet]) -> float | None:
    """Contract-weighted mean closing-line value per contract (probability points)."""
    pairs = [(b.clv, float(b.contracts)) for b in bets if b.clv is not None]
    weight = sum(w for _, w in pairs)
    return sum(c * w for c, w in pairs) / weight if weight > 0 else None


def hit_rate(bets: Sequence[Bet]) -> float | None:
    """Share of bets that made money."""
    return sum(1 for b in bets if b.pnl > 0) / len(bets) if bets else None


def daily_pnl(bets: Sequence[Bet]) -> dict[date, Decimal]:
    """P&L per settlement day, in day order (bets of one day settle together)."""
    by_day: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for bet in bets:
        by_day[bet.day] += bet.pnl
    return dict(sorted(by_day.items()))


def max_drawdown(bets: Sequence[Bet], start: Decimal) -> tuple[Decimal, float | None]:
    """Largest fall of the end-of-day equity from a previous peak, in dollars and as a share of it.

    Bets of one day are summed first: their order within the day is not a real sequence of
    settlements, so it must not make a drawdown."""
    equity = peak = start
    worst, worst_pct = ZERO, 0.0
    for pnl in daily_pnl(bets).values():
        equity += pnl
        peak = max(peak, equity)
        if peak - equity > worst:
            worst = peak - equity
            worst_pct = float(worst / peak) if peak > 0 else math.inf
    return worst, (worst_pct if start > 0 else None)


def week_of(day: date) -> date:
    """The Monday of day's calendar week."""
    return day - timedelta(days=day.weekday())


def weekly_pnl(bets: Sequence[Bet]) -> dict[date, Decimal]:
    """P&L per calendar week, weeks without bets included as zero."""
    if not bets:
        return {}
    by_week: dict[date, Decimal] = defaultdict(lambda: ZERO)
    for bet in bets:
        by_week[week_of(bet.day)] += bet.pnl
    first, last = min(by_week), max(by_week)
    weeks = [first + timedelta(weeks=i) for i in range((last - first).days // 7 + 1)]
    return {w: by_week.get(w, ZERO) for w in weeks}


def weekly_sharpe(bets: Sequence[Bet], bankroll: Decimal) -> float | None:
    """Annualised Sharpe of weekly returns on the starting bankroll: mean/sd x sqrt(52)."""
    returns = np.array([float(v / bankroll) for v in weekly_pnl(bets).values()]) if bankroll > 0 else None
    if returns is None or len(returns) < 2:
        return None
    sd = float(returns.std(ddof=1))
    return float(returns.mean()) / sd * math.sqrt(52) if sd > 0 else None


def bootstrap_roi(
    bets: Sequence[Bet], *, reps: int = 2000, seed: int = 7, level: float = 0.95
) -> tuple[float, float] | None:
    """Percentile interval of ROI, resampling calendar weeks with replacement (seeded)."""
    pnl: dict[date, float] = defaultdict(float)
    cost: dict[date, float] = defaultdict(float)
    for bet in bets:
        pnl[week_of(bet.day)] += float(bet.pnl)
        cost[week_of(bet.day)] += float(bet.cost)
    if len(pnl) < 2:
        return None
    weeks = sorted(pnl)
    p = np.array([pnl[w] for w in weeks])
    c = np.array([cost[w] for w in weeks])
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(weeks), size=(reps, len(weeks)))
    totals = c[idx].sum(axis=1)
    ratios = p[idx].sum(axis=1)[totals > 0] / totals[totals > 0]
    tail = (1.0 - level) / 2.0
    return float(np.quantile(ratios, tail)), float(np.quantile(ratios, 1.0 - tail))


def summarise(bets: Sequence[Bet], bankroll: Decimal, *, seed: int = 7) -> Summary:
    """Every headline figure of a list of bets."""
    drawdown, drawdown_pct = max_drawdown(bets, bankroll)
    return Summary(
        trades=len(bets),
        contracts=sum((b.contracts for b in bets), ZERO),
        turnover=sum((b.cost for b in bets), ZERO),
        fees=sum((b.fee for b in bets), ZERO),
        pnl=sum((b.pnl for b in bets), ZERO),
        roi=roi(bets),
        mean_clv=mean_clv(bets),
        hit_rate=hit_rate(bets),
        max_drawdown=drawdown,
        max_drawdown_pct=drawdown_pct,
        weekly_sharpe=weekly_sharpe(bets, bankroll),
        roi_ci=bootstrap_roi(bets, seed=seed),
    )


@dataclass(frozen=True, slots=True)
class BucketRow:
    """P&L of one group of bets."""

    bucket: str
    trades: int
    turnover: Decimal
    pnl: Decimal
    roi: float | None


def by_bucket(bets: Sequence[Bet], labels: Sequence[str]) -> list[BucketRow]:
    """Group bets by a label each (tour, level, surface, edge bucket) and score each group."""
    groups: dict[str, list[Bet]] = defaultdict(list)
    for bet, label in zip(bets, labels, strict=True):
        groups[label].append(bet)
    return [
        BucketRow(
            bucket=label,
            trades=len(group),
            turnover=sum((b.cost for b in group), ZERO),
            pnl=sum((b.pnl for b in group), ZERO),
            roi=roi(group),
        )
        for label, group in sorted(groups.items())
    ]


EDGE_EDGES = (0.0, 0.02, 0.04, 0.06, 0.10)


def edge_bucket(edge: float, edges: Sequence[float] = EDGE_EDGES) -> str:
    """A label like '0.02-0.04' for an expected edge per contract; the last bucket is open-ended."""
    if edge < edges[0]:
        return f"<{edges[0]:.2f}"
    for low, high in itertools.pairwise(edges):
        if edge < high:
            return f"{low:.2f}-{high:.2f}"
    return f">={edges[-1]:.2f}"
