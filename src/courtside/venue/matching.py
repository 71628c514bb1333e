"""The paper fill rule, shared by dry-run (PaperVenue) and the backtest: an order trades against the
real book's levels that cross its limit, best first, at their prices, as a taker (Freqtrade's rule:
nothing fills on paper that the real book would not have given)."""

from __future__ import annotations

from decimal import Decimal

from courtside.domain.market import Level, OrderBook
from courtside.domain.money import ZERO
from courtside.domain.orders import BookSide, TimeInForce


def crossing(book: OrderBook, side: BookSide, limit: Decimal) -> list[Level]:
    """The book's levels an order at `limit` (a YES price) would trade against, best first."""
    if side is BookSide.BID:
        asks = sorted(book.yes_asks, key=lambda lvl: lvl.price)
        return [lvl for lvl in asks if lvl.price <= limit]
    bids = sorted(book.yes_bids, key=lambda lvl: lvl.price, reverse=True)
    return [lvl for lvl in bids if lvl.price >= limit]


def take(book: OrderBook, side: BookSide, limit: Decimal, count: Decimal, tif: TimeInForce) -> list[Level]:
    """What an arriving order takes: (YES price, contracts) per crossed level, best first, up to
    `count`; nothing for a fill-or-kill the crossing depth cannot fill whole."""
    levels = crossing(book, side, limit)
    if tif is TimeInForce.FOK and sum((lv.size for lv in levels), ZERO) < count:
        return []
    out: list[Level] = []
    left = count
    for level in levels:
        if left <= 0:
            break
        size = min(level.size, left)
        out.append(Level(level.price, size))
        left -= size
    return out
