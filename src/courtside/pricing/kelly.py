"""Fractional Kelly sizing for a binary contract bought at an all-in cost.

A contract costing c (price plus fee per contract) that pays 1 with probability p has
Kelly fraction f* = (p - c) / (1 - c) of bankroll.
"""

from __future__ import annotations

from decimal import ROUND_FLOOR, Decimal

from courtside.domain.money import ONE, ZERO


def kelly_fraction(p: float, cost: Decimal) -> Decimal:
    """Full-Kelly share of bankroll to stake; zero when there is no edge."""
    if not ZERO < cost < ONE:
        return ZERO
    edge = Decimal(str(p)) - cost
    if edge <= 0:
        return ZERO
    return edge / (ONE - cost)


def kelly_contracts(p: float, cost: Decimal, bankroll: Decimal, fraction: Decimal) -> Decimal:
    """Whole contracts for fractional Kelly: floor(fraction x f* x bankroll / cost)."""
    if bankroll <= 0 or fraction <= 0 or cost <= 0:
        return ZERO
    stake = fraction * kelly_fraction(p, cost) * bankroll
    return (stake / cost).to_integral_value(rounding=ROUND_FLOOR)
