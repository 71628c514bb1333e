"""WebSocket message bodies per channel, shaped like the recorded frames (kalshi-api.md §3, Appendix A.2)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from courtside.domain.money import ONE, ZERO
from courtside.domain.orders import BookSide
from courtside.sim.events import (
    BookDelta,
    FillEvent,
    LifecycleEvent,
    OrderEvent,
    PositionEvent,
    SimEvent,
    TickerEvent,
    TradeEvent,
)
from courtside.sim.exchange import SimExchange, to_ms
from courtside.sim.serialize import c2, m6, market_json, order_json, p4, trade_json, ts
from courtside.sim.state import SimMarket

if TYPE_CHECKING:
    from courtside.sim.ws import Subscription

Json = dict[str, Any]


def snapshot(ex: SimExchange, market: SimMarket, use_yes_price: bool) -> Json:
    """`orderbook_snapshot`: both bid sides ascending; an empty side's key is left out."""
    book = ex.books[market.ticker]
    msg: Json = {"market_ticker": market.ticker, "market_id": market.market_id}
    yes = book.yes_levels()
    no = book.no_levels(yes_price=use_yes_price)
    if yes:
        msg["yes_dollars_fp"] = [[p4(p), c2(s)] for p, s in yes]
    if no:
        msg["no_dollars_fp"] = [[p4(p), c2(s)] for p, s in no]
    return msg


def _delta(ex: SimExchange, user_id: str, sub: Subscription, d: BookDelta) -> Json:
    market = ex.markets[d.ticker]
    price = d.price if d.side is BookSide.BID or sub.use_yes_price else ONE - d.price
    msg: Json = {
        "market_ticker": d.ticker,
        "market_id": market.market_id,
        "price_dollars": p4(price),
        "delta_fp": c2(d.delta),
        "side": "yes" if d.side is BookSide.BID else "no",
        "ts": ts(ex.now()),
        "ts_ms": d.ts_ms,
    }
    if d.user_id == user_id:
        if d.client_order_id:
            msg["client_order_id"] = d.client_order_id
        msg["subaccount"] = d.subaccount
    return msg


def _ticker(ex: SimExchange, ticker: str) -> Json:
    m = market_json(ex, ex.markets[ticker])
    market = ex.markets[ticker]
    last = market.last_price if market.last_price is not None else ZERO
    now_ms = ex.now_ms()
    return {
        "market_ticker": ticker,
        "market_id": market.market_id,
        "price_dollars": p4(last),
        "yes_bid_dollars": m["yes_bid_dollars"],
        "yes_ask_dollars": m["yes_ask_dollars"],
        "yes_bid_size_fp": m["yes_bid_size_fp"],
        "yes_ask_size_fp": m["yes_ask_size_fp"],
        "volume_fp": m["volume_fp"],
        "open_interest_fp": m["open_interest_fp"],
        "dollar_volume": int(market.volume),
        "dollar_open_interest": int(ex.open_interest(ticker)),
        "last_trade_size_fp": c2(market.trades_ts_counts[-1][1] if market.trades_ts_counts else ZERO),
        "ts": now_ms // 1000,
        "ts_ms": now_ms,
        "time": ts(ex.now()),
    }


def _fill(ex: SimExchange, event: FillEvent) -> Json:
    f = event.fill
    outcome = "yes" if f.side is BookSide.BID else "no"
    msg: Json = {
        "trade_id": f.fill_id,
        "order_id": f.order_id,
        "market_ticker": f.ticker,
        "exchange_index": f.exchange_index,
        "is_taker": f.is_taker,
        "side": outcome,
        "outcome_side": outcome,
        "book_side": f.side.value,
        "yes_price_dollars": p4(f.yes_price),
        "count_fp": c2(f.count),
        "fee_cost": m6(f.fee),
        "action": "buy" if f.side is BookSide.BID else "sell",
        "ts": to_ms(f.created_time) // 1000,
        "ts_ms": to_ms(f.created_time),
        "post_position_fp": c2(f.post_position),
        "purchased_side": outcome,
        "subaccount": f.subaccount,
    }
    if f.client_order_id:
        msg["client_order_id"] = f.client_order_id
    return msg


def _user_order(event: OrderEvent) -> Json:
    o = event.order
    base = order_json(o)
    base.update(
        {
            "is_yes": o.side is BookSide.BID,
            "created_ts_ms": to_ms(o.created_time),
            "last_updated_ts_ms": to_ms(o.last_update_time or o.created_time),
            "order_group_id": "",
            "expiration_ts_ms": to_ms(o.expiration_time) if o.expiration_time else None,
        }
    )
    return base


def _position(ex: SimExchange, event: PositionEvent) -> Json:
    pos = ex.users[event.user_id].positions[event.ticker]
    return {
        "user_id": event.user_id,
        "market_ticker": event.ticker,
        "position_fp": c2(pos.position),
        "position_cost_dollars": m6(pos.exposure),
        "realized_pnl_dollars": m6(pos.realized_pnl),
        "fees_paid_dollars": m6(pos.fees_paid),
        "position_fee_cost_dollars": m6(pos.fees_paid),
        "volume_fp": c2(pos.contracts_traded),
    }


def _lifecycle(ex: SimExchange, event: LifecycleEvent) -> Json:
    msg: Json = {"market_ticker": event.ticker, "event_type": event.event_type, **event.fields}
    if event.event_type == "created":
        m = ex.markets[event.ticker]
        msg.update(
            {
                "open_ts": to_ms(m.open_time) // 1000,
                "close_ts": to_ms(m.close_time) // 1000,
                "price_level_structure": m.price_level_structure,
                "exchange_index": m.exchange_index,
                "additional_metadata": {
                    "name": m.yes_sub_title,
                    "title": m.title,
                    "yes_sub_title": m.yes_sub_title,
                    "no_sub_title": m.no_sub_title,
                    "rules_primary": m.rules_primary,
                    "rules_secondary": m.rules_secondary,
                    "can_close_early": m.can_close_early,
                    "event_ticker": m.event_ticker,
                    "strike_type": m.strike_type,
                    "expected_expiration_ts": to_ms(m.expected_expiration_time) // 1000
                    if m.expected_expiration_time
                    else None,
                    **({"custom_strike": m.custom_strike} if m.custom_strike else {}),
                },
            }
        )
    return msg


def format_event(
    ex: SimExchange, user_id: str, sub: Subscription, event: SimEvent
) -> tuple[str, Json] | None:
    """(type, msg) of an exchange event for one subscription, or None when it does not concern it."""
    channel = sub.channel
    if isinstance(event, BookDelta):
        return (
            ("orderbook_delta", _delta(ex, user_id, sub, event))
            if channel == "orderbook_delta" and sub.wants(event.ticker)
            else None
        )
    if isinstance(event, TradeEvent):
        if channel != "trade" or not sub.wants(event.trade.ticker):
            return None
        body = trade_json(event.trade)
        body["market_ticker"] = body.pop("ticker")
        body["ts"], body["ts_ms"] = to_ms(event.trade.created_time) // 1000, to_ms(event.trade.created_time)
        del body["created_time"]
        return "trade", body
    if isinstance(event, TickerEvent):
        return (
            ("ticker", _ticker(ex, event.ticker)) if channel == "ticker" and sub.wants(event.ticker) else None
        )
    if isinstance(event, FillEvent):
        ok = channel == "fill" and event.fill.user_id == user_id and sub.wants(event.fill.ticker)
        return ("fill", _fill(ex, event)) if ok else None
    if isinstance(event, OrderEvent):
        ok = channel == "user_orders" and event.order.user_id == user_id and sub.wants(event.order.ticker)
        return ("user_order", _user_order(event)) if ok else None
    if isinstance(event, PositionEvent):
        ok = channel == "market_positions" and event.user_id == user_id and sub.wants(event.ticker)
        return ("market_position", _position(ex, event)) if ok else None
    if channel == "market_lifecycle_v2" and event.event_type == "event_lifecycle":
        return "event_lifecycle", {"event_ticker": event.ticker, **event.fields}
    if channel == "market_lifecycle_v2" and not event.ticker.startswith("KXMVE"):
        return "market_lifecycle_v2", _lifecycle(ex, event)
    return None
