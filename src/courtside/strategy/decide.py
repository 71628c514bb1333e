"""From a priced match and both books to an order intent, or the reasons for none (pure).

Two steps, each taken once per match: `choose` finds the route to trade (the belief, every route's
quote, the time window, the volume, the value-edge and EV thresholds at the reference size) and
`size` sizes that choice on the room left after the orders placed before it (Kelly and every cap,
the quote again at the final count). `decide` is both at once (the backtest, a --stream reaction).
The time window and minimum volume are checked here and nowhere else."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from courtside.domain.market import OrderBook
from courtside.domain.orders import BookSide, TimeInForce
from courtside.markets.match import TennisMatch
from courtside.pricing.blend import blend, market_probability
from courtside.pricing.edge import (
    EdgeParams,
    Leg,
    Quote,
    Style,
    best_quote,
    maker_quote,
    price_routes,
    taker_quote,
)
from courtside.strategy.sizing import SizingParams, all_in_cost, room
from courtside.strategy.sizing import size as size_contracts


class OrderStyle(StrEnum):
    MAKER = "maker"  # rest at the best bid (or one tick better)
    TAKER = "taker"  # cross at the ask: IOC, or GTC with taker_gtc
    AUTO = "auto"  # take when the taker route clears --min-ev, else make


@dataclass(frozen=True, slots=True)
class StrategyParams:
    min_value: Decimal = Decimal("0.02")
    min_ev: Decimal = Decimal("0.05")
    min_volume: Decimal = Decimal(100)  # contracts traded in the market so far
    max_hours: float = 48.0
    min_minutes: float = 10.0
    order_style: OrderStyle = OrderStyle.MAKER
    taker_gtc: bool = False
    edge: EdgeParams = field(default_factory=EdgeParams)
    sizing: SizingParams = field(default_factory=SizingParams)
    # weight of the model in the logit blend with the market's de-vigged mid; 1 = the model alone
    model_weight: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.model_weight <= 1.0:
            raise ValueError(f"model weight {self.model_weight} outside [0, 1]")


@dataclass(frozen=True, slots=True)
class StrategyState:
    """What sizing sees: the bankroll (Kelly and the per-match share), the exposure and the cash
    left after every order placed so far (None: no cash cap)."""

    now: datetime
    bankroll: Decimal
    open_exposure: Decimal
    cash: Decimal | None = None


@dataclass(frozen=True, slots=True)
class PricedMatch:
    match: TennisMatch
    p_a: float
    model_version: str = ""


@dataclass(frozen=True, slots=True)
class Belief:
    """P(A wins) three ways: the model's, the market's (de-vigged mid of both books, None when the
    books give none) and the blend that edges and EV were computed on."""

    p_model: float
    p_market: float | None
    p: float
    model_weight: float = 1.0


@dataclass(frozen=True, slots=True)
class OrderIntent:
    """What to send: a V2 limit order on one market, plus the numbers that justified it."""

    event_ticker: str
    quote: Quote
    count: Decimal
    time_in_force: TimeInForce
    expiration: datetime | None
    binding_cap: str
    quotes: tuple[Quote, ...] = ()
    belief: Belief | None = None

    @property
    def ticker(self) -> str:
        return self.quote.route.ticker

    @property
    def side(self) -> BookSide:
        return self.quote.route.side

    @property
    def yes_price(self) -> Decimal:
        return self.quote.yes_price


@dataclass(frozen=True, slots=True)
class Candidate:
    """A route that clears every threshold at the reference size: what to trade, before sizing."""

    priced: PricedMatch
    quote: Quote
    quotes: tuple[Quote, ...]
    belief: Belief

    @property
    def event_ticker(self) -> str:
        return self.priced.match.event_ticker


@dataclass(frozen=True, slots=True)
class NoTrade:
    reasons: tuple[str, ...]
    best: Quote | None = None
    quotes: tuple[Quote, ...] = ()
    belief: Belief | None = None


Decision = OrderIntent | NoTrade


def legs(match: TennisMatch, books: Mapping[str, OrderBook]) -> tuple[Leg, Leg] | None:
    sides = (match.a, match.b)
    if any(s.market.ticker not in books for s in sides):
        return None
    a, b = (Leg(s.market.ticker, s.market.code, books[s.market.ticker], s.market.tick_grid) for s in sides)
    return a, b


def _pick(quotes: tuple[Quote, ...], params: StrategyParams) -> Quote | None:
    if params.order_style is OrderStyle.MAKER:
        return best_quote(quotes, Style.MAKER)
    if params.order_style is OrderStyle.TAKER:
        return best_quote(quotes, Style.TAKER)
    taker = best_quote(quotes, Style.TAKER)
    if taker is not None and taker.ev >= params.min_ev and taker.value_edge >= params.min_value:
        return taker
    return best_quote(quotes, Style.MAKER) or taker


def _at_count(
    quote: Quote, count: Decimal, priced: PricedMatch, books: Mapping[str, OrderBook], params: StrategyParams
) -> Quote | None:
    """The quote again at the final size: fee rounding and the depth walk depend on the count."""
    edge = replace(params.edge, ref_count=count, min_value=params.min_value)
    if quote.style is Style.TAKER:
        return taker_quote(quote.route, quote.p, books[quote.route.ticker], priced.match.fees, edge)
    grid = priced.match.a.market.tick_grid
    if quote.route.ticker == priced.match.b.market.ticker:
        grid = priced.match.b.market.tick_grid
    return maker_quote(quote.route, quote.p, books[quote.route.ticker], grid, priced.match.fees, edge)


def _thresholds(quote: Quote, priced: PricedMatch, params: StrategyParams) -> list[str]:
    reasons = list(quote.refusals)
    if quote.value_edge < params.min_value:
        reasons.append(f"value edge {quote.value_edge:.4f} < min-value {params.min_value}")
    if quote.ev < params.min_ev:
        reasons.append(f"EV {quote.ev:.4f} < min-ev {params.min_ev}")
    match = priced.match
    market = match.a.market if quote.route.ticker == match.a.market.ticker else match.b.market
    if market.volume < params.min_volume:  # contracts traded so far: a one-off quote is not a market
        reasons.append(f"volume {market.volume} < min-volume {params.min_volume}")
    return reasons


def timing_reason(start: datetime, now: datetime, params: StrategyParams) -> str | None:
    """Why a match is outside the trading window (--max-hours ahead, not inside --min-minutes)."""
    hours = (start - now).total_seconds() / 3600
    if hours > params.max_hours:
        return f"starts in {hours:.1f} h > max-hours {params.max_hours}"
    if hours * 60 < params.min_minutes:
        return f"starts in {hours * 60:.0f} min < {params.min_minutes} min"
    return None


def belief(priced: PricedMatch, a: Leg, b: Leg, params: StrategyParams) -> Belief | str:
    """The probability to trade on: the model blended with the market's mid, or why it cannot be
    formed. With model_weight 1 it is the model's, whatever the books say (no refusal)."""
    market = market_probability(a.book, b.book, params.edge.max_spread)
    p_market = float(market.p_a) if market.p_a is not None else None
    w = params.model_weight
    if p_market is None:
        if w < 1.0:
            return f"no market probability for the blend: {market.reason}"
        return Belief(priced.p_a, None, priced.p_a, w)
    return Belief(priced.p_a, p_market, blend(priced.p_a, p_market, w), w)


def choose(
    priced: PricedMatch, books: Mapping[str, OrderBook], params: StrategyParams, now: datetime
) -> Candidate | NoTrade:
    """The best route that clears every threshold at the reference size; or NoTrade with every
    reason found."""
    match = priced.match
    pair = legs(match, books)
    if pair is None:
        return NoTrade(("no order book for one of the markets",))
    held = belief(priced, pair[0], pair[1], params)
    if isinstance(held, str):
        return NoTrade((held,))
    edge = replace(params.edge, ref_count=params.sizing.max_size, min_value=params.min_value)
    quotes = price_routes(held.p, pair[0], pair[1], match.fees, edge)
    timing = timing_reason(match.start, now, params)
    chosen = _pick(quotes, params)
    if chosen is None:
        best = max(quotes, key=lambda q: q.ev, default=None)
        reasons = [*(best.refusals if best else ("no price on any route",)), *filter(None, [timing])]
        return NoTrade(tuple(reasons), best, quotes, held)
    reasons = _thresholds(chosen, priced, params) + list(filter(None, [timing]))
    if reasons:
        return replace(_refusal(chosen, reasons, quotes, priced, params, timing), belief=held)
    return Candidate(priced, chosen, quotes, held)


def size(
    c: Candidate, books: Mapping[str, OrderBook], params: StrategyParams, state: StrategyState
) -> OrderIntent | NoTrade:
    """The candidate sized on the room left now (Kelly and every cap, whole contracts), priced again
    at that count and checked again; or NoTrade saying which cap left no room."""
    sized = size_contracts(c.quote, params.sizing, state.bankroll, state.open_exposure, state.cash)
    if sized.count <= 0:
        return NoTrade((sized.reason,), c.quote, c.quotes, c.belief)
    final = _fit(c.quote, sized.count, c.priced, books, params, state)
    if isinstance(final, str):
        return NoTrade((final,), c.quote, c.quotes, c.belief)
    again = _thresholds(final, c.priced, params)
    if again:
        return NoTrade(tuple(f"at {final.count} contracts: {r}" for r in again), final, c.quotes, c.belief)
    tif, expiry = _tif(final, c.priced.match, params)
    binding = (
        sized.binding if final.count == sized.count else "exposure" if state.cash is None else "room left"
    )
    return OrderIntent(c.event_ticker, final, final.count, tif, expiry, binding, c.quotes, c.belief)


def decide(
    priced: PricedMatch, books: Mapping[str, OrderBook], params: StrategyParams, state: StrategyState
) -> Decision:
    """choose, then size on `state`: one match decided on its own."""
    chosen = choose(priced, books, params, state.now)
    return chosen if isinstance(chosen, NoTrade) else size(chosen, books, params, state)


def _fit(
    quote: Quote,
    count: Decimal,
    priced: PricedMatch,
    books: Mapping[str, OrderBook],
    params: StrategyParams,
    state: StrategyState,
) -> Quote | str:
    """The quote re-priced at the sized count, one contract fewer while its all-in cost (the fee is
    rounded per order) passes the room left, so the exposure check never refuses what sizing chose."""
    limit = room(params.sizing, state.open_exposure, state.cash)
    while count > 0:
        final = _at_count(quote, count, priced, books, params)
        if final is None:
            return f"no price at {count} contracts"
        if all_in_cost(final) <= limit:
            return final
        count -= 1
    return f"fewer than 1 whole contract fits the room left (${max(limit, Decimal(0)):.2f})"


def _refusal(
    chosen: Quote,
    reasons: list[str],
    quotes: tuple[Quote, ...],
    priced: PricedMatch,
    params: StrategyParams,
    timing: str | None,
) -> NoTrade:
    """Report the most promising route of the order style, even one a guard refused: 'edge 0.33 above
    the believable maximum' explains a mispriced-looking match, the other side's negative edge does not."""
    styles = {OrderStyle.MAKER: (Style.MAKER,), OrderStyle.TAKER: (Style.TAKER,)}
    allowed = styles.get(params.order_style, (Style.MAKER, Style.TAKER))
    top = max((q for q in quotes if q.style in allowed), key=lambda q: (q.ev, q.value_edge), default=chosen)
    if top.ev <= chosen.ev:
        return NoTrade(tuple(reasons), chosen, quotes)
    return NoTrade(tuple(_thresholds(top, priced, params) + list(filter(None, [timing]))), top, quotes)


def _tif(quote: Quote, match: TennisMatch, params: StrategyParams) -> tuple[TimeInForce, datetime | None]:
    """Makers rest until the start; takers are IOC unless GTC was asked for."""
    if quote.style is Style.TAKER and not params.taker_gtc:
        return TimeInForce.IOC, None
    return TimeInForce.GTC, match.start
