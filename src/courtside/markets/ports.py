"""The market-data port: what discovery and pricing read. KalshiClient satisfies it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from courtside.domain.market import Event, ExchangeStatus, Market, OrderBook, Series
from courtside.domain.tennis import MATCH_WINNER_SERIES

# The match-winner series traded by default (kalshi-api.md §5.1); here so settings need not load discovery.
DEFAULT_SERIES: tuple[str, ...] = MATCH_WINNER_SERIES


class MarketData(Protocol):
    """Public market data: exchange status, series, events with nested markets, books."""

    async def get_exchange_status(self) -> ExchangeStatus: ...

    async def get_series_list(
        self, category: str | None = None, tags: Sequence[str] | None = None
    ) -> list[Series]: ...

    def iter_events(
        self,
        *,
        series_ticker: str | None = None,
        status: str | None = None,
        with_nested_markets: bool = False,
        tickers: Sequence[str] | None = None,
        min_close_ts: int | None = None,
        limit: int = 200,
    ) -> AsyncIterator[Event]: ...

    async def get_orderbooks(self, tickers: Sequence[str]) -> dict[str, OrderBook]: ...

    async def get_market(self, ticker: str) -> Market: ...
