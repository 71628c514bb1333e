"""Handing out the room best first: when a ranked intent is refused because better ones placed before
it used the orders-per-scan cap, the exposure room or the cash, its reason says which ones did."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from courtside.risk.checks import (
    ALL_CHECKS,
    Check,
    Proposal,
    RiskLimits,
    RiskView,
    check_exposure,
    check_orders_per_scan,
)
from courtside.strategy.decide import NoTrade
from courtside.strategy.rank import better

ROOM_CHECKS: dict[Check, str] = {
    check_orders_per_scan: "orders-per-scan cap",
    check_exposure: "exposure room",
}


def risk_refusals(
    p: Proposal,
    view: RiskView,
    before: RiskView | None,
    limits: RiskLimits,
    taken: Sequence[tuple[int, str]],
) -> tuple[str, ...]:
    """Every risk check's reason to refuse; a room check that passed on `before` (the view before the
    orders of this round) and fails now names the better orders that took that room."""
    reasons: list[str] = []
    for check in ALL_CHECKS:
        reason = check(p, view, limits)
        if reason is None:
            continue
        what = ROOM_CHECKS.get(check)
        if what and taken and before is not None and check(p, before, limits) is None:
            reason = f"{what} taken by better {better(taken)} ({reason})"
        reasons.append(reason)
    return tuple(reasons)


def room_taken(refusal: NoTrade, taken: Sequence[tuple[int, str]]) -> NoTrade:
    """A candidate that sized on the room before this round's orders and sizes to nothing now."""
    if not taken:
        return refusal
    note = f"room taken by better {better(taken)}"
    return replace(refusal, reasons=tuple(f"{note} ({r})" for r in refusal.reasons))
