"""Test-control JSON -> series, events, markets, users, with server defaults (kalshi-api.md §8.5, §8.10).

Also `apply_bundle`, the bulk path the market generator uses to list thousands of markets at once.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from courtside.domain.clock import to_utc
from courtside.domain.errors import ConfigError, DataError
from courtside.domain.market import FeeSchedule, FeeType, MarketStatus
from courtside.domain.money import LINEAR_CENT, PriceBand
from courtside.sim.auth import KeyEntry, load_public_key
from courtside.sim.engine import OrderSpec
from courtside.sim.exchange import SimExchange
from courtside.sim.state import SimEvent, SimMarket, SimSeries

Json = dict[str, Any]
TWO_WEEKS = timedelta(days=14)


def parse_time(value: Any, what: str) -> datetime | None:
    """RFC 3339 string or Unix milliseconds; None stays None."""
    if value is None or value == "":
        return None
    try:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return datetime.fromtimestamp(value / 1000, UTC)
        return to_utc(datetime.fromisoformat(str(value)))
    except (ValueError, OverflowError) as e:
        raise DataError(f"{what}: not an RFC 3339 time: {value!r}") from e


def parse_decimal(value: Any, what: str) -> Decimal:
    try:
        result = Decimal(str(value))
    except InvalidOperation as e:
        raise DataError(f"{what}: not a decimal: {value!r}") from e
    if not result.is_finite():
        raise DataError(f"{what}: not finite")
    return result


def _fees(fee_type: Any, multiplier: Any, what: str) -> FeeSchedule:
    try:
        kind = FeeType(fee_type or FeeType.QUADRATIC_WITH_MAKER_FEES.value)
    except ValueError as e:
        raise DataError(f"{what}: unknown fee_type {fee_type!r}") from e
    return FeeSchedule(kind, parse_decimal(1 if multiplier is None else multiplier, what))


def series_from_json(data: Json) -> SimSeries:
    return SimSeries(
        ticker=data["ticker"],
        title=str(data.get("title", data["ticker"])),
        category=data.get("category", "Sports"),
        tags=list(data.get("tags", ["Tennis"])),
        fees=_fees(data.get("fee_type"), data.get("fee_multiplier"), data["ticker"]),
        frequency=data.get("frequency", "custom"),
        settlement_sources=list(data.get("settlement_sources", [])),
        exchange_index=int(data.get("exchange_index", 3)),
    )


def event_from_json(ex: SimExchange, data: Json) -> SimEvent:
    series = ex.series.get(data.get("series_ticker", ""))
    if series is None:
        raise DataError(f"event {data.get('event_ticker')}: unknown series {data.get('series_ticker')!r}")
    override = None
    if data.get("fee_type_override") or data.get("fee_multiplier_override") is not None:
        override = _fees(
            data.get("fee_type_override") or series.fees.fee_type.value,
            data.get("fee_multiplier_override", series.fees.multiplier),
            data["event_ticker"],
        )
    return SimEvent(
        event_ticker=data["event_ticker"],
        series_ticker=series.ticker,
        title=data.get("title", ""),
        sub_title=data.get("sub_title", ""),
        mutually_exclusive=bool(data.get("mutually_exclusive", True)),
        collateral_return_type=data.get("collateral_return_type", "MECNET"),
        product_metadata=dict(data.get("product_metadata", {})),
        settlement_sources=list(data.get("settlement_sources", series.settlement_sources)),
        fee_override=override,
        exchange_index=int(data.get("exchange_index", series.exchange_index)),
        strike_date=parse_time(data.get("strike_date"), "strike_date"),
        last_updated=ex.now(),
        milestone=bool(data.get("milestone", True)),
    )


def _bands(data: Json) -> tuple[PriceBand, ...]:
    ranges = data.get("price_ranges")
    if not ranges:
        return LINEAR_CENT
    return tuple(
        PriceBand(
            parse_decimal(r["start"], "start"),
            parse_decimal(r["end"], "end"),
            parse_decimal(r["step"], "step"),
        )
        for r in ranges
    )


def market_from_json(ex: SimExchange, data: Json) -> SimMarket:
    """A market with defaults: opens now, closes in two weeks, active unless its open_time is ahead."""
    event = ex.events.get(data.get("event_ticker", ""))
    if event is None:
        raise DataError(f"market {data.get('ticker')}: unknown event {data.get('event_ticker')!r}")
    now = ex.now()
    open_time = parse_time(data.get("open_time"), "open_time") or now
    close_time = parse_time(data.get("close_time"), "close_time") or open_time + TWO_WEEKS
    status = (
        MarketStatus(data["status"])
        if data.get("status")
        else (MarketStatus.ACTIVE if open_time <= now else MarketStatus.INITIALIZED)
    )
    name = str(data.get("yes_sub_title", data["ticker"]))
    return SimMarket(
        ticker=data["ticker"],
        event_ticker=event.event_ticker,
        series_ticker=event.series_ticker,
        market_id=data.get("market_id") or ex.new_id(),
        title=str(data.get("title", name)),
        yes_sub_title=name,
        no_sub_title=str(data.get("no_sub_title", name)),
        rules_primary=data.get("rules_primary", ""),
        rules_secondary=data.get("rules_secondary", ""),
        status=status,
        created_time=parse_time(data.get("created_time"), "created_time") or now,
        open_time=open_time,
        close_time=close_time,
        expected_expiration_time=parse_time(data.get("expected_expiration_time"), "expected_expiration_time"),
        occurrence_datetime=parse_time(data.get("occurrence_datetime"), "occurrence_datetime"),
        latest_expiration_time=parse_time(data.get("latest_expiration_time"), "latest") or close_time,
        updated_time=now,
        settlement_timer_seconds=int(data.get("settlement_timer_seconds", 60)),
        can_close_early=bool(data.get("can_close_early", True)),
        early_close_condition=data.get(
            "early_close_condition", "This market will close and expire after a winner is declared."
        ),
        strike_type=data.get("strike_type", "structured"),
        custom_strike=data.get("custom_strike"),
        price_level_structure=data.get("price_level_structure", "linear_cent"),
        price_bands=_bands(data),
        exchange_index=int(data.get("exchange_index", event.exchange_index)),
        primary_participant_key=data.get("primary_participant_key"),
    )


def register_user(ex: SimExchange, data: Json) -> Json:
    """Create (or extend) a user with one API key and per-shard balances {"0": "100.00", "3": "0"}."""
    balances = {int(k): parse_decimal(v, "balance") for k, v in (data.get("balances") or {}).items()}
    user_id = data.get("user_id")
    with ex.lock:
        if user_id in ex.users:
            user = ex.users[user_id]
            for shard, amount in balances.items():
                user.cash[shard] = amount
        else:
            user = ex.add_user(balances, user_id)
        if data.get("key_id"):
            if not data.get("public_key_pem"):
                raise ConfigError("public_key_pem is required with key_id")
            scopes = frozenset(data.get("scopes") or ("read", "write"))
            ex.add_key(
                KeyEntry(data["key_id"], user.user_id, load_public_key(data["public_key_pem"]), scopes)
            )
    return {"user_id": user.user_id, "key_id": data.get("key_id")}


def order_spec_from_json(data: Json) -> OrderSpec:
    """The convenience order body (same fields as V2 create; numbers allowed, defaults for tif/stp)."""
    from courtside.domain.orders import BookSide, SelfTradePrevention, TimeInForce

    return OrderSpec(
        ticker=data["ticker"],
        side=BookSide(data["side"]),
        count=parse_decimal(data["count"], "count"),
        price=parse_decimal(data["price"], "price"),
        time_in_force=TimeInForce(data.get("time_in_force", "good_till_canceled")),
        stp=SelfTradePrevention(data.get("self_trade_prevention_type", "maker")),
        client_order_id=data.get("client_order_id"),
        expiration_time=data.get("expiration_time"),
        post_only=bool(data.get("post_only", False)),
        reduce_only=bool(data.get("reduce_only", False)),
    )


def apply_bundle(ex: SimExchange, bundle: Json) -> Json:
    """List series, events and markets and place orders in one go; returns how many of each."""
    with ex.lock:
        for item in bundle.get("series", []):
            ex.add_series(series_from_json(item))
        for item in bundle.get("events", []):
            ex.add_event(event_from_json(ex, item))
        for item in bundle.get("markets", []):
            ex.add_market(market_from_json(ex, item))
        orders = [
            ex.place_order(o["user_id"], order_spec_from_json(o)).order.order_id
            for o in bundle.get("orders", [])
        ]
    return {
        "series": len(bundle.get("series", [])),
        "events": len(bundle.get("events", [])),
        "markets": len(bundle.get("markets", [])),
        "orders": len(orders),
    }
