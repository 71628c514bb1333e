"""The query filters of Kalshi's list endpoints (kalshi-api.md §2), as typed keyword arguments: what a
`get_*` method accepts and passes on to its `iter_*` twin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypedDict


class EventFilters(TypedDict, total=False):
    series_ticker: str | None
    status: str | None
    with_nested_markets: bool
    tickers: Sequence[str] | None
    min_close_ts: int | None
    limit: int


class MarketFilters(TypedDict, total=False):
    event_ticker: str | None
    series_ticker: str | None
    tickers: Sequence[str] | None
    status: str | None
    min_close_ts: int | None
    max_close_ts: int | None
    min_created_ts: int | None
    max_created_ts: int | None
    min_settled_ts: int | None
    max_settled_ts: int | None
    mve_filter: str | None
    limit: int


class TradeFilters(TypedDict, total=False):
    ticker: str | None
    min_ts: int | None
    max_ts: int | None
    limit: int


class OrderFilters(TypedDict, total=False):
    ticker: str | None
    event_ticker: str | None
    status: str | None
    min_ts: int | None
    max_ts: int | None
    subaccount: int | None
    limit: int


class FillFilters(TypedDict, total=False):
    ticker: str | None
    order_id: str | None
    min_ts: int | None
    max_ts: int | None
    limit: int
