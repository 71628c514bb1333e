"""Which matches have two usable order books: a book the exchange sent broken (MalformedBook), or whose
levels are off its market's tick grid, skips that match with the reason; the other matches go on.

A level's format, range and a crossed top are refused where the book is parsed (kalshi/parse.py); the
tick grid is the market's (`price_ranges`, kalshi-api.md §0.9), so it is checked here, where both meet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from courtside.domain.market import MalformedBook, Market, OrderBook
from courtside.markets.match import TennisMatch


@dataclass
class BookCheck:
    """The matches whose books can be used, those books, and each refused match with its reason."""

    matches: list[TennisMatch] = field(default_factory=list)
    books: dict[str, OrderBook] = field(default_factory=dict)
    refused: list[tuple[TennisMatch, str]] = field(default_factory=list)


def book_problem(book: OrderBook | MalformedBook | None, market: Market) -> str | None:
    """Why this market's book cannot be traded on, or None (no book at all is not a problem here: the
    risk checks refuse an order without one)."""
    if isinstance(book, MalformedBook):
        return f"{market.ticker}: {book.reason}"
    if book is None:
        return None
    if book.crossed():
        return f"{market.ticker}: the order book is crossed"
    off = book.off_grid(market.tick_grid)
    return None if off is None else f"{market.ticker}: order book {off}"


def usable_books(
    matches: Sequence[TennisMatch], fetched: Mapping[str, OrderBook | MalformedBook]
) -> BookCheck:
    """Split the matches by whether both their books are usable; one bad book costs only its match."""
    out = BookCheck()
    for match in matches:
        sides = (match.a.market, match.b.market)
        problems = [p for m in sides if (p := book_problem(fetched.get(m.ticker), m)) is not None]
        if problems:
            out.refused.append((match, "; ".join(problems)))
            continue
        out.matches.append(match)
        for market in sides:
            book = fetched.get(market.ticker)
            if isinstance(book, OrderBook):
                out.books[market.ticker] = book
    return out
