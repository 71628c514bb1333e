"""Wire -> domain for the portfolio: orders, acks, fills, positions, settlements, balance.

Money from `*_dollars` (6 dp), counts from `*_fp`; balance and settlement revenue are integer
cents on the wire and become dollars here (kalshi-api.md §0.1, §2.8-2.14).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from courtside.domain.money import CENT, ZERO
from courtside.domain.orders import (
    Balance,
    BookSide,
    CancelResult,
    Fill,
    Order,
    OrderAck,
    OrderStatus,
    Outcome,
    Position,
    Settlement,
    yes_price_for,
)
from courtside.kalshi.fields import Wire
from courtside.kalshi.results import AmendResult, DecreaseResult, TransferResult

# Legacy (side, action) -> V2 book side (kalshi-api.md §2.11 mapping).
LEGACY_SIDE = {("yes", "buy"): "bid", ("no", "sell"): "bid", ("no", "buy"): "ask", ("yes", "sell"): "ask"}


def _book_side(w: Wire) -> BookSide:
    raw = w.opt_string("book_side")
    if not raw:
        legacy = (w.opt_string("side") or "", w.opt_string("action") or "")
        raw = LEGACY_SIDE.get(legacy)
        if raw is None:
            raise w.fail("book_side", f"is missing and side/action {legacy!r} do not say it")
    try:
        return BookSide(raw)
    except ValueError as e:
        raise w.fail("book_side", f"has unknown value {raw!r}") from e


def _outcome(w: Wire, side: BookSide) -> Outcome:
    raw = w.opt_string("outcome_side") or ("yes" if side is BookSide.BID else "no")
    try:
        return Outcome(raw)
    except ValueError as e:
        raise w.fail("outcome_side", f"has unknown value {raw!r}") from e


def _order_status(w: Wire) -> OrderStatus:
    raw = w.string("status")
    try:
        return OrderStatus(raw)
    except ValueError as e:
        raise w.fail("status", f"has unknown value {raw!r}") from e


def _money(w: Wire, key: str) -> Decimal:
    """An accumulator that is zero until something happens; absent means zero on old shapes."""
    value = w.opt_dec(key)
    return ZERO if value is None else value


def parse_order(data: Any) -> Order:
    """An Order (`GET /portfolio/orders[/{id}]`, legacy create/cancel's ["order"])."""
    w = Wire(data, "order").named("order_id")
    side = _book_side(w)
    return Order(
        order_id=w.string("order_id"),
        client_order_id=w.opt_string("client_order_id") or None,
        ticker=w.string("ticker"),
        side=side,
        outcome=_outcome(w, side),
        status=_order_status(w),
        yes_price=w.dec("yes_price_dollars"),
        initial_count=w.dec("initial_count_fp"),
        fill_count=w.dec("fill_count_fp"),
        remaining_count=w.dec("remaining_count_fp"),
        taker_fees=_money(w, "taker_fees_dollars"),
        maker_fees=_money(w, "maker_fees_dollars"),
        taker_fill_cost=_money(w, "taker_fill_cost_dollars"),
        maker_fill_cost=_money(w, "maker_fill_cost_dollars"),
        created_time=w.time("created_time"),
        expiration_time=w.opt_time("expiration_time"),
        last_update_reason=w.opt_string("last_update_reason") or None,
    )


def parse_order_ack(data: Any) -> OrderAck:
    """The V2 create response (201); average_* appear only when something filled."""
    w = Wire(data, "order ack").named("order_id")
    return OrderAck(
        order_id=w.string("order_id"),
        client_order_id=w.opt_string("client_order_id") or None,
        fill_count=w.dec("fill_count"),
        remaining_count=w.dec("remaining_count"),
        average_fill_price=w.opt_dec("average_fill_price"),
        average_fee_paid=w.opt_dec("average_fee_paid"),
        ts_ms=w.opt_integer("ts_ms"),
    )


def ack_from_order(order: Order) -> OrderAck:
    """An ack rebuilt from the order found by client_order_id (after a lost create answer)."""
    filled = order.fill_count
    cost = order.taker_fill_cost + order.maker_fill_cost
    avg_price = None
    if filled > 0:
        paid = cost / filled
        avg_price = yes_price_for(order.outcome, paid)
    return OrderAck(
        order_id=order.order_id,
        client_order_id=order.client_order_id,
        fill_count=filled,
        remaining_count=order.remaining_count,
        average_fill_price=avg_price,
        average_fee_paid=(order.fees / filled) if filled > 0 else None,
        ts_ms=None,
    )


def parse_cancel(data: Any) -> CancelResult:
    """V2 cancel: {order_id, reduced_by, ts_ms}; legacy cancel: {order, reduced_by_fp}."""
    w = Wire(data, "cancel")
    if w.has("order"):
        order = parse_order(w.data["order"])
        return CancelResult(order.order_id, w.dec("reduced_by_fp"), client_order_id=order.client_order_id)
    w = w.named("order_id")
    return CancelResult(
        order_id=w.string("order_id"),
        reduced_by=w.dec("reduced_by"),
        client_order_id=w.opt_string("client_order_id") or None,
        ts_ms=w.opt_integer("ts_ms"),
    )


def parse_amend(data: Any) -> AmendResult:
    w = Wire(data, "amend").named("order_id")
    return AmendResult(
        order_id=w.string("order_id"),
        client_order_id=w.opt_string("client_order_id") or None,
        fill_count=w.opt_dec("fill_count"),
        remaining_count=w.opt_dec("remaining_count"),
        average_fill_price=w.opt_dec("average_fill_price"),
        average_fee_paid=w.opt_dec("average_fee_paid"),
        ts_ms=w.opt_integer("ts_ms"),
    )


def parse_decrease(data: Any) -> DecreaseResult:
    w = Wire(data, "decrease").named("order_id")
    return DecreaseResult(
        order_id=w.string("order_id"),
        client_order_id=w.opt_string("client_order_id") or None,
        remaining_count=w.dec("remaining_count"),
        ts_ms=w.opt_integer("ts_ms"),
    )


def parse_fill(data: Any) -> Fill:
    """One of our fills; execution price on the YES leg, fee_cost in dollars (6 dp)."""
    w = Wire(data, "fill").named("fill_id")
    side = _book_side(w)
    fill_id = w.opt_string("fill_id") or w.string("trade_id")
    return Fill(
        fill_id=fill_id,
        order_id=w.string("order_id"),
        ticker=w.opt_string("ticker") or w.string("market_ticker"),
        side=side,
        outcome=_outcome(w, side),
        count=w.dec("count_fp"),
        yes_price=w.dec("yes_price_dollars"),
        is_taker=w.flag("is_taker"),
        fee=w.dec("fee_cost"),
        created_time=w.time("created_time"),
    )


def parse_position(data: Any) -> Position:
    """A MarketPosition: signed position_fp (+ YES, - NO) and its dollar totals."""
    w = Wire(data, "position").named("ticker")
    return Position(
        ticker=w.string("ticker"),
        position=w.dec("position_fp"),
        market_exposure=w.dec("market_exposure_dollars"),
        realized_pnl=w.dec("realized_pnl_dollars"),
        fees_paid=w.dec("fees_paid_dollars"),
        total_traded=w.dec("total_traded_dollars"),
        exchange_index=w.opt_integer("exchange_index"),
    )


def parse_settlement(data: Any) -> Settlement:
    """A Settlement; `revenue` and `value` are integer cents on the wire, dollars here."""
    w = Wire(data, "settlement").named("ticker")
    return Settlement(
        ticker=w.string("ticker"),
        event_ticker=w.string("event_ticker"),
        market_result=w.string("market_result"),
        yes_count=w.dec("yes_count_fp"),
        no_count=w.dec("no_count_fp"),
        yes_total_cost=w.dec("yes_total_cost_dollars"),
        no_total_cost=w.dec("no_total_cost_dollars"),
        revenue=w.cents("revenue"),
        fee_cost=_money(w, "fee_cost"),
        settled_time=w.time("settled_time"),
        value=w.opt_cents("value"),
    )


def parse_balance(data: Any, exchange_index: int | None = None) -> Balance:
    """`GET /portfolio/balance[?exchange_index=N]`: balance_dollars (integer cents only as a
    fallback), per-shard cash; `exchange_index` is the shard the request asked for, if any."""
    w = Wire(data, "balance")
    balance = w.opt_dec("balance_dollars")
    if balance is None:
        balance = Decimal(w.integer("balance")) * CENT
    by_shard: dict[int, Decimal] = {}
    for i, raw in enumerate(w.opt_array("balance_breakdown")):
        entry = Wire(raw, f"balance_breakdown[{i}]")
        by_shard[entry.integer("exchange_index")] = entry.dec("balance")
    portfolio = w.opt_integer("portfolio_value")
    return Balance(
        balance=balance,
        portfolio_value=Decimal(portfolio or 0) * CENT,
        by_shard=by_shard,
        exchange_index=exchange_index,
    )


def parse_transfer(data: Any) -> TransferResult:
    return TransferResult(Wire(data, "transfer").string("transfer_id"))
