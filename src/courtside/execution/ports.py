"""The ports the trader talks through. KalshiClient satisfies both; PaperExchange the order port.

Live and dry-run differ only in the OrderPort behind them (DESIGN.md: one composition root).
"""

from __future__ import annotations

from typing import Protocol

from courtside.domain.orders import Balance, Fill, Order, OrderAck, OrderRequest, Position, Settlement
from courtside.kalshi.results import CancelResult
from courtside.markets.ports import MarketData

__all__ = ["MarketData", "OrderPort"]


class OrderPort(Protocol):
    """Orders and the account: the only thing that differs between live and dry-run."""

    async def create_order(self, req: OrderRequest) -> OrderAck: ...

    async def cancel_order(self, order_id: str, *, market_ticker: str | None = None) -> CancelResult: ...

    async def find_order_by_client_id(
        self, client_order_id: str, *, ticker: str | None = None, max_pages: int = 5
    ) -> Order | None: ...

    async def get_orders(self, **filters: object) -> list[Order]: ...

    async def get_fills(self, **filters: object) -> list[Fill]: ...

    async def get_positions(
        self,
        *,
        ticker: str | None = None,
        event_ticker: str | None = None,
        count_filter: str | None = None,
        settlement_status: str | None = None,
        exchange_index: int | None = None,
        subaccount: int | None = None,
    ) -> list[Position]: ...

    async def get_balance(
        self, *, exchange_index: int | None = None, subaccount: int | None = None
    ) -> Balance: ...

    async def get_settlements(
        self,
        *,
        ticker: str | None = None,
        event_ticker: str | None = None,
        min_ts: int | None = None,
        max_ts: int | None = None,
    ) -> list[Settlement]: ...
