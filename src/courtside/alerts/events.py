"""The alerts the trader sends its owner, one typed event per thing worth a message.

Each event has a `kind` (rate limits are kept per kind), a stable `key` (the same fact always gives
the same key, so a repeat is suppressed), a title and its fields in display order. Money, prices and
counts are Decimal; the text is rendered here and scrubbed of secrets before it leaves (`scrub`).
Events carry only what the owner should read: no key ids, signatures or account credentials.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from courtside.domain.mode import Mode

Fields = tuple[tuple[str, str], ...]


class Severity(StrEnum):
    """How the message is shown (Apprise's notify types)."""

    INFO = "info"
    SUCCESS = "success"
    WARNING = "warning"
    FAILURE = "failure"


class StopReason(StrEnum):
    """Why trading stopped."""

    KILL_SWITCH = "kill switch"
    DRAWDOWN = "max drawdown"
    DAILY_LOSS = "daily loss limit"
    EXCHANGE_PAUSED = "exchange paused"


def money(value: Decimal) -> str:
    """'$12.34', '-$3.20'."""
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def price(value: Decimal) -> str:
    return f"{value:.2f}"


def count(value: Decimal) -> str:
    return f"{value.normalize():f}"


def percent(value: Decimal | float) -> str:
    return f"{float(value) * 100:.1f}%"


def when(value: datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S UTC")


@dataclass(frozen=True, kw_only=True)
class AlertEvent:
    """Base of every alert: the mode it is about, a kind, a stable key, a title and fields."""

    kind: ClassVar[str] = "alert"
    severity: ClassVar[Severity] = Severity.INFO
    critical: ClassVar[bool] = False  # not held back by the overall rate limit (still by its own)

    mode: Mode

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.mode.value}"

    def title(self) -> str:
        return self.kind

    def fields(self) -> Fields:
        return ()


@dataclass(frozen=True, kw_only=True)
class _OrderEvent(AlertEvent):
    """An order of the trader's: which match, which route, how many at what price, on what edge."""

    match: str  # "Zverev vs Khachanov"
    ticker: str
    route: str  # "buy YES Zverev"
    size: Decimal
    price: Decimal
    edge: Decimal | None  # value edge the order was placed on, as a fraction
    client_order_id: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.mode.value}:{self.client_order_id}"

    def _order_fields(self) -> Fields:
        edge = percent(self.edge) if self.edge is not None else "n/a"
        return (
            ("match", self.match),
            ("route", self.route),
            ("size", count(self.size)),
            ("price", price(self.price)),
            ("edge", edge),
            ("ticker", self.ticker),
            ("order", self.client_order_id),
        )

    def fields(self) -> Fields:
        return (*self._order_fields(), ("mode", self.mode.label))


@dataclass(frozen=True, kw_only=True)
class OrderPlaced(_OrderEvent):
    kind: ClassVar[str] = "order_placed"

    def title(self) -> str:
        return f"Order placed: {self.route} {count(self.size)} @ {price(self.price)} ({self.match})"


@dataclass(frozen=True, kw_only=True)
class OrderFilled(_OrderEvent):
    """A fill (or part of one): `filled` is this fill's size, `fill_id` the exchange's id for it."""

    kind: ClassVar[str] = "order_filled"
    severity: ClassVar[Severity] = Severity.SUCCESS
    fill_id: str
    filled: Decimal
    fee: Decimal

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.mode.value}:{self.fill_id}"

    def title(self) -> str:
        return f"Filled: {self.route} {count(self.filled)} @ {price(self.price)} ({self.match})"

    def fields(self) -> Fields:
        extra = (("filled", count(self.filled)), ("fee", money(self.fee)), ("mode", self.mode.label))
        return (*self._order_fields(), *extra)


@dataclass(frozen=True, kw_only=True)
class OrderCancelled(_OrderEvent):
    kind: ClassVar[str] = "order_cancelled"
    reason: str

    def title(self) -> str:
        return f"Order cancelled: {self.route} ({self.match}): {self.reason}"

    def fields(self) -> Fields:
        return (*self._order_fields(), ("reason", self.reason), ("mode", self.mode.label))


@dataclass(frozen=True, kw_only=True)
class OrderOutcomeUnknown(_OrderEvent):
    """A create was sent and no answer came: nothing new is placed until it is resolved."""

    kind: ClassVar[str] = "order_unknown"
    severity: ClassVar[Severity] = Severity.FAILURE
    critical: ClassVar[bool] = True
    since: datetime

    def title(self) -> str:
        return f"Order outcome unknown: {self.route} ({self.match}); trading waits until it is resolved"

    def fields(self) -> Fields:
        return (*self._order_fields(), ("since", when(self.since)), ("mode", self.mode.label))


@dataclass(frozen=True, kw_only=True)
class TradingStopped(AlertEvent):
    """Trading stopped (HALTED or REDUCING); `since` is when the state changed, so a new stop alerts again."""

    kind: ClassVar[str] = "trading_stopped"
    severity: ClassVar[Severity] = Severity.FAILURE
    critical: ClassVar[bool] = True
    reason: StopReason
    state: str  # HALTED | REDUCING
    detail: str
    since: datetime

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.mode.value}:{self.reason.value}:{self.since.isoformat()}"

    def title(self) -> str:
        return f"Trading stopped ({self.mode.label}): {self.reason.value}"

    def fields(self) -> Fields:
        return (
            ("reason", self.reason.value),
            ("state", self.state),
            ("detail", self.detail),
            ("since", when(self.since)),
            ("mode", self.mode.label),
        )


@dataclass(frozen=True, kw_only=True)
class TradingResumed(AlertEvent):
    kind: ClassVar[str] = "trading_resumed"
    severity: ClassVar[Severity] = Severity.SUCCESS
    critical: ClassVar[bool] = True
    detail: str
    since: datetime

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.mode.value}:{self.since.isoformat()}"

    def title(self) -> str:
        return f"Trading resumed ({self.mode.label})"

    def fields(self) -> Fields:
        return (("detail", self.detail), ("since", when(self.since)), ("mode", self.mode.label))


@dataclass(frozen=True, kw_only=True)
class ApiFailures(AlertEvent):
    """Repeated failures of one exchange operation; `first_at` starts the streak (its key)."""

    kind: ClassVar[str] = "api_failures"
    severity: ClassVar[Severity] = Severity.WARNING
    critical: ClassVar[bool] = True
    operation: str  # "GET /events", "create order"
    failures: int
    first_at: datetime
    last_error: str

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.mode.value}:{self.operation}:{self.first_at.isoformat()}"

    def title(self) -> str:
        return f"Exchange failing: {self.operation} failed {self.failures} times"

    def fields(self) -> Fields:
        return (
            ("operation", self.operation),
            ("failures", str(self.failures)),
            ("since", when(self.first_at)),
            ("last error", self.last_error),
            ("mode", self.mode.label),
        )


@dataclass(frozen=True, kw_only=True)
class ModelStale(AlertEvent):
    """The model's results end longer ago than its limit; one alert per model and day."""

    kind: ClassVar[str] = "model_stale"
    severity: ClassVar[Severity] = Severity.WARNING
    model_version: str
    results_through: date
    age_days: int
    limit_days: int
    day: date

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.mode.value}:{self.model_version}:{self.day.isoformat()}"

    def title(self) -> str:
        return f"Model is {self.age_days} days old (limit {self.limit_days})"

    def fields(self) -> Fields:
        return (
            ("model", self.model_version),
            ("results through", self.results_through.isoformat()),
            ("age", f"{self.age_days} days"),
            ("limit", f"{self.limit_days} days"),
            ("mode", self.mode.label),
        )


@dataclass(frozen=True, kw_only=True)
class FirstScan(AlertEvent):
    """The first scan after a start: the trader is up and sees the market."""

    kind: ClassVar[str] = "first_scan"
    started_at: datetime
    matches: int
    opportunities: int
    orders: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.mode.value}:{self.started_at.isoformat()}"

    def title(self) -> str:
        return f"Trader started ({self.mode.label}): first scan priced {self.matches} matches"

    def fields(self) -> Fields:
        return (
            ("started", when(self.started_at)),
            ("matches priced", str(self.matches)),
            ("opportunities", str(self.opportunities)),
            ("orders", str(self.orders)),
            ("mode", self.mode.label),
        )


@dataclass(frozen=True, kw_only=True)
class DailySummary(AlertEvent):
    """One per mode and day: P&L net of fees, fills, open exposure, best and worst trade."""

    kind: ClassVar[str] = "daily_summary"
    day: date
    pnl: Decimal
    fills: int
    open_exposure: Decimal
    best_trade: str | None
    worst_trade: str | None

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.mode.value}:{self.day.isoformat()}"

    def title(self) -> str:
        return f"Daily summary {self.day.isoformat()} ({self.mode.label}): P&L {money(self.pnl)}"

    def fields(self) -> Fields:
        return (
            ("day", self.day.isoformat()),
            ("P&L", money(self.pnl)),
            ("fills", str(self.fills)),
            ("open exposure", money(self.open_exposure)),
            ("best trade", self.best_trade or "none"),
            ("worst trade", self.worst_trade or "none"),
            ("mode", self.mode.label),
        )


EVENT_TYPES: tuple[type[AlertEvent], ...] = (
    OrderPlaced,
    OrderFilled,
    OrderCancelled,
    OrderOutcomeUnknown,
    TradingStopped,
    TradingResumed,
    ApiFailures,
    ModelStale,
    FirstScan,
    DailySummary,
)
