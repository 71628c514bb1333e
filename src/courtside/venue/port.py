"""The Venue port: everything the trader asks of an exchange, in domain types (DESIGN.md).

Three things stand behind it: `KalshiVenue` (Kalshi, its demo or the simulator, over HTTP or in
process) and `PaperVenue` (the same market data, orders filled on a paper ledger). The trader, the
executor and reconciliation see only this protocol, so a fake and the real venue take the same path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from courtside.domain.live import MatchStatus
from courtside.domain.market import (
    Event,
    ExchangeStatus,
    MalformedBook,
    MalformedEvent,
    MalformedSeries,
    Market,
    OrderBook,
    Series,
    Trade,
)
from courtside.domain.orders import (
    TENNIS_SHARD,
    CancelResult,
    Fill,
    Order,
    OrderAck,
    OrderRequest,
    OrderStatus,
    Position,
    Settlement,
    ShardFunds,
)


class MarketData(Protocol):
    """Public market data: what discovery, pricing and the paper venue read."""

    async def status(self) -> ExchangeStatus:
        """Whether the exchange, and each shard, is trading."""
        ...

    async def tennis_series(self) -> list[Series | MalformedSeries]:
        """The series tagged Tennis in category Sports, with their fee schedules; a series that could
        not be parsed comes back as MalformedSeries with the reason."""
        ...

    async def series(self, series_ticker: str) -> Series:
        """One series, for its fee schedule."""
        ...

    def open_events(self, series_ticker: str) -> AsyncIterator[Event | MalformedEvent]:
        """Every open event of the series with its markets, each parsed on its own: a broken one comes
        back as MalformedEvent with the reason instead of failing the listing."""
        ...

    async def orderbooks(self, tickers: Sequence[str]) -> dict[str, OrderBook | MalformedBook]:
        """Both legs' bids of every market asked for, each parsed on its own: a broken book is a
        MalformedBook with the reason; a market without a book is absent."""
        ...

    async def market(self, ticker: str) -> Market:
        """One market, for its status and settlement."""
        ...

    async def match_status(self, event_tickers: Sequence[str]) -> dict[str, MatchStatus]:
        """Whether each match has really begun, as the venue knows it (its milestone's live data on
        Kalshi). Every event asked for is answered: UNKNOWN, with why, when the venue cannot tell."""
        ...

    async def trades(self, ticker: str, *, since: datetime) -> list[Trade]:
        """The market's public trades from `since` on, newest first (a start shows in them)."""
        ...


class Venue(MarketData, Protocol):
    """Market data plus the account: funds, orders, fills, positions, settlements and order writes."""

    @property
    def exchange(self) -> str:
        """Which exchange this is (prod, demo or a base URL): what journal rows are kept under."""
        ...

    async def funds(self, shard: int = TENNIS_SHARD) -> ShardFunds:
        """Cash and positions' value on one shard (never the all-shard total)."""
        ...

    async def place(self, req: OrderRequest, *, again: bool = False) -> OrderAck:
        """Create a limit order, idempotently by its client_order_id: a send whose answer was lost, or
        that the venue refuses as a duplicate, resolves to the order that landed. `again`: this id may
        have been sent before (a journalled order of unknown outcome), so it is looked for first.
        Raises OutcomeUnknownError only when the outcome cannot be told yet."""
        ...

    async def cancel(self, order_id: str, *, ticker: str | None = None) -> CancelResult:
        """Cancel one resting order; an order no longer resting is `gone`, not an error."""
        ...

    async def cancel_many(self, order_ids: Sequence[str]) -> list[CancelResult]:
        """Cancel several resting orders at once (the kill switch); each gone or cancelled."""
        ...

    async def amend(self, order: Order, *, yes_price: Decimal, count: Decimal) -> OrderAck:
        """Move a resting order to a new price and total count (filled + remaining) in one write."""
        ...

    async def find_order(self, client_order_id: str, *, ticker: str | None = None) -> Order | None:
        """The order sent under this client_order_id, in any status, or None when the venue shows none."""
        ...

    async def orders(self, *, status: OrderStatus | None = None, ticker: str | None = None) -> list[Order]:
        """Our orders, newest first."""
        ...

    async def fills(self, *, since: datetime | None = None) -> list[Fill]:
        """Our fills, all or from `since` on."""
        ...

    async def positions(self) -> list[Position]:
        """Our unsettled positions."""
        ...

    async def settlements(self) -> list[Settlement]:
        """Our settled positions."""
        ...

    async def sync(self) -> int:
        """Bring the venue's own state forward before a scan reads it; returns fills it made. The paper
        venue matches its resting orders against the real book and settles; an exchange does nothing."""
        ...

    async def aclose(self) -> None: ...
