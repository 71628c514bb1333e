"""Pure helpers for managing our resting orders: when to cancel or reprice, and the book without us."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from decimal import Decimal

from courtside.domain.market import Level, OrderBook
from courtside.domain.orders import BookSide, Order
from courtside.markets.match import TennisMatch
from courtside.risk.checks import RiskLimits
from courtside.strategy.decide import Decision, NoTrade


def outcome_price(outcome: str, yes_price: Decimal) -> Decimal:
    return yes_price if outcome == "yes" else Decimal(1) - yes_price


def stale_reason(
    route: str,
    yes_price: Decimal,
    match: TennisMatch | None,
    decision: Decision | None,
    now: datetime,
    limits: RiskLimits,
    halted: bool,
) -> str | None:
    """Why a resting order should go, or None to leave it."""
    if halted:
        return "trading halted"
    if match is None:
        return "match no longer listed as open"
    if (match.start - now).total_seconds() < limits.min_minutes * 60:
        return "match start is near"
    if decision is None or isinstance(decision, NoTrade):
        return "edge gone" + (f": {'; '.join(decision.reasons)}" if decision else "")
    if decision.quote.route.label != route or decision.yes_price != yes_price:
        return f"reprice to {decision.quote.route.label} @ {decision.yes_price}"
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
        levels, price = (yes, o.yes_price) if o.side is BookSide.BID else (no, Decimal(1) - o.yes_price)
        if price in levels:
            levels[price] -= o.remaining_count

    def keep(levels: dict[Decimal, Decimal]) -> tuple[Level, ...]:
        return tuple(Level(p, q) for p, q in sorted(levels.items(), reverse=True) if q > 0)

    return replace(book, yes_bids=keep(yes), no_bids=keep(no))
