"""The backtest's built-in honesty checks: look-ahead (truncate the data, earlier decisions must not move)
and the control run (the model replaced by the market price must trade nothing after fees)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
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

    @property
    def passed(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, object]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "trades_compared": self.compared,
            "passed": self.passed,
            "differences_total": len(self.differences),
            "orders_changed": self.orders_changed,
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


def lookahead_check(run_until: Callable[[date | None], RunResult], cutoff: date) -> LookaheadReport:
    """Run once on all data and once on data truncated at cutoff (exclusive); compare the decisions."""
    return compare_before(cutoff, run_until(None).rows, run_until(cutoff).rows)
