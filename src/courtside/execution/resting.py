"""Pure helpers for managing our resting orders: when to cancel or reprice, and the book without us."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from courtside.domain.market import Level, OrderBook
from courtside.domain.orders import BookSide, Order, outcome_price_for
from courtside.markets.match import TennisMatch
from courtside.strategy.decide import Candidate, NoTrade, StrategyParams

START_NEAR = "match start is near"


def stale_reason(
    route: str,
    yes_price: Decimal,
    match: TennisMatch | None,
    choice: Candidate | NoTrade | None,
    now: datetime,
    params: StrategyParams,
    halted: bool,
) -> str | None:
    """Why a resting order should go, or None to leave it: the scan's choice for its match (made once,
    before sizing) names the route and price the order should now have."""
    if halted:
        return "trading halted"
    if match is None:
        return "match no longer listed as open"
    if (match.start - now).total_seconds() < params.min_minutes * 60:
        return START_NEAR
    if choice is None or isinstance(choice, NoTrade):
        return "edge gone" + (f": {'; '.join(choice.reasons)}" if choice else "")
    if choice.quote.route.label != route or choice.quote.yes_price != yes_price:
        return f"reprice to {choice.quote.route.label} @ {choice.quote.yes_price}"
    return None


def without_own(book: OrderBook, orders: Sequence[Order]) -> OrderBook:
    """The book minus our own resting interest, so a maker never joins or outbids itself."""
    if not orders:
        return book
    yes, no = (
        dict((lv.price, lv.size) for lv in book.yes_bids),
        dict((lv.price, lv.size) for lv in book.no_bids),
    )
    for o in orders:
        levels = yes if o.side is BookSide.BID else no  # a NO bid rests on the NO side at its NO price
        price = outcome_price_for(o.outcome, o.yes_price)
        if price in levels:
            levels[price] -= o.remaining_count

    def keep(levels: dict[Decimal, Decimal]) -> tuple[Level, ...]:
        return tuple(Level(p, q) for p, q in sorted(levels.items(), reverse=True) if q > 0)

    return replace(book, yes_bids=keep(yes), no_bids=keep(no))
