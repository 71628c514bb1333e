"""What the fuzz suite does to the world's answers: one mutation of one series, event, market or book.

Each mutation says which events it touches and what must follow:
- RELIED: a field the bot relies on now holds a value that is wrong (a JSON number or an exponent for a
  price, a time that is not RFC 3339 or has passed, a crossed book, a negative fee multiplier, an event
  under another series, ...): every touched match is skipped with its reason and never ordered on;
- TOLERATED: a field the bot does not use is added, dropped or garbled, or a quirk of real answers
  (a negative top-of-book size, levels in another order): the scan decides exactly as on clean data;
- IDENTITY: a market carries another player's competitor id: the match may be skipped as a conflict,
  but nothing is ever priced on a player its market does not name.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

import httpx
from hypothesis import strategies as st

from tampering import Rule
from tampering import on_event as at_event

Json = Any
Change = Callable[[Json], None]


class Kind(Enum):
    RELIED = "relied"
    TOLERATED = "tolerated"
    IDENTITY = "identity"


@dataclass(frozen=True)
class Mutation:
    name: str  # "market.yes_bid_dollars <- '3.5E-1'": what the statistics and a failure show
    kind: Kind
    touched: frozenset[str]  # the match events it changes: none of them may be ordered on (RELIED)
    rule: Rule
    reported: frozenset[str] | None = None  # the names their skips come under, when not `touched`

    @property
    def skips(self) -> frozenset[str]:
        return self.touched if self.reported is None else self.reported


# ---- bad values -----------------------------------------------------------------------------------
NOT_JSON_TEXT = st.one_of(st.none(), st.booleans(), st.lists(st.integers(), max_size=2), st.just({}))
JSON_NUMBERS = st.one_of(st.integers(-5, 5), st.floats(allow_nan=True, allow_infinity=True))
BAD_FIXED = st.sampled_from(
    ["3.5E-1", "5e-1", "NaN", "nan", "Infinity", "-Infinity", " 0.50", "0.50 ", "0,50", ".5", "+0.50", "0x1",
     "½", "", "0.5.0", "1_000"]
)  # fmt: skip
BAD_PRICE = st.one_of(
    JSON_NUMBERS,
    BAD_FIXED,
    NOT_JSON_TEXT,
    st.sampled_from(["-0.0100", "1.0100", "2.0000", "0.5050", "0.0050"]),
)
BAD_COUNT = st.one_of(JSON_NUMBERS, BAD_FIXED, NOT_JSON_TEXT, st.sampled_from(["-1.00", "-0.01", "1E+2"]))
BAD_LEVEL_PRICE = st.one_of(
    JSON_NUMBERS,
    BAD_FIXED,
    NOT_JSON_TEXT,
    st.sampled_from(["0.0000", "1.0000", "-0.1000", "1.2000", "0.4550"]),
)
BAD_TIME = st.one_of(
    st.integers(0, 2**40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.sampled_from(
        ["TBD", "2026-06-11", "2026-06-11T19:00:00", "2026-13-01T00:00:00Z", "2026-06-31T00:00:00Z",
         "2026-06-11 19:00:00Z", "tomorrow", "1781204400"]
    ),
)  # fmt: skip
BAD_FEE_GIVEN = st.one_of(  # JSON numbers are Kalshi's format here: the wrong ones are out of range
    st.floats(max_value=-1e-6),
    st.floats(min_value=10.000001),
    st.integers(max_value=-1),
    st.integers(min_value=11),
    st.sampled_from(["NaN", "-1", "11", "1e0", "abc", "", "Infinity"]),
    st.booleans(),
    st.lists(st.integers(), max_size=1),
)
BAD_FEE = st.one_of(BAD_FEE_GIVEN, st.none())
JUNK = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)


def _set(key: str, value: Any) -> Change:
    def change(obj: Json) -> None:
        if value is None:
            obj.pop(key, None)
        else:
            obj[key] = value

    return change


# ---- where a change is applied ---------------------------------------------------------------------
def at_market(ticker: str, change: Change) -> Rule:
    def rule(request: httpx.Request, data: Json) -> Json:
        if request.url.path.endswith("/events"):
            for event in data.get("events", []):
                for market in event.get("markets", []):
                    if isinstance(market, dict) and market.get("ticker") == ticker:
                        change(market)
        return data

    return rule


def at_book(ticker: str, change: Change) -> Rule:
    def rule(request: httpx.Request, data: Json) -> Json:
        if request.url.path.endswith("/markets/orderbooks"):
            for item in data.get("orderbooks", []):
                if item.get("ticker") == ticker:
                    change(item)
        return data

    return rule


def at_series(ticker: str, change: Change) -> Rule:
    def rule(request: httpx.Request, data: Json) -> Json:
        if request.url.path.endswith("/series"):
            for series in data.get("series", []):
                if series.get("ticker") == ticker:
                    change(series)
        return data

    return rule


def _show(value: Any) -> str:
    text = json.dumps(value) if not isinstance(value, float) else repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


@dataclass(frozen=True)
class Target:
    """The match a mutation is aimed at: its event, series and two market tickers, and the world's
    other events and players (to borrow a wrong value from)."""

    event: str
    series: str
    tickers: tuple[str, str]
    others: tuple[str, ...]  # other match events
    series_events: frozenset[str]  # every match event of its series
    strangers: tuple[str, ...]  # players of the other matches


@st.composite
def market_field(draw: st.DrawFn, t: Target) -> Mutation:
    """A field of one market that the bot relies on, given a wrong value."""
    ticker = draw(st.sampled_from(t.tickers))
    key, value = draw(
        st.one_of(
            st.tuples(st.sampled_from(["yes_bid_dollars", "yes_ask_dollars"]), BAD_PRICE),
            st.tuples(st.sampled_from(["volume_fp", "volume_24h_fp", "open_interest_fp"]), BAD_COUNT),
            st.tuples(
                st.sampled_from(["yes_bid_size_fp", "yes_ask_size_fp"]), st.one_of(JSON_NUMBERS, BAD_FIXED)
            ),
            st.tuples(st.sampled_from(["open_time", "close_time"]), st.one_of(BAD_TIME, st.none())),
            st.tuples(st.just("occurrence_datetime"), BAD_TIME),
            st.tuples(
                st.just("close_time"), st.sampled_from(["2020-01-01T00:00:00Z", "2026-01-01T00:00:00Z"])
            ),
            st.tuples(
                st.just("status"),
                st.sampled_from(
                    ["closed", "finalized", "initialized", "inactive", "ACTIVE", "paused", 1, None]
                ),
            ),
            st.tuples(st.just("ticker"), st.sampled_from(["NOTMINE-XYZ", "", 5, None])),
            st.tuples(st.just("event_ticker"), st.sampled_from([*t.others[:1], "0.35.1", "", None])),
            st.tuples(
                st.just("yes_sub_title"), st.one_of(st.sampled_from(t.strangers), st.just(""), st.just(7))
            ),
            st.tuples(
                st.just("price_ranges"),
                st.sampled_from(
                    [
                        [],
                        None,
                        "linear_cent",
                        [{"start": "0.0000", "end": "1.0000", "step": "0.0000"}],
                        [{"start": "0.0000", "end": "1.0000", "step": "0.0300"}],
                        [{"start": 0, "end": 1, "step": 0.01}],
                        [{"start": "0.0000", "end": "2.0000", "step": "0.0100"}],
                    ]
                ),
            ),
        )
    )
    return Mutation(
        f"market.{key} <- {_show(value)}",
        Kind.RELIED,
        frozenset({t.event}),
        at_market(ticker, _set(key, value)),
    )


@st.composite
def close_before_start(draw: st.DrawFn, t: Target) -> Mutation:
    """close_time an hour before the market's own occurrence_datetime."""
    ticker = draw(st.sampled_from(t.tickers))

    def change(market: Json) -> None:
        from datetime import datetime, timedelta

        start = datetime.fromisoformat(market["occurrence_datetime"].replace("Z", "+00:00"))
        market["close_time"] = (start - timedelta(hours=1)).isoformat().replace("+00:00", "Z")

    return Mutation(
        "market.close_time <- before occurrence", Kind.RELIED, frozenset({t.event}), at_market(ticker, change)
    )


@st.composite
def event_field(draw: st.DrawFn, t: Target) -> Mutation:
    """A field of the event that ties it together, made wrong."""
    other_series = "KXWTAMATCH" if t.series != "KXWTAMATCH" else "KXATPMATCH"
    key, value = draw(
        st.one_of(
            st.tuples(st.just("mutually_exclusive"), st.sampled_from([False, "true", 1, 0, None])),
            st.tuples(st.just("event_ticker"), st.sampled_from([f"{other_series}-26JUN11AAABBB", "0.35.1"])),
            st.tuples(st.just("series_ticker"), st.sampled_from([other_series, "", None])),
            st.tuples(st.just("title"), st.sampled_from(["TBD", "", "Somebody against Nobody"])),
            st.tuples(st.just("fee_multiplier_override"), BAD_FEE_GIVEN),
            st.tuples(st.just("fee_type_override"), st.sampled_from(["mystery", 3])),
        )
    )
    # a new event ticker is what its skip is reported under
    reported = frozenset({value}) if key == "event_ticker" else None
    rule = at_event(t.event, _set(key, value))
    return Mutation(f"event.{key} <- {_show(value)}", Kind.RELIED, frozenset({t.event}), rule, reported)


@st.composite
def event_markets(draw: st.DrawFn, t: Target) -> Mutation:
    how = draw(st.sampled_from(["drop one", "repeat one", "none", "not a list"]))

    def change(event: Json) -> None:
        markets = event["markets"]
        event["markets"] = {
            "drop one": markets[:1], "repeat one": [*markets, markets[0]], "none": [], "not a list": "junk",
        }[how]  # fmt: skip

    return Mutation(f"event.markets <- {how}", Kind.RELIED, frozenset({t.event}), at_event(t.event, change))


@st.composite
def book_level(draw: st.DrawFn, t: Target) -> Mutation:
    """One level of one book made wrong: price, size or shape; or the book crossed, or garbled whole."""
    ticker = draw(st.sampled_from(t.tickers))
    side = draw(st.sampled_from(["yes_dollars", "no_dollars"]))
    level = draw(
        st.one_of(
            st.tuples(BAD_LEVEL_PRICE, st.just("5.00")).map(list),
            st.tuples(st.just("0.4500"), st.one_of(BAD_COUNT, st.just("-5.00"))).map(list),
            st.sampled_from([["0.4500"], ["0.4500", "5.00", "1"], {"price": "0.45"}, "0.45", None, []]),
        )
    )
    at = draw(st.integers(0, 5))

    def change(item: Json) -> None:
        levels = item["orderbook_fp"].setdefault(side, [])
        levels.insert(min(at, len(levels)), level)

    name = f"book.{side} + {_show(level)}"
    return Mutation(name, Kind.RELIED, frozenset({t.event}), at_book(ticker, change))


@st.composite
def book_whole(draw: st.DrawFn, t: Target) -> Mutation:
    ticker = draw(st.sampled_from(t.tickers))
    how = draw(st.sampled_from(["crossed", "side not a list", "not an object", "missing"]))

    def change(item: Json) -> None:
        book = item["orderbook_fp"]
        if how == "crossed":  # a bid a cent above the other leg's implied ask
            side, other = (
                ("yes_dollars", "no_dollars") if book.get("no_dollars") else ("no_dollars", "yes_dollars")
            )
            best = max((Decimal(p) for p, _ in book.get(other) or []), default=Decimal("0.50"))
            book.setdefault(side, []).append([f"{Decimal(1) - best + Decimal('0.01'):.4f}", "1.00"])
        elif how == "side not a list":
            book["yes_dollars"] = "junk"
        elif how == "not an object":
            item["orderbook_fp"] = ["junk"]
        else:
            del item["orderbook_fp"]

    return Mutation(f"book <- {how}", Kind.RELIED, frozenset({t.event}), at_book(ticker, change))


@st.composite
def series_fees(draw: st.DrawFn, t: Target) -> Mutation:
    key, value = draw(
        st.one_of(
            st.tuples(st.just("fee_multiplier"), BAD_FEE),
            st.tuples(st.just("fee_type"), st.sampled_from(["mystery", 3, None])),
        )
    )
    name = f"series.{key} <- {_show(value)}"
    return Mutation(name, Kind.RELIED, t.series_events, at_series(t.series, _set(key, value)))


UNUSED_MARKET = [
    "subtitle", "no_sub_title", "liquidity_dollars", "notional_value_dollars", "settlement_timer_seconds",
    "can_close_early", "strike_type", "expiration_value", "early_close_condition",
    "latest_expiration_time", "created_time", "updated_time", "market_type", "price_level_structure",
    "no_bid_dollars", "no_ask_dollars", "previous_price_dollars", "response_price_units",
]  # fmt: skip
UNUSED_EVENT = ["collateral_return_type", "settlement_sources", "strike_period", "available_on_brokers"]
UNUSED_SERIES = [
    "frequency",
    "contract_url",
    "contract_terms_url",
    "settlement_sources",
    "additional_prohibitions",
]


@st.composite
def tolerated(draw: st.DrawFn, t: Target) -> Mutation:
    """A field the bot does not use, added, dropped or garbled; or a quirk real answers have."""
    ticker = draw(st.sampled_from(t.tickers))
    where = draw(st.sampled_from(["market", "event", "series", "book", "size", "order"]))
    if where == "size":  # recorded/markets__high_temp.json: negative top-of-book sizes happen
        key = draw(st.sampled_from(["yes_bid_size_fp", "yes_ask_size_fp"]))
        return Mutation(
            f"market.{key} <- '-3.00'",
            Kind.TOLERATED,
            frozenset({t.event}),
            at_market(ticker, _set(key, "-3.00")),
        )
    if where == "order":  # levels in the other order: the best is worked out, not assumed last

        def reverse(item: Json) -> None:
            for side in ("yes_dollars", "no_dollars"):
                item["orderbook_fp"].get(side, []).reverse()

        return Mutation(
            "book levels reversed", Kind.TOLERATED, frozenset({t.event}), at_book(ticker, reverse)
        )
    unused = {"market": UNUSED_MARKET, "event": UNUSED_EVENT, "series": UNUSED_SERIES, "book": ["zz_extra"]}
    key = draw(st.one_of(st.sampled_from(unused[where]), st.just("zz_added_field")))
    value = draw(JUNK)
    place: dict[str, Callable[[Change], Rule]] = {
        "market": lambda c: at_market(ticker, c),
        "event": lambda c: at_event(t.event, c),
        "series": lambda c: at_series(t.series, c),
        "book": lambda c: at_book(ticker, c),
    }
    return Mutation(
        f"{where}.{key} <- {_show(value)} (unused)",
        Kind.TOLERATED,
        frozenset(),
        place[where](_set(key, value)),
    )


@st.composite
def foreign_competitor(draw: st.DrawFn, t: Target, ids: dict[str, str]) -> Mutation:
    """One market given the competitor id of a player in another match."""
    ticker = draw(st.sampled_from(t.tickers))
    foreign = sorted(i for tk, i in ids.items() if not tk.startswith(t.event + "-"))
    borrowed = draw(st.sampled_from(foreign))
    change = _set("custom_strike", {"tennis_competitor": borrowed})
    return Mutation(
        "market.custom_strike <- another player's id",
        Kind.IDENTITY,
        frozenset({t.event}),
        at_market(ticker, change),
    )


def any_mutation(t: Target, ids: dict[str, str]) -> st.SearchStrategy[Mutation]:
    kinds = [market_field(t), close_before_start(t), event_field(t), event_markets(t), book_level(t)]
    return st.one_of(*kinds, book_whole(t), series_fees(t), tolerated(t), foreign_competitor(t, ids))
