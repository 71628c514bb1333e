"""Every recorded Kalshi response goes through the parser that production uses for it."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from courtside.domain.errors import ParseError
from courtside.domain.market import MarketStatus
from courtside.domain.orders import BookSide, OrderStatus, Outcome
from courtside.kalshi.parse import (
    page_cursor,
    parse_account_limits,
    parse_exchange_status,
    parse_market,
    parse_orderbook,
    parse_trade,
)
from courtside.kalshi.parse_portfolio import (
    parse_balance,
    parse_cancel,
    parse_fill,
    parse_order,
    parse_order_ack,
    parse_position,
    parse_settlement,
)

LEP = "KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP"
D = Decimal


def _markets(body: Any) -> list[Any]:
    return [parse_market(m) for m in body["markets"]]


def _ack(body: Any) -> Any:
    return parse_order_ack(body)


# file stem -> parser applied to the decoded body; error files are covered by test_kalshi_errors.py
PARSERS: dict[str, Any] = {
    "account__limits": parse_account_limits,
    "account__endpoint_costs": lambda b: {c["path"]: c["cost"] for c in b["endpoint_costs"]},
    "auth__balance_ok": parse_balance,
    "auth__balance_alt_host": parse_balance,
    "auth__skew_minus5s": parse_balance,
    "auth__skew_plus5s": parse_balance,
    "exchange__status": parse_exchange_status,
    "fills__after_taker": lambda b: [parse_fill(f) for f in b["fills"]],
    "markets__unauth_single": lambda b: parse_market(b["market"]),
    "markets__single": lambda b: parse_market(b["market"]),
    "orderbook__base": lambda b: parse_orderbook(LEP, b),
    "orders__create_v2_maker": _ack,
    "orders__create_v2_taker_ioc": _ack,
    "orders__settlement_seed": _ack,
    "orders__stp_setup": _ack,
    "orders__stp_self_cross": _ack,
    "orders__get_after_create": lambda b: parse_order(b["order"]),
    "orders__get_after_cancel": lambda b: parse_order(b["order"]),
    "orders__stp_resting_after": lambda b: parse_order(b["order"]),
    "orders__legacy_create": lambda b: parse_order(b["order"]),
    "orders__legacy_cancel": parse_cancel,
    "orders__cancel_v2": parse_cancel,
    "cleanup__stp_resting": parse_cancel,
    "portfolio__orders_list": lambda b: [parse_order(o) for o in b["orders"]],
    "portfolio__positions": lambda b: [parse_position(p) for p in b["market_positions"]],
    "settlements__page": lambda b: [parse_settlement(s) for s in b["settlements"]],
    "settlements__end_of_session": lambda b: [parse_settlement(s) for s in b["settlements"]],
    "series__fee_changes": lambda b: b["series_fee_change_arr"],
    "trades__public_recorded": lambda b: [parse_trade(t) for t in b["trades"]],
}
for _stem in (
    "garbage_cursor",
    "high_temp",
    "page1",
    "page2",
    "page3",
    "single_filter_lastpage",
    "status_open",
    "status_closed",
    "status_settled",
    "unauth_list",
):
    PARSERS[f"markets__{_stem}"] = _markets


def test_every_recorded_success_file_has_a_parser(recorded: Any) -> None:
    errors = {
        n
        for n in recorded.names()
        if recorded.root.joinpath(f"{n}.meta.json").exists() and recorded.meta(n).get("status", 200) >= 400
    }
    assert set(recorded.names()) - errors - set(PARSERS) == set()


@pytest.mark.parametrize("name", sorted(PARSERS))
def test_recorded_file_parses(recorded: Any, name: str) -> None:
    assert PARSERS[name](recorded.body(name)) is not None


def test_tennis_market_values(recorded: Any) -> None:
    m = parse_market(recorded.body("markets__unauth_single")["market"])
    assert m.ticker == LEP
    assert m.code == "LEP"
    assert m.event_ticker == "KXWTACHALLENGERMATCH-26JUN11JIMLEP"
    assert m.status is MarketStatus.ACTIVE
    assert (m.yes_bid, m.yes_ask, m.yes_bid_size, m.yes_ask_size) == (D("0.47"), D("0.52"), D(3), D(3))
    assert m.last_price == D("0.99")
    assert m.volume == D(2)
    assert m.open_interest == D(2)
    assert m.yes_sub_title == "Varvara Lepchenko"
    assert m.competitor_id == "367dcce8-d796-4ed5-80ff-ddec69845a41"
    assert m.occurrence_time == datetime(2026, 6, 11, 19, 0, tzinfo=UTC)
    assert m.close_time == datetime(2026, 6, 25, 16, 0, tzinfo=UTC)
    assert m.tick_grid.is_valid(D("0.52"))
    assert not m.tick_grid.is_valid(D("0.515"))
    assert "Round Of 16" in m.rules_primary


def test_empty_book_sentinels_are_decided_from_sizes(recorded: Any) -> None:
    initialized = _markets(recorded.body("markets__page1"))  # yes_ask "0.0000" with size 0
    assert all(m.yes_bid is None and m.yes_ask is None for m in initialized)
    closed = _markets(recorded.body("markets__status_closed"))  # yes_ask "1.0000" with size 0
    assert all(m.status is MarketStatus.DETERMINED and m.yes_ask is None for m in closed)
    assert {m.settlement_value for m in closed} <= {D(0), D(1)}


def test_deci_cent_grid_from_price_ranges(recorded: Any) -> None:
    settled = _markets(recorded.body("markets__status_settled"))
    mve = next(m for m in settled if m.ticker.startswith("KXMVE"))
    assert mve.tick_grid.is_valid(D("0.515"))
    assert mve.status is MarketStatus.FINALIZED


def test_recorded_book_gives_implied_ask_052(recorded: Any) -> None:
    book = parse_orderbook(LEP, recorded.body("orderbook__base"))
    assert book.best_yes_bid is not None
    assert book.best_yes_bid.price == D("0.47")
    assert book.best_yes_ask is not None
    assert book.best_yes_ask.price == D("0.52")
    assert book.best_yes_ask.size == D(3)
    assert book.best_no_ask is not None
    assert book.best_no_ask.price == D("0.53")


def test_book_is_sorted_defensively_best_first() -> None:
    body = {
        "orderbook_fp": {
            "yes_dollars": [["0.47", "3.00"], ["0.10", "1.00"], ["0.30", "0.00"]],
            "no_dollars": [],
        }
    }
    book = parse_orderbook("T", body)
    assert [lvl.price for lvl in book.yes_bids] == [D("0.47"), D("0.10")]
    assert book.best_yes_ask is None
    assert parse_orderbook("T", {"orderbook": {}}).yes_bids == ()


def test_taker_fill_fee_and_price(recorded: Any) -> None:
    fills = [parse_fill(f) for f in recorded.body("fills__after_taker")["fills"]]
    taker = fills[0]
    assert (taker.fee, taker.yes_price, taker.count, taker.is_taker) == (D("0.0175"), D("0.52"), D(1), True)
    assert taker.side is BookSide.BID
    assert taker.outcome is Outcome.YES
    assert [f.fee for f in fills[1:]] == [D("0.0007")] * (len(fills) - 1)


def test_ioc_ack_filled_at_the_resting_price(recorded: Any) -> None:
    ack = parse_order_ack(recorded.body("orders__create_v2_taker_ioc"))
    assert (ack.fill_count, ack.remaining_count) == (D(1), D(0))
    assert (ack.average_fill_price, ack.average_fee_paid) == (D("0.52"), D("0.0175"))
    maker = parse_order_ack(recorded.body("orders__create_v2_maker"))
    assert maker.average_fill_price is None
    assert maker.remaining_count == D(1)


def test_orders_list_newest_first_with_fees(recorded: Any) -> None:
    orders = [parse_order(o) for o in recorded.body("portfolio__orders_list")["orders"]]
    first = orders[0]
    assert first.status is OrderStatus.EXECUTED
    assert (first.taker_fill_cost, first.taker_fees, first.yes_price) == (D("0.52"), D("0.0175"), D("0.99"))
    canceled = orders[1]
    assert canceled.status is OrderStatus.CANCELED
    assert canceled.remaining_count == 0
    assert all(
        a.created_time and b.created_time and a.created_time >= b.created_time
        for a, b in itertools.pairwise(orders)
    )


def test_balance_positions_cancel(recorded: Any) -> None:
    bal = parse_balance(recorded.body("auth__balance_ok"))
    assert bal.balance == D("98.0186")
    assert bal.portfolio_value == D("1.98")
    assert bal.on_shard(0) == D("98.0186")
    assert bal.on_shard(3) == 0
    pos = parse_position(recorded.body("portfolio__positions")["market_positions"][0])
    assert (pos.position, pos.total_traded, pos.fees_paid) == (D(3), D("2.5"), D("0.0189"))
    cancel = parse_cancel(recorded.body("orders__cancel_v2"))
    assert cancel.reduced_by == D(1)
    assert not cancel.gone
    legacy = parse_cancel(recorded.body("orders__legacy_cancel"))
    assert legacy.order_id == "e641ead7-badf-41d1-a4bf-04a6cb202714"
    assert legacy.reduced_by == D(1)


def test_exchange_status_limits_and_cursors(recorded: Any) -> None:
    status = parse_exchange_status(recorded.body("exchange__status"))
    assert status.trading_active_on(3)
    assert page_cursor(recorded.body("markets__single_filter_lastpage"), "x") is None
    assert page_cursor({"cursor": None}, "x") is None
    assert page_cursor(recorded.body("markets__page1"), "x")


def test_public_trades_fractional_counts(recorded: Any) -> None:
    trades = [parse_trade(t) for t in recorded.body("trades__public_recorded")["trades"]]
    assert trades[0].count == D("7.77")
    assert trades[0].yes_price == D("0.03")
    assert trades[0].taker_book_side == "bid"


def test_new_shape_fields_parse() -> None:
    """Aug-2026 fields: exchange_index, settlement, per-shard status, cents-only balance fallback."""
    status = parse_exchange_status(
        {
            "exchange_active": True,
            "trading_active": True,
            "exchange_index_statuses": [
                {"exchange_index": 3, "exchange_active": True, "trading_active": False}
            ],
        }
    )
    assert status.trading_active_on(0)
    assert not status.trading_active_on(3)
    settlement = parse_settlement(
        {
            "ticker": "KXATPMATCH-26SEP09ZVEVAN-ZVE",
            "event_ticker": "KXATPMATCH-26SEP09ZVEVAN",
            "exchange_index": 3,
            "market_result": "scalar",
            "yes_count_fp": "10.00",
            "yes_total_cost_dollars": "4.000000",
            "no_count_fp": "0.00",
            "no_total_cost_dollars": "0.000000",
            "revenue": 440,
            "settled_time": "2026-09-09T20:00:00Z",
            "fee_cost": "0.168000",
            "value": 44,
        }
    )
    assert (settlement.revenue, settlement.value, settlement.fee_cost) == (D("4.40"), D("0.44"), D("0.168"))
    assert parse_balance({"balance": 9801, "portfolio_value": 0}).balance == D("98.01")
    b = parse_balance(
        {
            "balance": 1,
            "balance_dollars": "0.0100",
            "portfolio_value": 0,
            "balance_breakdown": [
                {"exchange_index": 0, "balance": "0.0000"},
                {"exchange_index": 3, "balance": "0.0100"},
            ],
        }
    )
    assert b.on_shard(3) == D("0.01")


def test_a_balance_without_breakdown_is_no_shard_s_cash() -> None:
    """Asked without exchange_index and without a breakdown, the balance is the sum of all shards:
    it says nothing of shard 3. Asked with ?exchange_index=3, it is shard 3's (kalshi-api.md §2.8)."""
    wire = {"balance": 5000, "balance_dollars": "50.0000", "portfolio_value": 0}
    total = parse_balance(wire)
    assert total.balance == D(50)
    assert total.on_shard(3) is None
    assert total.on_shard(0) is None
    shard3 = parse_balance(wire, exchange_index=3)
    assert shard3.on_shard(3) == D(50)
    assert shard3.on_shard(0) is None


@pytest.mark.parametrize(
    "field",
    [
        "ticker",
        "event_ticker",
        "status",
        "yes_sub_title",
        "yes_ask_dollars",
        "yes_bid_size_fp",
        "price_ranges",
        "close_time",
        "volume_fp",
    ],
)
def test_missing_market_field_is_a_parse_error_naming_market_and_field(recorded: Any, field: str) -> None:
    raw = dict(recorded.body("markets__unauth_single")["market"])
    del raw[field]
    with pytest.raises(ParseError) as info:
        parse_market(raw)
    assert field in str(info.value)
    if field != "ticker":
        assert LEP in str(info.value)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("yes_bid_dollars", "abc"),
        ("status", "weird"),
        ("open_time", "yesterday"),
        ("price_ranges", []),
        ("yes_sub_title", 7),
    ],
)
def test_malformed_market_field_is_a_parse_error(recorded: Any, field: str, value: Any) -> None:
    raw = dict(recorded.body("markets__unauth_single")["market"])
    raw[field] = value
    with pytest.raises(ParseError, match=field):
        parse_market(raw)


def test_occurrence_falls_back_to_expected_expiration(recorded: Any) -> None:
    raw = dict(recorded.body("markets__unauth_single")["market"])
    del raw["occurrence_datetime"]
    raw["expected_expiration_time"] = "2026-06-12T10:00:00Z"
    assert parse_market(raw).occurrence_time == datetime(2026, 6, 12, 10, 0, tzinfo=UTC)


def test_negative_top_size_in_real_data_means_an_empty_side(recorded: Any) -> None:
    markets = {m.ticker: m for m in _markets(recorded.body("markets__high_temp"))}
    odd = markets["KXHIGHNY-26JUN13-T94"]  # yes_bid_size_fp "-3.00" on the wire
    assert odd.yes_bid is None
    assert odd.yes_bid_size == 0


def test_event_and_series_shapes_from_the_reference() -> None:
    """The July-2026 production event (A.3) and the reconstructed series (A.4, numeric fee_multiplier)."""
    from courtside.domain.market import FeeType
    from courtside.kalshi.parse import parse_event, parse_series

    series = parse_series(
        {
            "ticker": "KXATPMATCH",
            "title": "ATP Tennis Match",
            "category": "Sports",
            "tags": ["Tennis"],
            "fee_type": "quadratic_with_maker_fees",
            "fee_multiplier": 1,
            "exchange_index": 3,
        }
    )
    assert series.fees.fee_type is FeeType.QUADRATIC_WITH_MAKER_FEES
    assert series.fees.multiplier == 1
    assert parse_series(
        {**{"ticker": "KXMLBGAME", "fee_type": "quadratic"}, "fee_multiplier": 0.5}
    ).fees.multiplier == D("0.5")
    event = parse_event(
        {
            "available_on_brokers": True,
            "category": "Sports",
            "collateral_return_type": "MECNET",
            "event_ticker": "KXATPMATCH-26JUL13SANDAN",
            "mutually_exclusive": True,
            "product_metadata": {"competition": "ATP Bastad", "competition_scope": "Game"},
            "series_ticker": "KXATPMATCH",
            "strike_period": "",
            "sub_title": "Sanchez Jover vs Daniel (Jul 13)",
            "title": "Sanchez Jover vs Daniel",
            "fee_multiplier_override": "0.5",
        }
    )
    assert event.competition == "ATP Bastad"
    assert event.mutually_exclusive
    assert event.markets == ()
    assert event.fees_override is not None
    assert event.fees_override.multiplier == D("0.5")
    with pytest.raises(ParseError, match="fee_type"):
        parse_series({"ticker": "X", "fee_type": "mystery", "fee_multiplier": 1})
