"""The books a scan decides on, and the closing prices it keeps for CLV."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import replace
from datetime import datetime

from courtside.domain.market import OrderBook
from courtside.domain.orders import Order
from courtside.execution.resting import without_own
from courtside.markets.books import usable_books
from courtside.markets.discovery import Discovery, skipped
from courtside.markets.match import TennisMatch
from courtside.store.journal import Journal
from courtside.venue.port import MarketData


async def read_books(
    data: MarketData, disc: Discovery, own: Mapping[str, Sequence[Order]], now: datetime
) -> dict[str, OrderBook]:
    """Both books of every match, stamped with the time they were read, without our own orders. A
    match whose book is malformed, crossed or off its tick grid moves from disc.matches to
    disc.skipped with the reason; the others keep theirs."""
    tickers = [t for m in disc.matches for t in m.tickers]
    if not tickers:
        return {}
    checked = usable_books(disc.matches, await data.orderbooks(tickers))
    disc.matches = checked.matches
    disc.skipped.extend(skipped(m, reason) for m, reason in checked.refused)
    return {t: without_own(replace(b, ts=b.ts or now), own.get(t, ())) for t, b in checked.books.items()}


def record_start_prices(
    journal: Journal,
    matches: Sequence[TennisMatch],
    books: Mapping[str, OrderBook],
    begun: Collection[str],
    now: datetime,
) -> None:
    """The last book seen before each match began (its closing price, for CLV): not once it has
    (its scheduled time passed, or Kalshi says it has begun)."""
    for m in matches:
        if m.start <= now or m.event_ticker in begun:
            continue
        for t in m.tickers:
            if t in books:
                bid, ask = books[t].best_yes_bid, books[t].best_yes_ask
                journal.record_start_price(
                    t, m.event_ticker, bid.price if bid else None, ask.price if ask else None, now
                )
