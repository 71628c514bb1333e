"""KalshiClient: the Kalshi Trade API v2 over httpx, one method per endpoint, domain types out.

Public market data needs no auth; portfolio calls need a KalshiAuth. Lists follow every page
until the cursor is "" or null; `iter_*` variants stream large listings. Endpoints and
parameters: kalshi-api.md §2. Order writes live in writes.py, the HTTP core in http.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from decimal import Decimal

from courtside.domain.errors import ParseError
from courtside.domain.market import Event, ExchangeStatus, HistoricalCutoff, Market, OrderBook, Series, Trade
from courtside.domain.orders import Balance, Fill, Order, Position, Settlement
from courtside.kalshi.http import Params
from courtside.kalshi.parse import (
    parse_account_limits,
    parse_event,
    parse_exchange_status,
    parse_historical_cutoff,
    parse_market,
    parse_orderbook,
    parse_orderbooks,
    parse_series,
    parse_trade,
)
from courtside.kalshi.parse_portfolio import (
    parse_balance,
    parse_fill,
    parse_order,
    parse_position,
    parse_settlement,
    parse_transfer,
)
from courtside.kalshi.ratelimit import AccountLimits, RateLimiter
from courtside.kalshi.results import TransferResult
from courtside.kalshi.writes import OrderWrites

MAX_MARKETS_PAGE = 1000
MAX_EVENTS_PAGE = 200
MAX_PORTFOLIO_PAGE = 1000
ORDERBOOK_BATCH = 100


def _csv(values: Sequence[str] | None) -> str | None:
    return ",".join(values) if values else None


class KalshiClient(OrderWrites):
    """Async Kalshi client. `KalshiClient("demo", auth=creds.auth())`; `transport=` for tests."""

    # ---- exchange, series, events -------------------------------------------------------
    async def get_exchange_status(self) -> ExchangeStatus:
        return parse_exchange_status(await self.get("exchange/status"))

    async def get_series_list(
        self, category: str | None = None, tags: Sequence[str] | None = None
    ) -> list[Series]:
        """GET /series?category=Sports&tags=Tennis; malformed series are logged and skipped."""
        return [
            s
            async for s in self.each(
                "series", {"category": category, "tags": _csv(tags)}, "series", parse_series
            )
        ]

    async def get_series(self, series_ticker: str) -> Series:
        data = await self.get(f"series/{series_ticker}")
        return parse_series(data.get("series") if isinstance(data, dict) else None)

    def iter_events(
        self,
        *,
        series_ticker: str | None = None,
        status: str | None = None,
        with_nested_markets: bool = False,
        tickers: Sequence[str] | None = None,
        min_close_ts: int | None = None,
        limit: int = MAX_EVENTS_PAGE,
    ) -> AsyncIterator[Event]:
        params: Params = {
            "series_ticker": series_ticker,
            "status": status,
            "with_nested_markets": with_nested_markets or None,
            "tickers": _csv(tickers),
            "min_close_ts": min_close_ts,
            "limit": min(limit, MAX_EVENTS_PAGE),
        }
        return self.each("events", params, "events", parse_event)

    async def get_events(self, **filters: object) -> list[Event]:
        """GET /events, every page (filters as in iter_events)."""
        return [e async for e in self.iter_events(**filters)]  # type: ignore[arg-type]

    async def get_event(self, event_ticker: str, *, with_nested_markets: bool = True) -> Event:
        data = await self.get(f"events/{event_ticker}", {"with_nested_markets": with_nested_markets})
        if not isinstance(data, dict):
            raise ParseError(f"event {event_ticker}", "response is not an object")
        top = data.get("markets")
        return parse_event(data.get("event"), top if isinstance(top, list) else None)

    # ---- markets, books, trades ---------------------------------------------------------
    def iter_markets(
        self,
        *,
        event_ticker: str | None = None,
        series_ticker: str | None = None,
        tickers: Sequence[str] | None = None,
        status: str | None = None,
        min_close_ts: int | None = None,
        max_close_ts: int | None = None,
        min_created_ts: int | None = None,
        max_created_ts: int | None = None,
        min_settled_ts: int | None = None,
        max_settled_ts: int | None = None,
        mve_filter: str | None = None,
        limit: int = MAX_MARKETS_PAGE,
    ) -> AsyncIterator[Market]:
        """Every market matching the filters; a malformed market is logged and skipped."""
        params: Params = {
            "event_ticker": event_ticker,
            "series_ticker": series_ticker,
            "tickers": _csv(tickers),
            "status": status,
            "min_close_ts": min_close_ts,
            "max_close_ts": max_close_ts,
            "min_created_ts": min_created_ts,
            "max_created_ts": max_created_ts,
            "min_settled_ts": min_settled_ts,
            "max_settled_ts": max_settled_ts,
            "mve_filter": mve_filter,
            "limit": min(limit, MAX_MARKETS_PAGE),
        }
        return self.each("markets", params, "markets", parse_market)

    async def get_markets(self, **filters: object) -> list[Market]:
        """GET /markets, every page (filters as in iter_markets)."""
        return [m async for m in self.iter_markets(**filters)]  # type: ignore[arg-type]

    async def get_historical_cutoff(self) -> HistoricalCutoff:
        """GET /historical/cutoff: markets settled before `market_settled` are only in the historical tier."""
        return parse_historical_cutoff(await self.get("historical/cutoff"))

    def iter_historical_markets(
        self,
        *,
        series_ticker: str | None = None,
        event_ticker: str | None = None,
        tickers: Sequence[str] | None = None,
        limit: int = MAX_MARKETS_PAGE,
    ) -> AsyncIterator[Market]:
        """GET /historical/markets: settled markets older than the cutoff (filters are exclusive)."""
        params: Params = {
            "series_ticker": series_ticker,
            "event_ticker": event_ticker,
            "tickers": _csv(tickers),
            "limit": min(limit, MAX_MARKETS_PAGE),
        }
        return self.each("historical/markets", params, "markets", parse_market)

    async def get_market(self, ticker: str) -> Market:
        data = await self.get(f"markets/{ticker}")
        return parse_market(data.get("market") if isinstance(data, dict) else None)

    async def get_orderbook(self, ticker: str, depth: int | None = None) -> OrderBook:
        """Bids on both legs, best first; implied asks come from OrderBook."""
        return parse_orderbook(ticker, await self.get(f"markets/{ticker}/orderbook", {"depth": depth}))

    async def get_orderbooks(self, tickers: Sequence[str]) -> dict[str, OrderBook]:
        """GET /markets/orderbooks?tickers=..., in batches of 100 tickers."""
        books: dict[str, OrderBook] = {}
        for i in range(0, len(tickers), ORDERBOOK_BATCH):
            chunk = tickers[i : i + ORDERBOOK_BATCH]
            books.update(parse_orderbooks(await self.get("markets/orderbooks", {"tickers": _csv(chunk)})))
        return books

    def iter_trades(
        self,
        *,
        ticker: str | None = None,
        min_ts: int | None = None,
        max_ts: int | None = None,
        limit: int = 1000,
    ) -> AsyncIterator[Trade]:
        params: Params = {"ticker": ticker, "min_ts": min_ts, "max_ts": max_ts, "limit": min(limit, 1000)}
        return self.each("markets/trades", params, "trades", parse_trade)

    async def get_trades(self, **filters: object) -> list[Trade]:
        return [t async for t in self.iter_trades(**filters)]  # type: ignore[arg-type]

    # ---- portfolio reads (auth) ---------------------------------------------------------
    async def get_balance(
        self, *, exchange_index: int | None = None, subaccount: int | None = None
    ) -> Balance:
        """Without exchange_index, the sum of all shards; with it, that shard's (kalshi-api.md §2.8).
        For the cash an order on a shard can use, see kalshi.shards.shard_funds."""
        params = {"exchange_index": exchange_index, "subaccount": subaccount}
        return parse_balance(await self.get("portfolio/balance", params), exchange_index)

    async def get_positions(
        self,
        *,
        ticker: str | None = None,
        event_ticker: str | None = None,
        count_filter: str | None = None,
        settlement_status: str | None = None,
        exchange_index: int | None = None,
        subaccount: int | None = None,
    ) -> list[Position]:
        """Market positions, every page (unsettled by default on Kalshi's side)."""
        params: Params = {
            "ticker": ticker,
            "event_ticker": event_ticker,
            "count_filter": count_filter,
            "settlement_status": settlement_status,
            "exchange_index": exchange_index,
            "subaccount": subaccount,
            "limit": MAX_PORTFOLIO_PAGE,
        }
        return [p async for p in self.each("portfolio/positions", params, "market_positions", parse_position)]

    def iter_orders(
        self,
        *,
        ticker: str | None = None,
        event_ticker: str | None = None,
        status: str | None = None,
        min_ts: int | None = None,
        max_ts: int | None = None,
        subaccount: int | None = None,
        limit: int = MAX_PORTFOLIO_PAGE,
    ) -> AsyncIterator[Order]:
        """Our orders, newest first."""
        params: Params = {
            "ticker": ticker,
            "event_ticker": event_ticker,
            "status": status,
            "min_ts": min_ts,
            "max_ts": max_ts,
            "subaccount": subaccount,
            "limit": min(limit, MAX_PORTFOLIO_PAGE),
        }
        return self.each("portfolio/orders", params, "orders", parse_order)

    async def get_orders(self, **filters: object) -> list[Order]:
        return [o async for o in self.iter_orders(**filters)]  # type: ignore[arg-type]

    async def get_order(self, order_id: str) -> Order:
        data = await self.get(f"portfolio/orders/{order_id}")
        return parse_order(data.get("order") if isinstance(data, dict) else None)

    def iter_fills(
        self,
        *,
        ticker: str | None = None,
        order_id: str | None = None,
        min_ts: int | None = None,
        max_ts: int | None = None,
        limit: int = MAX_PORTFOLIO_PAGE,
    ) -> AsyncIterator[Fill]:
        params: Params = {
            "ticker": ticker,
            "order_id": order_id,
            "min_ts": min_ts,
            "max_ts": max_ts,
            "limit": limit,
        }
        return self.each("portfolio/fills", params, "fills", parse_fill)

    async def get_fills(self, **filters: object) -> list[Fill]:
        return [f async for f in self.iter_fills(**filters)]  # type: ignore[arg-type]

    async def get_settlements(
        self,
        *,
        ticker: str | None = None,
        event_ticker: str | None = None,
        min_ts: int | None = None,
        max_ts: int | None = None,
    ) -> list[Settlement]:
        params: Params = {
            "ticker": ticker,
            "event_ticker": event_ticker,
            "min_ts": min_ts,
            "max_ts": max_ts,
            "limit": MAX_PORTFOLIO_PAGE,
        }
        return [s async for s in self.each("portfolio/settlements", params, "settlements", parse_settlement)]

    async def get_account_limits(self) -> AccountLimits:
        return parse_account_limits(await self.get("account/limits"))

    async def use_account_limits(self) -> AccountLimits:
        """Read GET /account/limits now and pace every later request with buckets of that size
        (a signed client does this by itself before its first signed request)."""
        self._size_from_account = False
        limits = await self.get_account_limits()
        self.limiter = RateLimiter(limits, now=self._now, sleep=self._sleep)
        return limits

    async def intra_exchange_transfer(
        self, amount: Decimal, *, source_shard: int = 0, destination_shard: int = 3
    ) -> TransferResult:
        """Move cash between shards (tennis lives on shard 3); `amount` in dollars, sent as centicents.
        Re-sent only on 429 (not executed); a lost answer is raised, never repeated blindly."""
        centicents = int((amount * 10000).to_integral_value())
        if centicents <= 0:
            raise ValueError(f"transfer amount must be positive, got {amount}")
        body = {
            "source": "event_contract",
            "destination": "event_contract",
            "amount": centicents,
            "source_exchange_shard": source_shard,
            "destination_exchange_shard": destination_shard,
        }
        return parse_transfer(
            await self.write("POST", "portfolio/intra_exchange_instance_transfer", body=body)
        )
