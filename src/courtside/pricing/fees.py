"""Kalshi trading fees per fill.

fee = roundup_0.0001(rate x M x C x P x (1 - P)), taker rate 0.07, maker 0.0175 on
`quadratic_with_maker_fees` (0.035 on combo maker fees, 0 on plain `quadratic`).
Source: https://kalshi.com/docs/kalshi-fee-schedule.pdf and docs:getting_started/fee_rounding
(kalshi-api.md §4.1). No fee at settlement.
"""

from __future__ import annotations

from decimal import Decimal

from courtside.domain.market import FeeSchedule, FeeType
from courtside.domain.money import CENTICENT, ONE, ZERO, ceil_to

TAKER_RATE = Decimal("0.07")
MAKER_RATES: dict[FeeType, Decimal] = {
    FeeType.QUADRATIC: ZERO,
    FeeType.QUADRATIC_WITH_MAKER_FEES: Decimal("0.0175"),
    FeeType.QUADRATIC_WITH_COMBO_MAKER_FEES: Decimal("0.035"),
    FeeType.FLAT: ZERO,
}


def fee_rate(schedule: FeeSchedule, *, maker: bool) -> Decimal:
    """The rate before the multiplier: 0.07 for takers, the series' maker rate otherwise."""
    return MAKER_RATES[schedule.fee_type] if maker else TAKER_RATE


def kalshi_fee(count: Decimal, price: Decimal, schedule: FeeSchedule, *, maker: bool = False) -> Decimal:
    """The fee of one fill of `count` contracts at `price` (either leg: the fee is symmetric)."""
    if count < 0 or not ZERO <= price <= ONE:
        raise ValueError(f"fee of count={count} price={price} is undefined")
    raw = fee_rate(schedule, maker=maker) * schedule.multiplier * count * price * (ONE - price)
    return ceil_to(raw, CENTICENT)


def fee_per_contract(
    count: Decimal, price: Decimal, schedule: FeeSchedule, *, maker: bool = False
) -> Decimal:
    """The all-in fee per contract for an order of `count`, rounding included (small orders pay more)."""
    if count <= 0:
        raise ValueError("count must be positive")
    return kalshi_fee(count, price, schedule, maker=maker) / count
