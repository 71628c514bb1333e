"""One market's order book in the YES-price domain (kalshi-api.md §8.6).

Bids (buy YES / sell NO) best = highest price; asks (sell YES / buy NO) best = lowest;
ties by time priority. The REST view gives bids only: YES bids and NO bids (= asks at 1 - p).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator
from decimal import Decimal

from courtside.domain.money import ONE, ZERO
from courtside.domain.orders import BookSide
from courtside.sim.state import SimOrder


def _bid_key(order: SimOrder) -> tuple[Decimal, int]:
    return (-order.price, order.priority)


def _ask_key(order: SimOrder) -> tuple[Decimal, int]:
    return (order.price, order.priority)


class Book:
    """Resting orders of one market, in priority order, plus aggregated levels."""

    def __init__(self, ticker: str) -> None:
        self.ticker = ticker
        self.bids: list[SimOrder] = []
        self.asks: list[SimOrder] = []
        self._levels: dict[BookSide, dict[Decimal, Decimal]] = {BookSide.BID: {}, BookSide.ASK: {}}

    def add(self, order: SimOrder) -> None:
        if order.side is BookSide.BID:
            bisect.insort(self.bids, order, key=_bid_key)
        else:
            bisect.insort(self.asks, order, key=_ask_key)
        self.change_level(order.side, order.price, order.remaining_count)

    def remove(self, order: SimOrder, size: Decimal) -> None:
        """Take an order off the book; `size` is what it still showed there."""
        queue = self.bids if order.side is BookSide.BID else self.asks
        for i, resting in enumerate(queue):
            if resting is order:
                del queue[i]
                break
        self.change_level(order.side, order.price, -size)

    def change_level(self, side: BookSide, price: Decimal, delta: Decimal) -> None:
        levels = self._levels[side]
        size = levels.get(price, ZERO) + delta
        if size > 0:
            levels[price] = size
        else:
            levels.pop(price, None)

    def opposite(self, side: BookSide) -> list[SimOrder]:
        return self.asks if side is BookSide.BID else self.bids

    @staticmethod
    def crosses(side: BookSide, limit: Decimal, resting_price: Decimal) -> bool:
        return resting_price <= limit if side is BookSide.BID else resting_price >= limit

    def crossing(self, side: BookSide, limit: Decimal) -> Iterator[SimOrder]:
        """Resting orders an incoming order at `limit` would meet, in priority order."""
        for resting in list(self.opposite(side)):
            if not self.crosses(side, limit, resting.price):
                return
            yield resting

    def best(self, side: BookSide) -> tuple[Decimal, Decimal] | None:
        """(price, aggregate size) of the best level on one side."""
        levels = self._levels[side]
        if not levels:
            return None
        price = max(levels) if side is BookSide.BID else min(levels)
        return price, levels[price]

    def yes_levels(self, depth: int = 0) -> list[tuple[Decimal, Decimal]]:
        """YES bids ascending by price (best last), the k best when depth > 0."""
        levels = sorted(self._levels[BookSide.BID].items())
        return levels[-depth:] if depth > 0 else levels

    def no_levels(self, depth: int = 0, *, yes_price: bool = False) -> list[tuple[Decimal, Decimal]]:
        """NO bids (asks seen from the NO leg) ascending by NO price, best last."""
        levels = sorted(((ONE - p, s) for p, s in self._levels[BookSide.ASK].items()))
        if depth > 0:
            levels = levels[-depth:]
        return [(ONE - p, s) for p, s in levels] if yes_price else levels

    def orders(self) -> Iterator[SimOrder]:
        yield from self.bids
        yield from self.asks
