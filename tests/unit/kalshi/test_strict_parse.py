"""Strict per object: the issue's malformed numbers, times, tickers and fees are refused where they are
parsed, each naming the object and field, and a batch of books keeps its good books (issue 13, item 2).
The objects are the recorded Modena market and book, changed one field at a time."""

from __future__ import annotations

import copy
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from courtside.domain.errors import ParseError
from courtside.domain.market import MalformedBook, MalformedSeries, OrderBook
from courtside.kalshi.parse import (
    parse_event,
    parse_listed_series,
    parse_market,
    parse_orderbook,
    parse_orderbooks,
    parse_series,
)

D = Decimal
EVENT = "KXWTACHALLENGERMATCH-26JUN11JIMLEP"


@pytest.fixture
def market(recorded_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((recorded_dir / "markets__unauth_single.json").read_text())["market"]
    return data


@pytest.fixture
def book(recorded_dir: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((recorded_dir / "orderbook__base.json").read_text())
    return data


def _event(market: dict[str, Any], **changes: Any) -> dict[str, Any]:
    event = {
        "event_ticker": EVENT,
        "series_ticker": "KXWTACHALLENGERMATCH",
        "title": "Jimenez Kasintseva vs Lepchenko",
        "sub_title": "",
        "mutually_exclusive": True,
        "markets": [market],
    }
    return {**event, **changes}


def test_the_recorded_market_parses_as_it_is(market: dict[str, Any]) -> None:
    m = parse_market(market)
    assert (m.yes_bid, m.yes_ask, m.volume) == (D("0.4700"), D("0.5200"), D("2.00"))


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("yes_ask_dollars", 0.52, "is not a fixed-point string: 0.52"),  # a JSON number
        ("yes_ask_dollars", 1, "is not a fixed-point string: 1"),
        ("yes_bid_dollars", "3.5E-1", "is not in fixed-point notation: '3.5E-1'"),
        ("yes_bid_dollars", "NaN", "not in fixed-point notation"),
        ("yes_bid_dollars", "Infinity", "not in fixed-point notation"),
        ("yes_bid_dollars", " 0.47", "not in fixed-point notation"),
        ("yes_bid_dollars", "0x1", "not in fixed-point notation"),
        ("yes_bid_dollars", "-0.01", "not a price on the tick grid"),
        ("yes_ask_dollars", "1.01", "not a price on the tick grid"),
        ("yes_bid_dollars", "0.475", "not a price on the tick grid"),  # off the 1-cent grid
        ("last_price_dollars", "0.995", "not a price on the tick grid"),
        ("volume_fp", "-2.00", "is negative"),
        ("volume_fp", 2, "is not a fixed-point string"),
        ("open_interest_fp", "1E+2", "not in fixed-point notation"),
        ("occurrence_datetime", 1781204400, "is not an RFC 3339 time: 1781204400"),
        ("occurrence_datetime", "2026-06-11", "is not an RFC 3339 time"),
        ("close_time", "2026-06-25T16:00:00", "is not an RFC 3339 time"),  # no offset
        ("close_time", "2026-06-31T16:00:00Z", "is not a valid time"),
        ("open_time", "TBD", "is not an RFC 3339 time"),
        ("settlement_value_dollars", "1.5", "outside [0, 1]"),
    ],
)
def test_a_malformed_field_we_rely_on_is_refused_naming_it(
    market: dict[str, Any], field: str, value: Any, says: str
) -> None:
    with pytest.raises(ParseError) as e:
        parse_market({**market, field: value})
    assert f"market {market['ticker']}: field {field!r}" in str(e.value)
    assert says in str(e.value)


def test_times_keep_rfc3339_precision_and_offsets(market: dict[str, Any]) -> None:
    m = parse_market({**market, "close_time": "2026-06-25T18:00:00.123456789+02:00"})
    assert m.close_time is not None
    assert (m.close_time.hour, m.close_time.microsecond) == (16, 123456)


def test_a_negative_top_of_book_size_is_read_as_an_empty_side_as_recorded(market: dict[str, Any]) -> None:
    """recorded/markets__high_temp.json carries negative yes_bid_size_fp from the real API: the market's
    quote is not what the bot trades on (the order book is), so that side is empty, not an error."""
    m = parse_market({**market, "yes_bid_size_fp": "-3.00"})
    assert (m.yes_bid, m.yes_bid_size) == (None, D(0))


@pytest.mark.parametrize(
    "ranges",
    [
        [],
        [{"start": "0.0000", "end": "1.0000", "step": "0.0000"}],
        [{"start": "0.0000", "end": "1.5000", "step": "0.0100"}],
        [{"start": "0.0000", "end": "1.0000", "step": "0.0300"}],  # does not divide the band
        [{"start": "0.0000", "end": "0.6000", "step": "0.01"}, {"start": "0.5", "end": "1", "step": "0.01"}],
        [{"start": 0, "end": 1, "step": 0.01}],
    ],
)
def test_a_tick_grid_that_is_not_one_is_refused(market: dict[str, Any], ranges: list[Any]) -> None:
    with pytest.raises(ParseError, match=r"price_ranges|start|end|step"):
        parse_market({**market, "price_ranges": ranges})


@pytest.mark.parametrize(
    ("multiplier", "says"),
    [(-1, "outside [0, 10]"), (-0.5, "outside [0, 10]"), (11, "outside [0, 10]"), (1e400, "not finite")],
)
def test_a_fee_multiplier_must_be_between_0_and_10(multiplier: Any, says: str) -> None:
    raw = {"ticker": "KXATPMATCH", "fee_type": "quadratic_with_maker_fees", "fee_multiplier": multiplier}
    with pytest.raises(ParseError, match=says.replace("[", r"\[")):
        parse_series(raw)
    listed = parse_listed_series(raw)
    assert isinstance(listed, MalformedSeries)
    assert listed.ticker == "KXATPMATCH"
    assert "fee_multiplier" in listed.reason


@pytest.mark.parametrize("multiplier", [True, "NaN", "1e0", None])
def test_a_fee_multiplier_that_is_not_a_number_is_refused(multiplier: Any) -> None:
    raw = {"ticker": "KXATPMATCH", "fee_type": "quadratic", "fee_multiplier": multiplier}
    with pytest.raises(ParseError, match="fee_multiplier"):
        parse_series(raw)


def test_fee_multipliers_in_range_parse_from_numbers_or_strings() -> None:
    for raw, want in ((0, D(0)), (0.5, D("0.5")), (1, D(1)), ("10", D(10))):
        fees = parse_series({"ticker": "S", "fee_type": "quadratic", "fee_multiplier": raw}).fees
        assert fees.multiplier == want


def test_an_event_override_of_the_fee_multiplier_is_bounded_too(market: dict[str, Any]) -> None:
    with pytest.raises(ParseError, match="fee_multiplier_override"):
        parse_event(_event(market, fee_multiplier_override=-0.25))


def test_an_event_must_sit_under_its_series_and_hold_its_own_markets(market: dict[str, Any]) -> None:
    with pytest.raises(ParseError, match="not under its series 'KXATPMATCH'"):
        parse_event(_event(market, series_ticker="KXATPMATCH"))
    with pytest.raises(ParseError, match=r"'0\.35\.1' is not under its series"):
        parse_event(_event({**market, "event_ticker": "0.35.1"}, event_ticker="0.35.1"))
    stray = {**market, "event_ticker": "KXWTACHALLENGERMATCH-26JUN11AAABBB"}
    with pytest.raises(ParseError, match="of event 'KXWTACHALLENGERMATCH-26JUN11AAABBB'"):
        parse_event(_event(stray))


@pytest.mark.parametrize("flag", ["true", 1, None])
def test_an_event_says_whether_it_is_mutually_exclusive_with_a_boolean(
    market: dict[str, Any], flag: Any
) -> None:
    with pytest.raises(ParseError, match="mutually_exclusive"):
        parse_event(_event(market, mutually_exclusive=flag))


def test_the_recorded_book_parses(book: dict[str, Any]) -> None:
    parsed = parse_orderbook("T", book)
    assert parsed.best_yes_bid is not None
    assert parsed.best_no_bid is not None
    assert (parsed.best_yes_bid.price, parsed.best_no_bid.price) == (D("0.4700"), D("0.4800"))


@pytest.mark.parametrize(
    ("level", "says"),
    [
        (["-0.1000", "3.00"], "outside (0, 1)"),
        (["1.2000", "3.00"], "outside (0, 1)"),
        (["NaN", "3.00"], "not in fixed-point notation"),
        ([0.45, "3.00"], "not a fixed-point string"),
        (["0.4500", "-3.00"], "negative size"),
        (["0.4500"], "is not [price, size]"),
        ({"price": "0.45", "size": "3.00"}, "is not [price, size]"),
    ],
)
def test_one_bad_level_costs_only_its_own_book(book: dict[str, Any], level: Any, says: str) -> None:
    bad = copy.deepcopy(book)
    bad["orderbook_fp"]["yes_dollars"].insert(0, level)
    batch = {"orderbooks": [{"ticker": "GOOD", **book}, {"ticker": "BAD", **bad}, {"ticker": "ALSO", **book}]}
    books = parse_orderbooks(batch)
    assert isinstance(books["GOOD"], OrderBook)
    assert isinstance(books["ALSO"], OrderBook)
    broken = books["BAD"]
    assert isinstance(broken, MalformedBook)
    assert says in broken.reason
    assert "yes_dollars" in broken.reason


def test_a_crossed_book_is_refused(book: dict[str, Any]) -> None:
    crossed = copy.deepcopy(book)
    crossed["orderbook_fp"]["yes_dollars"].append(["0.5300", "1.00"])  # 0.53 + NO 0.48 > 1
    with pytest.raises(ParseError, match=r"crossed: best YES bid 0.5300 \+ best NO bid 0.4800 > 1"):
        parse_orderbook("T", crossed)
    locked = copy.deepcopy(book)
    locked["orderbook_fp"]["yes_dollars"].append(["0.5200", "1.00"])  # 0.52 + 0.48 = 1: possible
    assert parse_orderbook("T", locked).best_yes_bid == parse_orderbook("T", locked).yes_bids[0]


def test_a_book_listed_twice_in_one_batch_is_not_trusted(book: dict[str, Any]) -> None:
    books = parse_orderbooks({"orderbooks": [{"ticker": "T", **book}, {"ticker": "T", **book}]})
    assert isinstance(books["T"], MalformedBook)


def test_a_book_without_a_ticker_is_left_out_and_the_rest_kept(book: dict[str, Any]) -> None:
    books = parse_orderbooks({"orderbooks": [book, {"ticker": "T", **book}, "junk"]})
    assert list(books) == ["T"]
