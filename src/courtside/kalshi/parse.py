"""Wire -> domain for market data: series, events, markets, order books, trades, exchange status.

Tolerant of added fields, strict on the ones we use (kalshi-api.md §2, §0.1): Decimals come from
`*_dollars` / `*_fp` strings; a missing or malformed field we rely on raises ParseError naming
the object and the field. Old (June 2026) and new (Aug 2026+) shapes both parse.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from courtside.domain.errors import ParseError
from courtside.domain.market import (
    Event,
    ExchangeStatus,
    FeeSchedule,
    FeeType,
    HistoricalCutoff,
    Level,
    MalformedEvent,
    Market,
    MarketStatus,
    OrderBook,
    Series,
    ShardStatus,
    Trade,
)
from courtside.domain.money import ONE, ZERO, PriceBand, TickGrid
from courtside.kalshi.fields import Wire
from courtside.kalshi.ratelimit import AccountLimits, BucketLimits

log = logging.getLogger(__name__)
OUTCOME_TO_BOOK = {"yes": "bid", "no": "ask"}


def _fee_type(w: Wire, key: str) -> FeeType:
    raw = w.string(key)
    try:
        return FeeType(raw)
    except ValueError as e:
        raise w.fail(key, f"has unknown value {raw!r}") from e


def parse_series(data: Any) -> Series:
    """One Series object (`GET /series/{t}` -> ["series"], or an element of the list)."""
    w = Wire(data, "series").named("ticker")
    return Series(
        ticker=w.string("ticker"),
        title=w.text("title"),
        category=w.text("category"),
        tags=tuple(str(t) for t in w.opt_array("tags")),
        fees=FeeSchedule(_fee_type(w, "fee_type"), w.dec("fee_multiplier")),
        exchange_index=w.opt_integer("exchange_index"),
    )


def parse_tick_grid(w: Wire) -> TickGrid:
    """The tick grid from `price_ranges` (the source of truth, not the structure label)."""
    bands = []
    for i, raw in enumerate(w.array("price_ranges")):
        band = Wire(raw, f"{w.what} price_ranges[{i}]")
        start, end, step = band.dec("start"), band.dec("end"), band.dec("step")
        if step <= 0 or end <= start:
            raise w.fail("price_ranges", f"has an invalid band {raw!r}")
        bands.append(PriceBand(start, end, step))
    if not bands:
        raise w.fail("price_ranges", "is empty")
    return TickGrid.of(bands)


def _status(w: Wire) -> MarketStatus:
    raw = w.string("status")
    try:
        return MarketStatus(raw)
    except ValueError as e:
        raise w.fail("status", f"has unknown value {raw!r}") from e


def _quote(w: Wire, price_key: str, size_key: str) -> tuple[Decimal | None, Decimal]:
    """A best price and its size; an empty side is decided from the size (sentinels vary).

    Real responses sometimes carry a negative top-of-book size (recorded/markets__high_temp.json):
    that side is treated as empty, with a warning, since the order book is the authority on depth.
    """
    price, size = w.dec(price_key), w.dec(size_key)
    if not ZERO <= price <= ONE:
        raise w.fail(price_key, f"is out of range: {price}")
    if size < 0:
        log.warning("%s: %s is negative (%s); treating that side as empty", w.what, size_key, size)
        size = ZERO
    return (price if size > 0 else None), size


def _competitor(w: Wire) -> str | None:
    strike = w.data.get("custom_strike")
    if isinstance(strike, dict):
        value = strike.get("tennis_competitor")
        return value if isinstance(value, str) and value else None
    return None


def parse_market(data: Any) -> Market:
    """One Market object; occurrence_time = occurrence_datetime, else expected_expiration_time."""
    w = Wire(data, "market").named("ticker")
    yes_bid, bid_size = _quote(w, "yes_bid_dollars", "yes_bid_size_fp")
    yes_ask, ask_size = _quote(w, "yes_ask_dollars", "yes_ask_size_fp")
    volume = w.dec("volume_fp")
    occurrence = w.opt_time("occurrence_datetime") or w.opt_time("expected_expiration_time")
    return Market(
        ticker=w.string("ticker"),
        event_ticker=w.string("event_ticker"),
        status=_status(w),
        yes_sub_title=w.req_text("yes_sub_title"),
        title=w.text("title"),
        rules_primary=w.text("rules_primary"),
        rules_secondary=w.text("rules_secondary"),
        yes_bid=yes_bid,
        yes_ask=yes_ask,
        yes_bid_size=bid_size,
        yes_ask_size=ask_size,
        last_price=w.dec("last_price_dollars") if volume > 0 else None,
        volume=volume,
        volume_24h=w.dec("volume_24h_fp"),
        open_interest=w.dec("open_interest_fp"),
        tick_grid=parse_tick_grid(w),
        open_time=w.time("open_time"),
        close_time=w.time("close_time"),
        occurrence_time=occurrence,
        result=w.text("result"),
        settlement_value=w.opt_dec("settlement_value_dollars"),
        competitor_id=_competitor(w),
        exchange_index=w.opt_integer("exchange_index"),
        fee_waiver_until=w.opt_time("fee_waiver_expiration_time"),
        settled_time=w.opt_time("settlement_ts"),
    )


def _fees_override(w: Wire) -> FeeSchedule | None:
    if not w.has("fee_type_override") and not w.has("fee_multiplier_override"):
        return None
    fee_type = _fee_type(w, "fee_type_override") if w.has("fee_type_override") else FeeSchedule().fee_type
    multiplier = w.dec("fee_multiplier_override") if w.has("fee_multiplier_override") else ONE
    return FeeSchedule(fee_type, multiplier)


def parse_event(data: Any, extra_markets: list[Any] | None = None) -> Event:
    """One EventData; nested `markets` (with_nested_markets) or the deprecated top-level list."""
    w = Wire(data, "event").named("event_ticker")
    raw_markets = w.opt_array("markets") or (extra_markets or [])
    meta = w.data.get("product_metadata")
    competition = meta.get("competition") if isinstance(meta, dict) else None
    return Event(
        event_ticker=w.string("event_ticker"),
        series_ticker=w.string("series_ticker"),
        title=w.text("title"),
        sub_title=w.text("sub_title"),
        competition=competition if isinstance(competition, str) and competition else None,
        mutually_exclusive=w.opt_flag("mutually_exclusive", False),
        markets=tuple(parse_market(m) for m in raw_markets),
        fees_override=_fees_override(w),
        exchange_index=w.opt_integer("exchange_index"),
    )


def parse_listed_event(raw: Any) -> Event | MalformedEvent:
    """One event of a listing, parsed on its own: a broken one (a nested market without price_ranges, a
    start of "TBD", ...) comes back as MalformedEvent with the reason instead of failing the page."""
    try:
        return parse_event(raw)
    except ParseError as e:
        ticker = raw.get("event_ticker") if isinstance(raw, dict) else None
        name = ticker if isinstance(ticker, str) and ticker else "<no event_ticker>"
        return MalformedEvent(name, f"malformed listing: {e}")


def _levels(w: Wire, key: str) -> tuple[Level, ...]:
    """Aggregated bids of one leg, best (highest) first; zero-size levels dropped."""
    levels: dict[Decimal, Decimal] = {}
    for i, raw in enumerate(w.opt_array(key)):
        if not isinstance(raw, list) or len(raw) != 2:
            raise w.fail(key, f"level {i} is not [price, size]: {raw!r}")
        lvl = Wire({"price": raw[0], "size": raw[1]}, f"{w.what}.{key}[{i}]")
        price, size = lvl.dec("price"), lvl.dec("size")
        if not ZERO < price < ONE or size < 0:
            raise w.fail(key, f"level {i} is out of range: {raw!r}")
        if size > 0:
            levels[price] = levels.get(price, ZERO) + size
    return tuple(Level(p, s) for p, s in sorted(levels.items(), reverse=True))


def parse_orderbook(ticker: str, data: Any) -> OrderBook:
    """`GET /markets/{t}/orderbook`: bids only, `orderbook_fp` {yes_dollars, no_dollars}."""
    top = Wire(data, f"orderbook {ticker}")
    if top.has("orderbook_fp"):
        book = top.obj("orderbook_fp")
    elif top.data.get("orderbook") == {}:
        return OrderBook(ticker, (), ())
    else:
        raise top.fail("orderbook_fp", "is missing")
    return OrderBook(ticker, _levels(book, "yes_dollars"), _levels(book, "no_dollars"))


def parse_orderbooks(data: Any) -> dict[str, OrderBook]:
    """`GET /markets/orderbooks?tickers=`: {"orderbooks":[{ticker, orderbook_fp}]}."""
    top = Wire(data, "orderbooks")
    books: dict[str, OrderBook] = {}
    for raw in top.array("orderbooks"):
        item = Wire(raw, "orderbooks[]")
        ticker = item.string("ticker")
        books[ticker] = parse_orderbook(ticker, raw)
    return books


def parse_trade(data: Any) -> Trade:
    """A public trade print; the taker's book side from taker_book_side, else its outcome side."""
    w = Wire(data, "trade").named("trade_id")
    side = w.opt_string("taker_book_side")
    if not side:
        outcome = w.opt_string("taker_outcome_side") or w.string("taker_side")
        side = OUTCOME_TO_BOOK.get(outcome)
        if side is None:
            raise w.fail("taker_outcome_side", f"has unknown value {outcome!r}")
    return Trade(
        trade_id=w.string("trade_id"),
        ticker=w.string("ticker"),
        count=w.dec("count_fp"),
        yes_price=w.dec("yes_price_dollars"),
        taker_book_side=side,
        created_time=w.time("created_time"),
    )


def parse_exchange_status(data: Any) -> ExchangeStatus:
    """`GET /exchange/status`; top-level fields describe shard 0, per-shard entries are optional."""
    w = Wire(data, "exchange status")
    shards = []
    for i, raw in enumerate(w.opt_array("exchange_index_statuses")):
        s = Wire(raw, f"exchange status shard[{i}]")
        shards.append(
            ShardStatus(s.integer("exchange_index"), s.flag("exchange_active"), s.flag("trading_active"))
        )
    return ExchangeStatus(
        exchange_active=w.flag("exchange_active"),
        trading_active=w.flag("trading_active"),
        shards=tuple(shards),
        estimated_resume_time=w.opt_time("exchange_estimated_resume_time"),
    )


def parse_historical_cutoff(data: Any) -> HistoricalCutoff:
    """`GET /historical/cutoff`: the settlement time before which markets moved to /historical/markets."""
    w = Wire(data, "historical cutoff")
    return HistoricalCutoff(
        market_settled=w.time("market_settled_ts"),
        trades_created=w.opt_time("trades_created_ts"),
        orders_updated=w.opt_time("orders_updated_ts"),
    )


def parse_account_limits(data: Any) -> AccountLimits:
    """`GET /account/limits`: usage tier and the read/write bucket sizes (tokens, tokens/s)."""
    w = Wire(data, "account limits")

    def bucket(key: str) -> BucketLimits:
        b = w.obj(key)
        return BucketLimits(b.integer("bucket_capacity"), b.integer("refill_rate"))

    return AccountLimits(w.text("usage_tier") or "unknown", bucket("read"), bucket("write"))


def page_cursor(data: Any, what: str) -> str | None:
    """The next-page cursor, or None on the last page ("" or null both end the walk)."""
    if not isinstance(data, dict):
        raise ParseError(what, "page is not a JSON object")
    cursor = data.get("cursor")
    if cursor is not None and not isinstance(cursor, str):
        raise ParseError(what, f"cursor is not a string: {cursor!r}")
    return cursor or None
