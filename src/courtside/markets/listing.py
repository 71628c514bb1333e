"""Open events of one series, every page, each parsed on its own: a malformed event (a nested market
without price_ranges, a start of "TBD", ...) comes back as Malformed with the parser's reason instead
of vanishing, so the trader can show why it is not traded (kalshi-api.md §5.5, step 2)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from courtside.domain.errors import ParseError
from courtside.domain.market import Event
from courtside.kalshi.parse import parse_event
from courtside.markets.ports import MarketData

EVENTS_PAGE = 200


@dataclass(frozen=True, slots=True)
class Malformed:
    event_ticker: str
    reason: str


def _event_ticker(raw: Any) -> str:
    """The event's ticker for the skip line, if the broken object has one at all."""
    value = raw.get("event_ticker") if isinstance(raw, dict) else None
    return value if isinstance(value, str) and value else "<no event_ticker>"


async def open_events(data: MarketData, series_ticker: str) -> AsyncIterator[Event | Malformed]:
    """Every open event of the series with its markets; a port without raw pages (an in-memory fake)
    yields its parsed events only."""
    pages = getattr(data, "pages", None)
    if pages is None:
        async for event in data.iter_events(
            series_ticker=series_ticker, status="open", with_nested_markets=True
        ):
            yield event
        return
    params = {
        "series_ticker": series_ticker,
        "status": "open",
        "with_nested_markets": True,
        "limit": EVENTS_PAGE,
    }
    async for items in pages("events", params, "events"):
        for raw in items:
            try:
                yield parse_event(raw)
            except ParseError as e:
                yield Malformed(_event_ticker(raw), f"malformed listing: {e}")
