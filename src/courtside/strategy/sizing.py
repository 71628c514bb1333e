"""How many contracts: fractional Kelly on the all-in cost, then every cap; whole contracts only.

The exposure and cash caps are the room left *now*: the caller passes the exposure and cash after
every order placed so far (earlier matches of the scan, earlier --stream reactions), so an order
that would not fit is made smaller instead of being refused by the exposure check.
"""

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
    """The count, which cap bound it, and (when no whole contract fits) why, in words."""

    count: Decimal
    binding: str
    reason: str = ""


def _whole(value: Decimal) -> Decimal:
    return max(ZERO, value.to_integral_value(rounding=ROUND_FLOOR))


def all_in_cost(quote: Quote) -> Decimal:
    """What an order at this quote ties up: contracts x average price + the order's (rounded) fee.
    The exposure check, the room left and the trader's running exposure all count it this way."""
    return quote.count * quote.avg_price + quote.fee


def room(params: SizingParams, open_exposure: Decimal, cash: Decimal | None) -> Decimal:
    """Dollars a new order may still tie up: the exposure limit left, and the cash left if known."""
    left = params.max_exposure - open_exposure
    return left if cash is None else min(left, cash)


def size(
    quote: Quote, params: SizingParams, bankroll: Decimal, open_exposure: Decimal, cash: Decimal | None = None
) -> Size:
    """The smallest of Kelly, --max-size, depth at the price, the per-match share, the exposure room
    left and the cash left; a zero size says which cap left no room for one whole contract."""
    cost = quote.avg_price + quote.fee_per_contract
    if cost <= 0:
        return Size(ZERO, "no cost", "no price to size on")
    caps = {
        "kelly": kelly_contracts(quote.p, cost, bankroll, params.kelly_fraction),
        "max-size": _whole(params.max_size),
        "match share": _whole(params.max_match_fraction * bankroll / cost),
        "exposure": _whole((params.max_exposure - open_exposure) / cost),
    }
    if cash is not None:
        caps["cash"] = _whole(cash / cost)
    if quote.style is Style.TAKER:
        caps["depth"] = _whole(quote.depth)
    binding = min(caps, key=lambda k: caps[k])
    count = caps[binding]
    return Size(
        count, binding, "" if count > 0 else _none_fits(binding, cost, params, bankroll, open_exposure, cash)
    )


def _none_fits(
    binding: str,
    cost: Decimal,
    params: SizingParams,
    bankroll: Decimal,
    open_exposure: Decimal,
    cash: Decimal | None,
) -> str:
    """Why fewer than one whole contract fits; the figures in parentheses (the backtest counts the rest)."""
    one = f"one contract costs ${cost:.4f} all-in"
    if binding == "exposure":
        left = max(ZERO, params.max_exposure - open_exposure)
        return (
            f"fewer than 1 whole contract fits the exposure room left (${left:.2f} of max-exposure "
            f"{params.max_exposure} with ${open_exposure:.2f} open; {one})"
        )
    if binding == "cash":
        return f"fewer than 1 whole contract fits the cash left (${max(ZERO, cash or ZERO):.2f}; {one})"
    if binding == "match share":
        share = params.max_match_fraction * bankroll
        return (
            f"fewer than 1 whole contract fits the per-match share (${share:.2f} of ${bankroll:.2f}; {one})"
        )
    if binding == "kelly":
        return f"fewer than 1 whole contract at fractional Kelly (bankroll ${bankroll:.2f}; {one})"
    return f"fewer than 1 whole contract fits the {binding} cap"
