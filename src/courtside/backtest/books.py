"""Kalshi-like books for one historical match, built from the de-vigged closing odds.

A tennis match on Kalshi is an event with two YES markets, one per player (kalshi-api.md §5.2), each
with its own bids-only book (§2.6). We quote each market around the Shin fair price with a half-spread,
rounding outward onto the market's tick grid so that the synthetic book is never tighter than asked.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from enum import StrEnum

from courtside.domain.errors import DataError
from courtside.domain.market import Level, OrderBook
from courtside.domain.money import CENT, ONE, TickGrid
from courtside.pricing.devig import shin


class MarketSource(StrEnum):
    """Which closing odds the fair price comes from (tennis-data columns)."""

    PINNACLE = "pinnacle"
    AVERAGE = "average"

    @property
    def columns(self) -> tuple[str, str]:
        """The (winner, loser) odds columns."""
        return ("PSW", "PSL") if self is MarketSource.PINNACLE else ("AvgW", "AvgL")


@dataclass(frozen=True, slots=True)
class BookSpec:
    """How a synthetic book is laid out: half-spread around fair, levels, contracts per level."""

    half_spread: Decimal = Decimal("0.01")
    levels: int = 3
    depth: Decimal = Decimal("100")
    grid: TickGrid = field(default_factory=TickGrid)

    def __post_init__(self) -> None:
        if self.half_spread < 0 or self.levels < 1 or self.depth <= 0:
            raise ValueError(f"invalid book spec {self}")


@dataclass(frozen=True, slots=True)
class MatchBooks:
    """The two YES books of one match and the fair probability they were built around."""

    fair_a: float
    book_a: OrderBook
    book_b: OrderBook

    @property
    def fair_b(self) -> float:
        return 1.0 - self.fair_a


def fair_probability(odds_a: float, odds_b: float) -> float:
    """P(A wins) from two decimal odds, Shin de-vig (tennis-modelling.md §2.4: best calibrated)."""
    if not (math.isfinite(odds_a) and math.isfinite(odds_b)) or odds_a <= 1.0 or odds_b <= 1.0:
        raise DataError(f"odds must be finite and > 1, got {odds_a}, {odds_b}")
    return shin(odds_a, odds_b)


def fair_to_price(p: float) -> Decimal:
    """A float probability as a Decimal price with 6 places (a boundary conversion, never back)."""
    return Decimal(repr(p)).quantize(Decimal("0.000001"), rounding=ROUND_HALF_EVEN)


def _ladder(start: Decimal | None, spec: BookSpec, *, downward: bool) -> tuple[Level, ...]:
    """`spec.levels` grid prices from start, each one tick further from the fair price."""
    levels: list[Level] = []
    price = start
    while price is not None and len(levels) < spec.levels:
        levels.append(Level(price, spec.depth))
        price = spec.grid.next_down(price) if downward else spec.grid.next_up(price)
    return tuple(levels)


def yes_book(ticker: str, fair: Decimal, spec: BookSpec) -> OrderBook:
    """One market's book: YES bids at or below fair - h, YES asks (held as NO bids) at or above fair + h."""
    bid_top = spec.grid.round_down(fair - spec.half_spread) if fair - spec.half_spread > 0 else None
    ask_top = spec.grid.round_up(fair + spec.half_spread) if fair + spec.half_spread < ONE else None
    yes_bids = _ladder(bid_top, spec, downward=True)
    yes_asks = _ladder(ask_top, spec, downward=False)
    no_bids = tuple(Level(ONE - lvl.price, lvl.size) for lvl in yes_asks)
    return OrderBook(ticker=ticker, yes_bids=yes_bids, no_bids=no_bids)


def build_books(fair_a: float, ticker_a: str, ticker_b: str, spec: BookSpec) -> MatchBooks:
    """Both YES books of a match around fair_a and 1 - fair_a."""
    if not 0.0 < fair_a < 1.0:
        raise DataError(f"fair probability {fair_a} outside (0, 1)")
    price_a = fair_to_price(fair_a)
    return MatchBooks(
        fair_a=fair_a,
        book_a=yes_book(ticker_a, price_a, spec),
        book_b=yes_book(ticker_b, ONE - price_a, spec),
    )


def fair_settlement_price(fair: float) -> Decimal:
    """The fair price a no-ball-played market resolves to, to the cent (kalshi-api.md §5.4)."""
    return Decimal(repr(fair)).quantize(CENT, rounding=ROUND_HALF_EVEN)
