"""Every figure the dashboard shows, as the JSON API serves it (and its OpenAPI schema describes it).

Money, prices and counts are Decimal and travel as strings ("12.3400"); times are aware UTC in ISO 8601;
durations are seconds. The page is rendered from these same objects, so the API and the page cannot
disagree.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from courtside.domain.mode import Mode


class BookRef(BaseModel):
    """One book of records: an exchange (prod, demo or a base URL) and a mode (paper: dry-run, or live)."""

    exchange: str
    mode: Mode
    label: str = Field(description="how the page names it, e.g. 'prod · dry-run'")


class Stop(BaseModel):
    kind: str = Field(description="kill switch, max drawdown, failed scans, ...")
    reason: str
    since: datetime | None


class TradingStateView(BaseModel):
    state: str = Field(description="ACTIVE, REDUCING (no new positions) or HALTED (nothing placed)")
    reason: str
    kill_switch: bool = Field(description="the kill-switch file exists (stops every book)")
    stops: list[Stop]


class EquityView(BaseModel):
    equity: Decimal | None = Field(description="equity at cost: cash + open positions at cost")
    peak: Decimal | None = Field(description="the high-water mark the drawdown stop is measured from")
    drawdown: Decimal | None = Field(description="(peak - equity) / peak")
    measured_at: datetime | None
    peak_at: datetime | None


class PnlView(BaseModel):
    """Realised P&L net of fees, as `courtside status` and `courtside report` count it: revenue - cost of
    the settled markets minus the fees of their fills."""

    today: Decimal = Field(description="markets settled since 00:00 UTC today")
    all_time: Decimal
    fees_today: Decimal = Field(description="fees of today's fills")
    fees_all_time: Decimal
    fills_today: int
    settled_markets: int
    unrealised: Decimal | None = Field(description="open positions at their last mark, net of fees paid")
    day_start: datetime


class CurvePoint(BaseModel):
    ts: datetime
    equity: Decimal
    peak: Decimal


class PositionView(BaseModel):
    ticker: str
    match: str
    outcome: str = Field(description="yes or no: the leg held")
    contracts: Decimal
    cost: Decimal = Field(description="what the contracts cost (the exchange's market exposure)")
    fees: Decimal
    mark: Decimal | None = Field(description="what one contract of the leg sells for now (best bid)")
    mark_at: datetime | None = Field(description="when the trader last read that book")
    value: Decimal | None
    unrealised: Decimal | None = Field(description="value - cost - fees")


class RestingOrderView(BaseModel):
    client_order_id: str
    ticker: str
    match: str
    route: str
    outcome: str
    price: Decimal = Field(description="price of the leg bought, per contract")
    count: Decimal
    filled: Decimal
    created_at: datetime
    age_s: float
    start: datetime | None = Field(description="the match's scheduled start")
    to_start_s: float | None = Field(description="seconds until the start (negative: begun)")
    value_edge: Decimal | None = Field(description="the value edge the order was placed on")
    ev: Decimal | None = Field(description="expected value per dollar it was placed on")


class ReasonCount(BaseModel):
    reason: str
    count: int


class ScanView(BaseModel):
    id: int
    started_at: datetime
    finished_at: datetime | None
    duration_s: float | None
    events: int
    matches: int = Field(description="matches priced")
    skipped: int
    opportunities: int
    orders: int
    top_refusals: list[ReasonCount]
    note: str


class DecisionView(BaseModel):
    id: int
    ts: datetime
    scan_id: int | None
    match: str
    decision: str = Field(description="taken, refused, holding or skipped")
    route: str
    price: Decimal | None
    size: Decimal | None
    p_model: float | None
    value_edge: Decimal | None
    ev: Decimal | None
    reasons: str


class ModelView(BaseModel):
    version: str | None
    results_through: date | None
    age_days: int | None
    max_age_days: int | None
    stale: bool | None


class WebSocketView(BaseModel):
    state: str = Field(description="connected, reconnecting, closed")
    books: int = Field(description="order books subscribed")
    reconnects: int
    last_message_at: datetime | None


class HealthView(BaseModel):
    healthy: bool = Field(description="the last scan finished within two scan intervals")
    detail: str
    running: bool = Field(description="a trader has this book open and has not said it stopped")
    started_at: datetime | None
    pid: int | None
    last_scan_at: datetime | None
    scan_interval_s: float | None
    exchange: str = Field(description="what the exchange's status said at the last scan")
    exchange_checked_at: datetime | None
    api_failures: int = Field(description="scans failed in a row")
    failing_since: datetime | None
    last_error: str
    websocket: WebSocketView | None
    stopped_at: datetime | None
    stop_reason: str


class AlertView(BaseModel):
    ts: datetime
    kind: str
    title: str
    outcome: str = Field(description="queued (sent to every destination), duplicate, rate limited, off")


class ControlView(BaseModel):
    ts: datetime
    action: str
    who: str
    reason: str
    result: str


class BookSummary(BaseModel):
    """One book in a line: what the page's top strip shows."""

    book: BookRef
    state: str
    reason: str
    equity: Decimal | None
    peak: Decimal | None
    pnl_today: Decimal
    pnl_all_time: Decimal
    open_positions: int
    resting_orders: int
    last_scan_at: datetime | None
    healthy: bool


class BookView(BaseModel):
    """Everything the page shows about one book."""

    book: BookRef
    generated_at: datetime
    state: TradingStateView
    equity: EquityView
    pnl: PnlView
    curve: list[CurvePoint]
    positions: list[PositionView]
    resting: list[RestingOrderView]
    scans: list[ScanView]
    decisions: list[DecisionView]
    model: ModelView
    health: HealthView
    controls: list[ControlView]


class Overview(BaseModel):
    generated_at: datetime
    books: list[BookSummary]
    alerts: list[AlertView]
    controls_enabled: bool = Field(description="a token is configured, so the buttons can work")


class ControlRequest(BaseModel):
    reason: str = Field(default="", max_length=200, description="journalled with the action")
    by: str = Field(default="", max_length=60, description="who presses it (journalled with the address)")
    exchange: str | None = Field(
        default=None, description="cancel-all/resume: which exchange (default: the configured one)"
    )
    mode: Mode | None = Field(default=None, description="cancel-all: paper or live (default: both)")


class CancelledOrder(BaseModel):
    ticker: str
    client_order_id: str
    yes_price: Decimal
    contracts: Decimal


class CancelResult(BaseModel):
    exchange: str
    mode: Mode
    cancelled: list[CancelledOrder]
    already_gone: int
    error: str | None
    note: str | None


class ControlResult(BaseModel):
    action: str
    state: str | None = Field(description="the trading state after the action (None: unchanged)")
    who: str
    at: datetime
    lines: list[str] = Field(description="what was done, as the CLI prints it")
    cancels: list[CancelResult]
