"""Sim state -> Kalshi wire JSON, with the recorded formats (kalshi-api.md §2, §8.1).

Prices 4 dp in market/orderbook/trade objects, money 6 dp in orders/fills/positions, counts 2 dp,
RFC 3339 times in UTC with Go-style trimmed microseconds and `Z`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_DOWN, Decimal
from typing import Any

from courtside.domain.money import ONE, ZERO, fmt_count, fmt_dollars
from courtside.domain.orders import BookSide
from courtside.sim.book import Book
from courtside.sim.exchange import SimExchange, to_ms
from courtside.sim.state import (
    SimEvent,
    SimFill,
    SimMarket,
    SimOrder,
    SimPosition,
    SimSeries,
    SimSettlement,
    SimTrade,
    SimUser,
)

Json = dict[str, Any]
DAY_MS = 86_400_000


def ts(when: datetime) -> str:
    """RFC 3339 UTC like Kalshi's Go server: `2026-06-11T05:39:31.28563Z`, no fraction when zero."""
    when = when.astimezone(UTC)
    base = when.strftime("%Y-%m-%dT%H:%M:%S")
    if when.microsecond:
        base += "." + f"{when.microsecond:06d}".rstrip("0")
    return base + "Z"


def p4(value: Decimal) -> str:
    return fmt_dollars(value, 4)


def m6(value: Decimal) -> str:
    return fmt_dollars(value, 6)


def c2(value: Decimal) -> str:
    return fmt_count(value)


def series_json(s: SimSeries) -> Json:
    return {
        "ticker": s.ticker,
        "title": s.title,
        "category": s.category,
        "categories": [s.category],
        "tags": list(s.tags),
        "frequency": s.frequency,
        "settlement_sources": s.settlement_sources,
        "contract_url": "",
        "contract_terms_url": "",
        "fee_type": s.fees.fee_type.value,
        "fee_multiplier": int(s.fees.multiplier)
        if s.fees.multiplier == int(s.fees.multiplier)
        else float(s.fees.multiplier),
        "additional_prohibitions": [],
        "product_metadata": {},
        "exchange_index": s.exchange_index,
        **({"last_updated_ts": ts(s.last_updated)} if s.last_updated else {}),
    }


def event_json(ex: SimExchange, e: SimEvent, *, nested: bool = False) -> Json:
    out: Json = {
        "event_ticker": e.event_ticker,
        "series_ticker": e.series_ticker,
        "title": e.title,
        "sub_title": e.sub_title,
        "collateral_return_type": e.collateral_return_type,
        "mutually_exclusive": e.mutually_exclusive,
        "strike_period": "",
        "available_on_brokers": False,
        "product_metadata": e.product_metadata,
        "settlement_sources": e.settlement_sources,
        "exchange_index": e.exchange_index,
    }
    if e.strike_date is not None:
        out["strike_date"] = ts(e.strike_date)
    if e.last_updated is not None:
        out["last_updated_ts"] = ts(e.last_updated)
    if e.fee_override is not None:
        out["fee_type_override"] = e.fee_override.fee_type.value
        out["fee_multiplier_override"] = float(e.fee_override.multiplier)
    if nested:  # markets settled before the historical cutoff are left out, as on Kalshi
        from courtside.sim.history import is_historical

        live = [ex.markets[t] for t in e.market_tickers if not is_historical(ex, ex.markets[t])]
        out["markets"] = [market_json(ex, m) for m in live]
    return out


def _quotes(book: Book) -> Json:
    bid, ask = book.best(BookSide.BID), book.best(BookSide.ASK)
    yes_bid, bid_size = bid if bid else (ZERO, ZERO)
    yes_ask, ask_size = ask if ask else (ONE, ZERO)
    return {
        "yes_bid_dollars": p4(yes_bid),
        "yes_bid_size_fp": c2(bid_size),
        "yes_ask_dollars": p4(yes_ask),
        "yes_ask_size_fp": c2(ask_size),
        "no_bid_dollars": p4(ONE - yes_ask),
        "no_ask_dollars": p4(ONE - yes_bid),
    }


def market_json(ex: SimExchange, m: SimMarket) -> Json:
    now_ms = ex.now_ms()
    out: Json = {
        "ticker": m.ticker,
        "event_ticker": m.event_ticker,
        "market_type": m.market_type,
        "title": m.title,
        "yes_sub_title": m.yes_sub_title,
        "no_sub_title": m.no_sub_title,
        "created_time": ts(m.created_time),
        "updated_time": ts(m.updated_time),
        "open_time": ts(m.open_time),
        "close_time": ts(m.close_time),
        "expiration_time": ts(m.latest_expiration_time),
        "latest_expiration_time": ts(m.latest_expiration_time),
        "settlement_timer_seconds": m.settlement_timer_seconds,
        "status": m.status.value,
        **_quotes(ex.books[m.ticker]),
        "last_price_dollars": p4(m.last_price if m.last_price is not None else ZERO),
        "previous_yes_bid_dollars": "0.0000",
        "previous_yes_ask_dollars": "0.0000",
        "previous_price_dollars": "0.0000",
        "volume_fp": c2(m.volume),
        "volume_24h_fp": c2(m.volume_since(now_ms - DAY_MS)),
        "open_interest_fp": c2(ex.open_interest(m.ticker)),
        "notional_value_dollars": "1.0000",
        "liquidity_dollars": "0.0000",
        "result": m.result,
        "can_close_early": m.can_close_early,
        "early_close_condition": m.early_close_condition,
        "expiration_value": m.expiration_value,
        "strike_type": m.strike_type,
        "rules_primary": m.rules_primary,
        "rules_secondary": m.rules_secondary,
        "price_level_structure": m.price_level_structure,
        "price_ranges": [{"start": p4(b.start), "end": p4(b.end), "step": p4(b.step)} for b in m.price_bands],
        "settlement_bounds_type": "default",
        "exchange_index": m.exchange_index,
    }
    if m.expected_expiration_time is not None:
        out["expected_expiration_time"] = ts(m.expected_expiration_time)
    if m.occurrence_datetime is not None:
        out["occurrence_datetime"] = ts(m.occurrence_datetime)
    if m.custom_strike is not None:
        out["custom_strike"] = m.custom_strike
    if m.primary_participant_key is not None:
        out["primary_participant_key"] = m.primary_participant_key
    if m.settlement_value is not None:
        out["settlement_value_dollars"] = p4(m.settlement_value)
    if m.settlement_time is not None:
        out["settlement_ts"] = ts(m.settlement_time)
    return out


def orderbook_json(book: Book, depth: int = 0) -> Json:
    """`orderbook_fp`: bids only, each side ascending so the best level is last; empty sides omitted."""
    inner: Json = {}
    yes = book.yes_levels(depth)
    no = book.no_levels(depth)
    if yes:
        inner["yes_dollars"] = [[p4(p), c2(s)] for p, s in yes]
    if no:
        inner["no_dollars"] = [[p4(p), c2(s)] for p, s in no]
    return inner


def trade_json(t: SimTrade) -> Json:
    outcome = "yes" if t.taker_side is BookSide.BID else "no"
    return {
        "trade_id": t.trade_id,
        "ticker": t.ticker,
        "count_fp": c2(t.count),
        "yes_price_dollars": p4(t.yes_price),
        "no_price_dollars": p4(ONE - t.yes_price),
        "taker_side": outcome,
        "taker_outcome_side": outcome,
        "taker_book_side": t.taker_side.value,
        "created_time": ts(t.created_time),
        "is_block_trade": False,
    }


def _legacy_side(side: BookSide) -> tuple[str, str, str]:
    """(side, action, outcome_side): a bid buys YES; an ask sells YES (recorded: side yes, action sell)."""
    return ("yes", "buy", "yes") if side is BookSide.BID else ("yes", "sell", "no")


def order_json(o: SimOrder) -> Json:
    side, action, outcome = _legacy_side(o.side)
    out: Json = {
        "order_id": o.order_id,
        "user_id": o.user_id,
        "client_order_id": o.client_order_id or "",
        "ticker": o.ticker,
        "side": side,
        "action": action,
        "outcome_side": outcome,
        "book_side": o.side.value,
        "type": "limit",
        "status": o.status.value,
        "yes_price_dollars": p4(o.price),
        "no_price_dollars": p4(ONE - o.price),
        "fill_count_fp": c2(o.fill_count),
        "remaining_count_fp": c2(o.remaining_count),
        "initial_count_fp": c2(o.initial_count),
        "taker_fill_cost_dollars": m6(o.taker_fill_cost),
        "maker_fill_cost_dollars": m6(o.maker_fill_cost),
        "taker_fees_dollars": m6(o.taker_fees),
        "maker_fees_dollars": m6(o.maker_fees),
        "created_time": ts(o.created_time),
        "last_update_time": ts(o.last_update_time or o.created_time),
        "self_trade_prevention_type": o.stp.value,
        "time_in_force": o.time_in_force.value,
        "subaccount_number": o.subaccount,
        "exchange_index": o.exchange_index,
    }
    if o.expiration_time is not None:
        out["expiration_time"] = ts(o.expiration_time)
    if o.last_update_reason is not None:
        out["last_update_reason"] = o.last_update_reason
    return out


def fill_json(f: SimFill) -> Json:
    side, action, outcome = _legacy_side(f.side)
    return {
        "fill_id": f.fill_id,
        "trade_id": f.fill_id,
        "order_id": f.order_id,
        "ticker": f.ticker,
        "market_ticker": f.ticker,
        "side": side,
        "action": action,
        "outcome_side": outcome,
        "book_side": f.side.value,
        "count_fp": c2(f.count),
        "yes_price_dollars": p4(f.yes_price),
        "no_price_dollars": p4(ONE - f.yes_price),
        "is_taker": f.is_taker,
        "created_time": ts(f.created_time),
        "fee_cost": m6(f.fee),
        "subaccount_number": f.subaccount,
        "ts": to_ms(f.created_time) // 1000,
        "exchange_index": f.exchange_index,
    }


def position_json(p: SimPosition) -> Json:
    return {
        "ticker": p.ticker,
        "exchange_index": p.exchange_index,
        "total_traded_dollars": m6(p.total_traded),
        "position_fp": c2(p.position),
        "market_exposure_dollars": m6(p.exposure),
        "realized_pnl_dollars": m6(p.realized_pnl),
        "fees_paid_dollars": m6(p.fees_paid),
        "last_updated_ts": ts(p.last_updated) if p.last_updated else "",
    }


def event_positions_json(positions: list[SimPosition]) -> list[Json]:
    """Aggregate market positions per event, in first-seen order."""
    grouped: dict[str, list[SimPosition]] = {}
    for p in positions:
        grouped.setdefault(p.event_ticker, []).append(p)
    return [
        {
            "event_ticker": event,
            "total_cost_dollars": m6(sum((p.total_traded for p in ps), ZERO)),
            "total_cost_shares_fp": c2(sum((p.contracts_traded for p in ps), ZERO)),
            "event_exposure_dollars": m6(sum((p.exposure for p in ps), ZERO)),
            "realized_pnl_dollars": m6(sum((p.realized_pnl for p in ps), ZERO)),
            "fees_paid_dollars": m6(sum((p.fees_paid for p in ps), ZERO)),
        }
        for event, ps in grouped.items()
    ]


def settlement_json(s: SimSettlement) -> Json:
    return {
        "ticker": s.ticker,
        "event_ticker": s.event_ticker,
        "exchange_index": s.exchange_index,
        "market_result": s.market_result,
        "yes_count_fp": c2(s.yes_count),
        "yes_total_cost_dollars": m6(s.yes_total_cost),
        "no_count_fp": c2(s.no_count),
        "no_total_cost_dollars": m6(s.no_total_cost),
        "revenue": s.revenue_cents,
        "settled_time": ts(s.settled_time),
        "fee_cost": m6(s.fee_cost),
        "value": s.value_cents,
    }


def balance_json(ex: SimExchange, user: SimUser, exchange_index: int | None) -> Json:
    """Cash per shard (4 dp), `balance` truncated to int cents; portfolio marked at last price or cost.
    Without `exchange_index` every shard is summed; with it, only that shard counts (kalshi-api.md §2.8)."""
    shards = sorted(set(user.cash) | {0})
    if exchange_index is not None:
        shards = [exchange_index]

    def free(shard: int) -> Decimal:
        cash = user.cash_on(shard)
        return cash - user.reserved_on(shard) if ex.config.balance_excludes_reserved else cash

    total = sum((free(s) for s in shards), ZERO)
    value = ZERO
    for pos in user.positions.values():
        if (
            pos.settled
            or pos.position == 0
            or (exchange_index is not None and pos.exchange_index != exchange_index)
        ):
            continue
        last = ex.markets[pos.ticker].last_price
        mark = (
            (last if pos.position > 0 else ONE - last)
            if last is not None
            else pos.exposure / abs(pos.position)
        )
        value += abs(pos.position) * mark
    body: Json = {
        "balance": int((total * 100).to_integral_value(rounding=ROUND_DOWN)),
        "balance_dollars": p4(total),
        "portfolio_value": int((value * 100).to_integral_value(rounding=ROUND_DOWN)),
        "updated_ts": to_ms(user.updated or ex.now()) // 1000,
    }
    if ex.config.balance_breakdown:
        body["balance_breakdown"] = [{"exchange_index": s, "balance": p4(free(s))} for s in shards]
    return body
