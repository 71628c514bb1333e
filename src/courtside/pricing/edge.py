"""Executable edge and expected value of every way to back either player of a match (pure).

A two-market match can be backed four ways: YES on A or NO on B (both pay if A wins), YES on B or NO
on A. Each can be taken (at the implied ask, walking depth) or made (joining the best bid, or one
tick better when that does not cross). EV per dollar = (p - price - fee/C) / (price + fee/C), with
Kalshi's fee and rounding (kalshi-api.md §4.1-4.2).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum

from courtside.domain.market import FeeSchedule, Level, OrderBook
from courtside.domain.money import ONE, ZERO, TickGrid
from courtside.domain.orders import BookSide, Outcome, yes_price_for
from courtside.pricing.fees import kalshi_fee


class Style(StrEnum):
    TAKER = "taker"
    MAKER = "maker"


@dataclass(frozen=True, slots=True)
class Route:
    """Buy `outcome` on market `ticker`; it pays when player `backs` ('a' or 'b') wins."""

    ticker: str
    code: str  # the market's ticker suffix
    outcome: Outcome
    backs: str

    @property
    def side(self) -> BookSide:
        return BookSide.to_buy(self.outcome)

    def probability(self, p_a: float) -> float:
        """The probability this route pays, given P(A wins)."""
        return p_a if self.backs == "a" else 1.0 - p_a

    @property
    def label(self) -> str:
        """Short, order-id safe: 'Y-LEP' = YES on the LEP market."""
        return f"{'Y' if self.outcome is Outcome.YES else 'N'}-{self.code}"


@dataclass(frozen=True, slots=True)
class EdgeParams:
    """Reference size and the guards that make an edge believable."""

    ref_count: Decimal = Decimal(10)
    min_value: Decimal = Decimal("0.02")  # levels worse than p - min_value are not walked into
    max_edge: Decimal = Decimal("0.25")
    min_depth: Decimal = Decimal(1)
    max_spread: Decimal = Decimal("0.15")


@dataclass(frozen=True, slots=True)
class Quote:
    """One route at one style: the price we would pay, how much, the fee, the edge and the EV."""

    route: Route
    style: Style
    p: float  # probability the route pays
    price: Decimal  # limit price in the outcome's terms (the worst level walked for a taker)
    avg_price: Decimal
    count: Decimal
    depth: Decimal  # contracts offered at or better than `price` (takers); ref_count for makers
    fee: Decimal  # for `count` contracts
    value_edge: Decimal
    ev: Decimal
    spread: Decimal | None
    refusals: tuple[str, ...] = field(default_factory=tuple)

    @property
    def yes_price(self) -> Decimal:
        """The V2 order price on the YES leg."""
        return yes_price_for(self.route.outcome, self.price)

    @property
    def fee_per_contract(self) -> Decimal:
        return self.fee / self.count if self.count > 0 else ZERO

    @property
    def ok(self) -> bool:
        return not self.refusals


def ev_per_dollar(p: float, price: Decimal, fee_per_contract: Decimal) -> Decimal:
    """(p - price - fee/C) / (price + fee/C): the return on the all-in cost of one contract."""
    cost = price + fee_per_contract
    if cost <= 0:
        return ZERO
    return (Decimal(str(p)) - cost) / cost


def _asks(book: OrderBook, outcome: Outcome) -> tuple[Level, ...]:
    levels = book.yes_asks if outcome is Outcome.YES else book.no_asks
    return tuple(sorted(levels, key=lambda lvl: lvl.price))


def _bids(book: OrderBook, outcome: Outcome) -> tuple[Level, ...]:
    levels = book.yes_bids if outcome is Outcome.YES else book.no_bids
    return tuple(sorted(levels, key=lambda lvl: lvl.price, reverse=True))


def walk(asks: tuple[Level, ...], want: Decimal, worst: Decimal) -> list[Level]:
    """The fills a taker of `want` contracts gets, best level first, never above `worst`.

    The best level is always taken (so a quote exists to show why it is refused)."""
    fills: list[Level] = []
    left = want
    for i, level in enumerate(asks):
        if left <= 0 or (i > 0 and level.price > worst):
            break
        take = min(left, level.size)
        fills.append(Level(level.price, take))
        left -= take
    return fills


def _guards(params: EdgeParams, value: Decimal, depth: Decimal, spread: Decimal | None) -> tuple[str, ...]:
    reasons = []
    if value > params.max_edge:
        reasons.append(f"edge {value:.4f} above the believable maximum {params.max_edge}")
    if depth < params.min_depth:
        reasons.append(f"depth {depth} below {params.min_depth} at the price")
    if spread is None:
        reasons.append("one-sided book")
    elif spread > params.max_spread:
        reasons.append(f"spread {spread} above {params.max_spread}")
    return tuple(reasons)


def taker_quote(
    route: Route, p: float, book: OrderBook, fees: FeeSchedule, params: EdgeParams
) -> Quote | None:
    """Take the implied asks of `route` up to ref_count, one fill (and one rounded fee) per level."""
    asks = _asks(book, route.outcome)
    if not asks:
        return None
    worst = Decimal(str(p)) - params.min_value
    fills = walk(asks, params.ref_count, worst)
    count = sum((f.size for f in fills), ZERO)
    cost = sum((f.price * f.size for f in fills), ZERO)
    fee = sum((kalshi_fee(f.size, f.price, fees) for f in fills), ZERO)
    avg = cost / count
    price = fills[-1].price
    depth = sum((lvl.size for lvl in asks if lvl.price <= price), ZERO)
    value = Decimal(str(p)) - avg
    return Quote(
        route,
        Style.TAKER,
        p,
        price,
        avg,
        count,
        depth,
        fee,
        value,
        ev_per_dollar(p, avg, fee / count),
        book.spread(),
        _guards(params, value, depth, book.spread()),
    )


def maker_price(book: OrderBook, outcome: Outcome, grid: TickGrid) -> Decimal | None:
    """Join the best bid of `outcome`, or improve it by one tick when that neither crosses nor
    leaves the grid. Prices are in the outcome's terms; the grid is on the YES leg."""
    bids = _bids(book, outcome)
    if not bids:
        return None
    best = bids[0].price
    asks = _asks(book, outcome)
    yes_best = yes_price_for(outcome, best)
    yes_better = grid.next_up(yes_best) if outcome is Outcome.YES else grid.next_down(yes_best)
    if yes_better is None:
        return best
    better = yes_price_for(outcome, yes_better)  # the map q -> 1 - q is its own inverse
    if asks and better >= asks[0].price:
        return best
    return better


def maker_quote(
    route: Route, p: float, book: OrderBook, grid: TickGrid, fees: FeeSchedule, params: EdgeParams
) -> Quote | None:
    """Rest a bid for ref_count contracts; EV is conditional on being filled (maker fee)."""
    price = maker_price(book, route.outcome, grid)
    if price is None or not ZERO < price < ONE:
        return None
    count = params.ref_count
    fee = kalshi_fee(count, price, fees, maker=True)
    value = Decimal(str(p)) - price
    spread = book.spread()
    return Quote(
        route,
        Style.MAKER,
        p,
        price,
        price,
        count,
        count,
        fee,
        value,
        ev_per_dollar(p, price, fee / count),
        spread,
        _guards(params, value, count, spread),
    )


@dataclass(frozen=True, slots=True)
class Leg:
    """One player's market as the pricer needs it."""

    ticker: str
    code: str
    book: OrderBook
    grid: TickGrid


def routes(a: Leg, b: Leg) -> tuple[tuple[Route, Leg], ...]:
    """The four routes and the book each trades on: YES A, NO B (A wins); YES B, NO A (B wins)."""
    return (
        (Route(a.ticker, a.code, Outcome.YES, "a"), a),
        (Route(b.ticker, b.code, Outcome.NO, "a"), b),
        (Route(b.ticker, b.code, Outcome.YES, "b"), b),
        (Route(a.ticker, a.code, Outcome.NO, "b"), a),
    )


def price_routes(p_a: float, a: Leg, b: Leg, fees: FeeSchedule, params: EdgeParams) -> tuple[Quote, ...]:
    """Every route at both styles; quotes missing a price (empty side) are left out."""
    quotes: list[Quote] = []
    for route, leg in routes(a, b):
        p = route.probability(p_a)
        for quote in (
            taker_quote(route, p, leg.book, fees, params),
            maker_quote(route, p, leg.book, leg.grid, fees, params),
        ):
            if quote is not None:
                quotes.append(quote)
    return tuple(quotes)


def best_quote(quotes: tuple[Quote, ...], style: Style | None = None) -> Quote | None:
    """The highest-EV quote that passes its guards (of one style, when given)."""
    eligible = [q for q in quotes if q.ok and (style is None or q.style is style)]
    return max(eligible, key=lambda q: (q.ev, q.value_edge), default=None)
