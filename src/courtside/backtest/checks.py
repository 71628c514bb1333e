"""The backtest's built-in honesty checks: look-ahead (truncate the data, earlier decisions must not move)
and the control run (the model replaced by the market price must trade nothing after fees)."""

from __future__ import annotations

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

    @property
    def passed(self) -> bool:
        return not self.differences

    def as_dict(self) -> dict[str, object]:
        return {
            "cutoff": self.cutoff.isoformat(),
            "trades_compared": self.compared,
            "passed": self.passed,
            "differences": list(self.differences[:20]),
        }


def _decision(row: TradeRow) -> tuple[object, ...]:
    """Everything decided before the match: what was bought, at what price, how many, why."""
    return (row.date, row.ticker, row.side, row.route, row.price, row.contracts, row.maker, row.p_model)


def compare_before(cutoff: date, full: Sequence[TradeRow], truncated: Sequence[TradeRow]) -> LookaheadReport:
    """Decisions strictly before the cutoff must be identical, one for one and in order."""
    before = [_decision(r) for r in full if r.date < cutoff]
    other = [_decision(r) for r in truncated if r.date < cutoff]
    diffs = [f"full {a} != truncated {b}" for a, b in zip(before, other, strict=False) if a != b]
    if len(before) != len(other):
        diffs.append(f"{len(before)} trades before {cutoff} in the full run, {len(other)} when truncated")
    return LookaheadReport(cutoff=cutoff, compared=len(before), differences=tuple(diffs))


def lookahead_check(run_until: Callable[[date | None], RunResult], cutoff: date) -> LookaheadReport:
    """Run once on all data and once on data truncated at cutoff (exclusive); compare the decisions."""
    return compare_before(cutoff, run_until(None).rows, run_until(cutoff).rows)
