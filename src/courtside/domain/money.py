"""Decimal money, prices and counts, and the tick grid from a market's `price_ranges`.

Prices are YES-leg dollars in [0, 1]; counts are contracts with 0.01 granularity
(kalshi-api.md §2 conventions). Never floats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation

ZERO = Decimal("0")
ONE = Decimal("1")
CENT = Decimal("0.01")
CENTICENT = Decimal("0.0001")
COUNT_STEP = Decimal("0.01")


def dec(value: str | int | Decimal) -> Decimal:
    """Build a Decimal from a string or int; floats are refused so no binary error sneaks in."""
    if isinstance(value, float):  # pragma: no cover - guarded by the type, kept for runtime callers
        raise TypeError("floats are not money: pass a string")
    try:
        result = Decimal(value)
    except InvalidOperation as e:
        raise ValueError(f"not a decimal number: {value!r}") from e
    if not result.is_finite():
        raise ValueError(f"not a finite number: {value!r}")
    return result


def fmt_dollars(value: Decimal, places: int = 4) -> str:
    """Kalshi's fixed-point dollar string: 4 dp for prices in requests, 6 dp for money fields."""
    return f"{value.quantize(Decimal(1).scaleb(-places)):.{places}f}"


def fmt_count(value: Decimal) -> str:
    """Kalshi's fixed-point count string, 2 dp."""
    return f"{value.quantize(COUNT_STEP):.2f}"


def ceil_to(value: Decimal, step: Decimal) -> Decimal:
    """Round up to a multiple of step (fees round up to the centicent)."""
    return (value / step).to_integral_value(rounding=ROUND_CEILING) * step


def floor_to(value: Decimal, step: Decimal) -> Decimal:
    """Round down to a multiple of step."""
    return (value / step).to_integral_value(rounding=ROUND_FLOOR) * step


@dataclass(frozen=True, slots=True)
class PriceBand:
    """One `{start, end, step}` entry of `price_ranges`."""

    start: Decimal
    end: Decimal
    step: Decimal


LINEAR_CENT = (PriceBand(ZERO, ONE, CENT),)


@dataclass(frozen=True, slots=True)
class TickGrid:
    """The valid prices of a market, from `price_ranges` (the source of truth, not the label)."""

    bands: tuple[PriceBand, ...] = LINEAR_CENT

    @classmethod
    def of(cls, bands: Sequence[PriceBand]) -> TickGrid:
        if not bands:
            raise ValueError("price_ranges is empty")
        return cls(tuple(sorted(bands, key=lambda b: b.start)))

    def _band(self, price: Decimal) -> PriceBand | None:
        for band in self.bands:
            if band.start <= price <= band.end:
                return band
        return None

    def is_valid(self, price: Decimal) -> bool:
        """True when 0 < price < 1 and price sits on its band's grid."""
        if not ZERO < price < ONE:
            return False
        return any(b.start <= price <= b.end and (price - b.start) % b.step == 0 for b in self.bands)

    def on_grid(self, price: Decimal) -> bool:
        """True when price is a grid point in [0, 1], the ends included (a quote of $0 or $1 is
        Kalshi's sentinel for an empty side, kalshi-api.md §2.5)."""
        if not ZERO <= price <= ONE:
            return False
        return any(b.start <= price <= b.end and (price - b.start) % b.step == 0 for b in self.bands)

    def round_down(self, price: Decimal) -> Decimal | None:
        """The highest valid price <= price, or None."""
        band = self._band(price)
        if band is None:
            return None
        snapped = band.start + floor_to(price - band.start, band.step)
        return snapped if self.is_valid(snapped) else None

    def round_up(self, price: Decimal) -> Decimal | None:
        """The lowest valid price >= price, or None."""
        band = self._band(price)
        if band is None:
            return None
        snapped = band.start + ceil_to(price - band.start, band.step)
        if snapped > band.end:
            return None
        return snapped if self.is_valid(snapped) else None

    def step_at(self, price: Decimal) -> Decimal:
        """The tick size at a price (the finer band wins on a boundary)."""
        steps = [b.step for b in self.bands if b.start <= price <= b.end]
        if not steps:
            raise ValueError(f"price {price} outside price_ranges")
        return min(steps)

    def next_up(self, price: Decimal) -> Decimal | None:
        """The next valid price strictly above price."""
        candidate = self.round_up(price + self.step_at(price) if self.is_valid(price) else price)
        return candidate if candidate is not None and candidate > price else None

    def next_down(self, price: Decimal) -> Decimal | None:
        """The next valid price strictly below price."""
        candidate = self.round_down(price - self.step_at(price) if self.is_valid(price) else price)
        return candidate if candidate is not None and candidate < price else None
