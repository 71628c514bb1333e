"""Order validation and matching: price-time priority, fills at the resting price (kalshi-api.md §8.6-8.8).

Validation follows §8.7 in order (market, price grid, size, expiry/reduce-only, client_order_id,
post-only, collateral, open-order cap); each refusal raises a domain error with Kalshi's code.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from courtside.domain.errors import (
    DuplicateOrderError,
    InsufficientBalanceError,
    NotFoundError,
    OrderRejectedError,
)
from courtside.domain.market import MarketStatus
from courtside.domain.money import COUNT_STEP, ZERO
from courtside.domain.orders import BookSide, OrderStatus, SelfTradePrevention, TimeInForce
from courtside.pricing.fees import kalshi_fee
from courtside.sim import accounts
from courtside.sim.events import BookDelta, FillEvent, OrderEvent, PositionEvent, TickerEvent, TradeEvent
from courtside.sim.state import (
    CLIENT_ORDER_ID_RE,
    MAX_CLIENT_ORDER_ID,
    SimFill,
    SimMarket,
    SimOrder,
    SimTrade,
    SimUser,
)

if TYPE_CHECKING:
    from courtside.sim.exchange import SimExchange


@dataclass(frozen=True, slots=True)
class OrderSpec:
    """A parsed V2 create (or amend) request."""

    ticker: str
    side: BookSide
    count: Decimal
    price: Decimal
    time_in_force: TimeInForce = TimeInForce.GTC
    stp: SelfTradePrevention = SelfTradePrevention.TAKER_AT_CROSS
    client_order_id: str | None = None
    expiration_time: int | None = None  # Unix seconds
    post_only: bool = False
    reduce_only: bool = False
    subaccount: int = 0


@dataclass(frozen=True, slots=True)
class Placement:
    """What the V2 create response reports."""

    order: SimOrder
    fill_count: Decimal
    fill_cost_yes: Decimal  # sum of yes_price x count over this call's executions
    fees: Decimal
    ts_ms: int


def _reject(code: str, message: str, details: str | None = None) -> OrderRejectedError:
    return OrderRejectedError(message, status=400, code=code, details=details)


def check_market(ex: SimExchange, ticker: str) -> SimMarket:
    market = ex.markets.get(ticker)
    if market is None:
        raise NotFoundError("market not found", status=404, code="market_not_found")
    if market.status is not MarketStatus.ACTIVE or not ex.trading_active:
        raise _reject("market_inactive", "market inactive")
    return market


def check_price_and_size(market: SimMarket, price: Decimal, count: Decimal) -> None:
    if not market.grid.is_valid(price):
        raise _reject("invalid_price", "invalid price")
    if count <= 0 or count % COUNT_STEP != 0:
        raise _reject("invalid_order_size", "invalid order size")


def _validate(ex: SimExchange, user: SimUser, spec: OrderSpec) -> SimMarket:
    market = check_market(ex, spec.ticker)
    check_price_and_size(market, spec.price, spec.count)
    if spec.expiration_time is not None:
        if spec.time_in_force is not TimeInForce.GTC:
            raise _reject(
                "invalid_order", "invalid order", "Cannot specify both immediate_or_cancel and expiration_ts"
            )
        if spec.expiration_time * 1000 <= ex.now_ms():
            raise _reject("invalid_order", "invalid order", "Expiration timestamp must be in the future")
    if spec.reduce_only and spec.time_in_force is not TimeInForce.IOC:
        raise _reject("invalid_order", "invalid order", "reduce_only requires immediate_or_cancel")
    coid = spec.client_order_id
    if coid is not None:
        if len(coid) > MAX_CLIENT_ORDER_ID or not CLIENT_ORDER_ID_RE.match(coid):
            raise _reject("invalid_parameters", "invalid parameters", "client_order_id")
        if coid in user.client_order_ids:
            raise DuplicateOrderError("order already exists", status=409, code="order_already_exists")
    book = ex.books[market.ticker]
    if spec.post_only and next(book.crossing(spec.side, spec.price), None) is not None:
        raise _reject("invalid_order", "invalid order", "post only cross")
    _check_collateral(ex, user, market, spec.side, spec.price, spec.count, released=ZERO)
    if user.resting_count >= ex.config.max_open_orders:
        raise _reject("invalid_order", "invalid order", "too many open orders")
    return market


def _check_collateral(
    ex: SimExchange,
    user: SimUser,
    market: SimMarket,
    side: BookSide,
    price: Decimal,
    count: Decimal,
    released: Decimal,
) -> None:
    """Open-side cost plus the worst taker fee must fit in the shard's free cash."""
    opened = max(ZERO, count - accounts.closable(user, market.ticker, side))
    unit = price if side is BookSide.BID else 1 - price
    required = opened * unit + kalshi_fee(count, price, ex.fees_for(market))
    shard = market.exchange_index
    available = user.cash_on(shard) + released
    if ex.config.reserve_resting_collateral:
        available -= user.reserved_on(shard)
    if available < required:
        raise InsufficientBalanceError("insufficient balance", status=400, code="insufficient_balance")


def _reserve_for(ex: SimExchange, order: SimOrder) -> Decimal:
    if order.remaining_count <= 0 or not ex.config.reserve_resting_collateral:
        return ZERO
    market = ex.markets[order.ticker]
    return order.remaining_count * order.unit_cost + kalshi_fee(
        order.remaining_count, order.price, ex.fees_for(market)
    )


def _set_reserve(ex: SimExchange, order: SimOrder, amount: Decimal) -> None:
    user = ex.users[order.user_id]
    user.reserved[order.exchange_index] = user.reserved_on(order.exchange_index) + amount - order.reserved
    order.reserved = amount


def place(ex: SimExchange, user: SimUser, spec: OrderSpec) -> Placement:
    """Validate, match against the book, then rest (GTC) or cancel (IOC/FOK) the remainder."""
    market = _validate(ex, user, spec)
    now = ex.now()
    count = spec.count
    if spec.reduce_only:
        count = min(count, accounts.closable(user, market.ticker, spec.side))
    seq = ex.next_seq()
    expiry = datetime.fromtimestamp(spec.expiration_time, UTC) if spec.expiration_time else None
    order = SimOrder(
        order_id=ex.new_id(),
        user_id=user.user_id,
        ticker=market.ticker,
        side=spec.side,
        price=spec.price,
        initial_count=spec.count,
        time_in_force=spec.time_in_force,
        stp=spec.stp,
        client_order_id=spec.client_order_id,
        created_time=now,
        seq=seq,
        expiration_time=expiry,
        post_only=spec.post_only,
        subaccount=spec.subaccount,
        exchange_index=market.exchange_index,
        remaining_count=count,
        last_update_time=now,
        priority=seq,
        hidden_until_ms=ex.now_ms() + ex.config.new_order_lag_ms if ex.config.new_order_lag_ms > 0 else 0,
    )
    if spec.client_order_id is not None:
        user.client_order_ids.add(spec.client_order_id)
    ex.orders[order.order_id] = order
    ex.user_orders[user.user_id].append(order)
    return _execute(ex, market, order, cancel_reason="Canceled" if count == spec.count else "ReduceOnly")


def _execute(ex: SimExchange, market: SimMarket, order: SimOrder, cancel_reason: str) -> Placement:
    filled_before, fees_before = order.fill_count, order.taker_fees
    cost_yes = ZERO
    stopped = False
    if order.time_in_force is TimeInForce.FOK and not _fok_fillable(ex, order):
        order.remaining_count = ZERO
        order.status, order.last_update_reason = OrderStatus.CANCELED, "FillOrKill"
    else:
        cost_yes, stopped = _match(ex, market, order)
    if order.remaining_count > 0:
        if order.time_in_force is TimeInForce.GTC and not stopped:
            ex.books[market.ticker].add(order)
            ex.users[order.user_id].resting_count += 1
            _set_reserve(ex, order, _reserve_for(ex, order))
            _delta(ex, order, order.remaining_count)
            if order.expiration_time is not None:
                ex.schedule(order.expiration_time, "expire", order.order_id)
        else:
            order.remaining_count = ZERO
            order.status = OrderStatus.CANCELED
            order.last_update_reason = "SelfTrade" if stopped else cancel_reason
    elif order.status is OrderStatus.RESTING:
        order.status = OrderStatus.EXECUTED if order.fill_count > 0 else OrderStatus.CANCELED
    ex.emit(OrderEvent(order))
    return Placement(
        order, order.fill_count - filled_before, cost_yes, order.taker_fees - fees_before, ex.now_ms()
    )


def _fok_fillable(ex: SimExchange, order: SimOrder) -> bool:
    """True when FOK may proceed: enough liquidity, or a self-cross makes it behave like IOC."""
    available = ZERO
    for resting in ex.books[order.ticker].crossing(order.side, order.price):
        if resting.user_id == order.user_id:
            if order.stp is SelfTradePrevention.TAKER_AT_CROSS:
                return True
            continue
        available += resting.remaining_count
        if available >= order.remaining_count:
            return True
    return False


def _match(ex: SimExchange, market: SimMarket, order: SimOrder) -> tuple[Decimal, bool]:
    cost_yes = ZERO
    for resting in ex.books[market.ticker].crossing(order.side, order.price):
        if order.remaining_count <= 0:
            break
        if resting.user_id == order.user_id:
            if order.stp is SelfTradePrevention.TAKER_AT_CROSS:
                return cost_yes, True
            cancel(ex, resting, "SelfTrade")
            continue
        qty = min(order.remaining_count, resting.remaining_count)
        _trade(ex, market, order, resting, qty)
        cost_yes += qty * resting.price
    return cost_yes, False


def _trade(ex: SimExchange, market: SimMarket, taker: SimOrder, maker: SimOrder, qty: Decimal) -> None:
    """One execution at the maker's price: fees, both accounts, orders, the tape and the feed."""
    price, now, schedule = maker.price, ex.now(), ex.fees_for(market)
    taker_fee = kalshi_fee(qty, price, schedule, maker=False)
    maker_fee = kalshi_fee(qty, price, schedule, maker=True)
    seq = ex.next_seq()
    trade_id = ex.new_id()
    for order, fee, is_taker in ((taker, taker_fee, True), (maker, maker_fee, False)):
        user = ex.users[order.user_id]
        paid = accounts.apply_execution(user, market, order.side, qty, price, fee, now)
        order.fill_count += qty
        order.remaining_count -= qty
        order.last_update_time = now
        if is_taker:
            order.taker_fill_cost += paid
            order.taker_fees += fee
        else:
            order.maker_fill_cost += paid
            order.maker_fees += fee
        fill = SimFill(
            trade_id,
            order.order_id,
            order.user_id,
            market.ticker,
            order.side,
            qty,
            price,
            is_taker,
            fee,
            now,
            seq,
            market.exchange_index,
            order.subaccount,
            order.client_order_id,
            user.positions[market.ticker].position,
        )
        ex.user_fills[order.user_id].append(fill)
        ex.emit(FillEvent(fill))
        ex.emit(PositionEvent(order.user_id, market.ticker))
    ex.books[market.ticker].change_level(maker.side, maker.price, -qty)
    _delta(ex, maker, -qty)
    if maker.remaining_count <= 0:
        ex.books[market.ticker].remove(maker, ZERO)
        ex.users[maker.user_id].resting_count -= 1
        maker.status = OrderStatus.EXECUTED
    _set_reserve(ex, maker, _reserve_for(ex, maker))
    ex.emit(OrderEvent(maker))
    trade = SimTrade(trade_id, market.ticker, qty, price, taker.side, now, seq)
    ex.trades.append(trade)
    market.last_price = price
    market.volume += qty
    market.trades_ts_counts.append((ex.now_ms(), qty))
    ex.emit(TradeEvent(trade))
    ex.emit(TickerEvent(market.ticker))


def _delta(ex: SimExchange, order: SimOrder, delta: Decimal) -> None:
    ex.emit(
        BookDelta(
            order.ticker,
            order.side,
            order.price,
            delta,
            ex.now_ms(),
            order.user_id,
            order.client_order_id,
            order.subaccount,
        )
    )


def cancel(ex: SimExchange, order: SimOrder, reason: str) -> Decimal:
    """Take a resting order off the book; returns the contracts it still had (reduced_by)."""
    reduced = order.remaining_count
    if reduced <= 0:
        return ZERO
    if ex.config.stale_reads_ms > 0:
        order.stale_view = dataclasses.replace(order, stale_view=None)
        order.stale_until_ms = ex.now_ms() + ex.config.stale_reads_ms
    ex.books[order.ticker].remove(order, reduced)
    ex.users[order.user_id].resting_count -= 1
    order.remaining_count = ZERO
    order.status, order.last_update_reason, order.last_update_time = OrderStatus.CANCELED, reason, ex.now()
    _set_reserve(ex, order, ZERO)
    _delta(ex, order, -reduced)
    ex.emit(OrderEvent(order))
    ex.emit(TickerEvent(order.ticker))
    return reduced


def hidden(ex: SimExchange, order: SimOrder) -> bool:
    """True while a new order is still missing from order reads (new_order_lag_ms)."""
    return ex.now_ms() < order.hidden_until_ms


def visible(ex: SimExchange, order: SimOrder) -> SimOrder:
    """The order as reads show it: its pre-cancel state while a stale-read window is open."""
    if order.stale_view is not None and ex.now_ms() < order.stale_until_ms:
        return order.stale_view
    return order


def expire(ex: SimExchange, order: SimOrder) -> None:
    if order.remaining_count > 0 and order.expiration_time is not None and order.expiration_time <= ex.now():
        cancel(ex, order, "Expired")


def _owned_resting(ex: SimExchange, user_id: str, order_id: str) -> SimOrder:
    order = ex.orders.get(order_id)
    if order is None or order.user_id != user_id or order.remaining_count <= 0:
        raise NotFoundError("not found", status=404, code="not_found")
    return order


def amend(ex: SimExchange, user: SimUser, order_id: str, spec: OrderSpec) -> Placement:
    """Change price and/or total count (filled + new remaining); new price or bigger size loses priority."""
    order = _owned_resting(ex, user.user_id, order_id)
    if spec.ticker != order.ticker:
        raise _reject("order_ticker_mismatch", "order ticker mismatch")
    if spec.side is not order.side:
        raise _reject("order_side_mismatch", "order side mismatch")
    market = check_market(ex, order.ticker)
    check_price_and_size(market, spec.price, spec.count)
    new_remaining = spec.count - order.fill_count
    if new_remaining <= 0:
        raise _reject("invalid_order_size", "invalid order size")
    _check_collateral(ex, user, market, order.side, spec.price, new_remaining, released=order.reserved)
    if spec.client_order_id is not None and spec.client_order_id != order.client_order_id:
        if spec.client_order_id in user.client_order_ids:
            raise DuplicateOrderError("order already exists", status=409, code="order_already_exists")
        user.client_order_ids.add(spec.client_order_id)
        order.client_order_id = spec.client_order_id
    book = ex.books[market.ticker]
    if spec.price == order.price and new_remaining <= order.remaining_count:
        shrink = order.remaining_count - new_remaining
        book.change_level(order.side, order.price, -shrink)
        order.remaining_count = new_remaining
        order.initial_count, order.last_update_time = spec.count, ex.now()
        _set_reserve(ex, order, _reserve_for(ex, order))
        if shrink:
            _delta(ex, order, -shrink)
        ex.emit(OrderEvent(order))
        return Placement(order, ZERO, ZERO, ZERO, ex.now_ms())
    book.remove(order, order.remaining_count)
    user.resting_count -= 1
    _delta(ex, order, -order.remaining_count)
    _set_reserve(ex, order, ZERO)
    order.price, order.initial_count, order.remaining_count = spec.price, spec.count, new_remaining
    order.priority, order.last_update_time = ex.next_seq(), ex.now()
    return _execute(ex, market, order, cancel_reason="Canceled")


def decrease(
    ex: SimExchange, user_id: str, order_id: str, reduce_by: Decimal | None, reduce_to: Decimal | None
) -> SimOrder:
    """Shrink a resting order by `reduce_by` or to `reduce_to`; zero remaining cancels it."""
    if (reduce_by is None) == (reduce_to is None):
        raise _reject("invalid_parameters", "invalid parameters", "exactly one of reduce_by or reduce_to")
    order = _owned_resting(ex, user_id, order_id)
    target = order.remaining_count - reduce_by if reduce_by is not None else reduce_to
    assert target is not None
    if target < 0 or target >= order.remaining_count or target % COUNT_STEP != 0:
        raise _reject("invalid_order_size", "invalid order size")
    if target == 0:
        cancel(ex, order, "Decrease")
        return order
    shrink = order.remaining_count - target
    ex.books[order.ticker].change_level(order.side, order.price, -shrink)
    order.remaining_count = target
    order.initial_count -= shrink
    order.last_update_time = ex.now()
    _set_reserve(ex, order, _reserve_for(ex, order))
    _delta(ex, order, -shrink)
    ex.emit(OrderEvent(order))
    return order
