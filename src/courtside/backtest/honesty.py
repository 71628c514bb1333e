"""The backtest's built-in honesty checks: look-ahead (truncate the data, earlier decisions must not move)
and the control run (the model replaced by the market price must trade nothing after fees)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date

from courtside.backtest.engine import RunResult
from courtside.backtest.records import TradeRow


@dataclass(frozen=True, slots=True)
class LookaheadReport:
    """The two runs compared on the decisions dated before the cutoff."""

    cutoff: date
    compared: int  # trades before the cutoff in the full run
    differences: tuple[str, ...]
    orders_changed: int = 0  # differences in what was bought, not only in the model probability
    forecasts_compared: int = 0  # matches before the cutoff the full run priced, traded or not
    forecasts_changed: int = 0

    @property
    def passed(self) -> bool:
        return not self.differences and not self.forecasts_changed

    def as_dict(self) -> dict[str, object]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "trades_compared": self.compared,
            "passed": self.passed,
            "differences_total": len(self.differences),
            "orders_changed": self.orders_changed,
            "forecasts_compared": self.forecasts_compared,
            "forecasts_changed": self.forecasts_changed,
            "differences": list(self.differences[:20]),
        }


def _decision(row: TradeRow) -> tuple[object, ...]:
    """Everything decided before the match: what was bought, at what price, how many, why."""
    return (row.date, row.ticker, row.side, row.route, row.price, row.contracts, row.maker, row.p_model)


def _by_market(rows: Sequence[TradeRow], cutoff: date) -> dict[tuple[date, str], list[tuple[object, ...]]]:
    out: dict[tuple[date, str], list[tuple[object, ...]]] = defaultdict(list)
    for row in rows:
        if row.date < cutoff:
            out[(row.date, row.ticker)].append(_decision(row))
    return out


def compare_before(cutoff: date, full: Sequence[TradeRow], truncated: Sequence[TradeRow]) -> LookaheadReport:
    """Decisions strictly before the cutoff must be identical, market by market."""
    before, other = _by_market(full, cutoff), _by_market(truncated, cutoff)
    diffs: list[str] = []
    changed = 0
    for key in sorted(set(before) | set(other), key=lambda k: (k[0], k[1])):
        a, b = before.get(key, []), other.get(key, [])
        if a != b:
            diffs.append(f"{key[0]} {key[1]}: full {a} != truncated {b}")
            changed += [d[:-1] for d in a] != [d[:-1] for d in b]  # more than the model probability moved
    return LookaheadReport(cutoff, sum(len(v) for v in before.values()), tuple(diffs), changed)


def changed_forecasts(
    cutoff: date, full: Sequence[tuple[date, str, float]], truncated: Sequence[tuple[date, str, float]]
) -> tuple[int, list[str]]:
    """Every match before the cutoff, traded or not, must get the same P(A) (exactly) in both runs."""
    before = {(d, e): p for d, e, p in full if d < cutoff}
    other = {(d, e): p for d, e, p in truncated if d < cutoff}
    diffs = []
    for key in sorted(set(before) | set(other)):
        if before.get(key) != other.get(key):
            diffs.append(f"{key[0]} {key[1]}: P(A) full {before.get(key)} != truncated {other.get(key)}")
    return len(before), diffs


def lookahead_check(run_until: Callable[[date | None], RunResult], cutoff: date) -> LookaheadReport:
    """Run once on all data and once on data truncated at cutoff (exclusive); compare the decisions
    (trades) and the model's forecast of every match before the cutoff, traded or not."""
    full, truncated = run_until(None), run_until(cutoff)
    trades = compare_before(cutoff, full.rows, truncated.rows)
    compared, moved = changed_forecasts(cutoff, full.forecasts, truncated.forecasts)
    return replace(
        trades,
        differences=trades.differences + tuple(moved[:20]),
        forecasts_compared=compared,
        forecasts_changed=len(moved),
    )
