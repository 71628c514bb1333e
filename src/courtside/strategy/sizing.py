"""How many contracts: fractional Kelly on the all-in cost, then every cap; whole contracts only."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from courtside.domain.money import ZERO
from courtside.pricing.edge import Quote, Style
from courtside.pricing.kelly import kelly_contracts


@dataclass(frozen=True, slots=True)
class SizingParams:
    kelly_fraction: Decimal = Decimal("0.25")
    max_size: Decimal = Decimal(10)
    max_match_fraction: Decimal = Decimal("0.05")  # of bankroll, all-in cost, per match
    max_exposure: Decimal = Decimal(500)  # dollars at risk across open positions and orders


@dataclass(frozen=True, slots=True)
class Size:
    """The count and which cap bound it (for the journal and the log)."""

    count: Decimal
    binding: str


def _whole(value: Decimal) -> Decimal:
    return max(ZERO, value.to_integral_value(rounding=ROUND_FLOOR))


def size(quote: Quote, params: SizingParams, bankroll: Decimal, open_exposure: Decimal) -> Size:
    """The smallest of Kelly, --max-size, depth at the price, the per-match share and the exposure room."""
    cost = quote.avg_price + quote.fee_per_contract
    if cost <= 0:
        return Size(ZERO, "no cost")
    caps = {
        "kelly": kelly_contracts(quote.p, cost, bankroll, params.kelly_fraction),
        "max-size": _whole(params.max_size),
        "match share": _whole(params.max_match_fraction * bankroll / cost),
        "exposure": _whole((params.max_exposure - open_exposure) / cost),
    }
    if quote.style is Style.TAKER:
        caps["depth"] = _whole(quote.depth)
    binding = min(caps, key=lambda k: caps[k])
    return Size(caps[binding], binding)
