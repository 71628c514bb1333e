"""Results of Kalshi calls that have no venue-neutral home in domain/ (write acknowledgements)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from courtside.domain.errors import ExchangeError
from courtside.domain.orders import CancelResult, OrderAck


@dataclass(frozen=True, slots=True)
class AmendResult:
    order_id: str
    client_order_id: str | None
    fill_count: Decimal | None
    remaining_count: Decimal | None
    average_fill_price: Decimal | None
    average_fee_paid: Decimal | None
    ts_ms: int | None


@dataclass(frozen=True, slots=True)
class DecreaseResult:
    order_id: str
    client_order_id: str | None
    remaining_count: Decimal
    ts_ms: int | None


@dataclass(frozen=True, slots=True)
class BatchCreateItem:
    """One order of a batch create: an ack, or the error Kalshi gave for that order."""

    ack: OrderAck | None
    error: ExchangeError | None


@dataclass(frozen=True, slots=True)
class BatchCancelItem:
    result: CancelResult | None
    error: ExchangeError | None


@dataclass(frozen=True, slots=True)
class TransferResult:
    transfer_id: str
