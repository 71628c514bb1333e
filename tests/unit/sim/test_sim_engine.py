"""Matching, fees, netting, order types and settlement of the in-process SimExchange."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from simvenue import EVENT, TICKER, Venue, make_venue

from courtside.domain.errors import (
    DuplicateOrderError,
    InsufficientBalanceError,
    NotFoundError,
    OrderRejectedError,
)
from courtside.domain.market import MarketStatus
from courtside.domain.orders import OrderStatus

D = Decimal


def test_taker_fills_at_the_resting_price_with_centicent_fees(venue: Venue) -> None:
    venue.order(venue.maker, "ask", "3", "0.52")
    placed = venue.order(venue.trader, "bid", "1", "0.99", tif="immediate_or_cancel")
    assert placed.fill_count == D("1")
    assert placed.fill_cost_yes == D("0.52")
    assert placed.fees == D("0.0175")  # ceil(0.07 * 0.52 * 0.48) = 0.0175
    assert venue.cash(venue.trader) == D("100") - D("0.52") - D("0.0175")
    assert venue.cash(venue.maker) == D("10000") - D("0.48") - D("0.0044")  # maker 0.0175 rate, rounded up
    fills = venue.ex.user_fills[venue.trader]
    assert [(f.yes_price, f.is_taker, f.fee) for f in fills] == [(D("0.52"), True, D("0.0175"))]
    assert venue.ex.user_fills[venue.maker][0].fee == D("0.0044")


def test_price_time_priority_and_partial_fills_across_levels(venue: Venue) -> None:
    first = venue.order(venue.maker, "ask", "2", "0.55").order
    second = venue.order(venue.maker, "ask", "2", "0.55").order
    better = venue.order(venue.maker, "ask", "1", "0.54").order
    venue.order(venue.trader, "bid", "4", "0.55", tif="immediate_or_cancel")
    assert better.status is OrderStatus.EXECUTED
    assert first.status is OrderStatus.EXECUTED
    assert second.fill_count == D("1")
    assert second.remaining_count == D("1")
    assert [f.yes_price for f in venue.ex.user_fills[venue.trader]] == [D("0.54"), D("0.55"), D("0.55")]


def test_no_via_ask_then_yes_nets_pairs_back_to_a_dollar(venue: Venue) -> None:
    venue.order(venue.maker, "bid", "5", "0.40")
    venue.order(venue.trader, "ask", "5", "0.40", tif="immediate_or_cancel")  # buys 5 NO at 0.60
    pos = venue.ex.users[venue.trader].positions[TICKER]
    assert pos.position == D("-5")
    assert pos.exposure == D("3.00")
    cash_after_no = venue.cash(venue.trader)
    assert cash_after_no == D("100") - D("3.00") - D("0.0840")  # fee ceil(0.07*5*0.4*0.6)
    venue.order(venue.maker, "ask", "3", "0.45")
    venue.order(venue.trader, "bid", "3", "0.45", tif="immediate_or_cancel")  # closes 3 pairs
    assert pos.position == D("-2")
    fee = D("0.0520")  # ceil(0.07 * 3 * 0.45 * 0.55 = 0.051975)
    assert venue.cash(venue.trader) == cash_after_no - D("1.35") + D("3") - fee
    assert pos.realized_pnl == D("3") * (D("1") - D("0.45")) - D("1.80")  # proceeds 0.55 each, basis 0.60
    assert pos.exposure == D("1.20")
    assert pos.total_traded == D("3.00") + D("1.35")


def test_settlement_yes_pays_a_dollar_and_removes_the_position(venue: Venue) -> None:
    venue.order(venue.maker, "ask", "10", "0.60")
    venue.order(venue.trader, "bid", "10", "0.60", tif="fill_or_kill")
    before = venue.cash(venue.trader)
    venue.ex.determine(TICKER, "yes")
    records = venue.ex.settle(TICKER)
    mine = next(r for r in records if r.yes_count == D("10"))
    assert mine.revenue_cents == 1000
    assert mine.value_cents == 100
    assert mine.fee_cost == D("0.1680")
    assert venue.cash(venue.trader) == before + D("10")
    assert venue.ex.users[venue.trader].positions[TICKER].settled
    market = venue.ex.markets[TICKER]
    assert market.status is MarketStatus.FINALIZED
    assert market.settlement_time is not None


def test_scalar_walkover_settles_both_sides_at_the_fair_price(venue: Venue) -> None:
    venue.order(venue.maker, "bid", "3", "0.50")
    venue.order(venue.trader, "ask", "3", "0.50", tif="immediate_or_cancel")  # trader 3 NO, maker 3 YES
    trader_before, maker_before = venue.cash(venue.trader), venue.cash(venue.maker)
    venue.ex.determine(TICKER, "scalar", D("0.44"))
    records = {r.yes_count: r for r in venue.ex.settle(TICKER)}
    assert records[D("3")].revenue_cents == 132
    assert records[D("0")].revenue_cents == 168
    assert records[D("0")].value_cents == 44
    assert records[D("0")].market_result == "scalar"
    assert venue.cash(venue.maker) == maker_before + D("1.32")
    assert venue.cash(venue.trader) == trader_before + D("1.68")


def test_auto_settlement_runs_after_the_settlement_timer(venue: Venue) -> None:
    venue.ex.determine(TICKER, "no")
    assert venue.ex.markets[TICKER].status is MarketStatus.DETERMINED
    venue.ex.advance_ms(61_000)
    assert venue.ex.markets[TICKER].status is MarketStatus.FINALIZED


def test_stp_taker_at_cross_cancels_the_taker_and_keeps_the_resting_order(venue: Venue) -> None:
    resting = venue.order(venue.trader, "bid", "1", "0.48", post_only=True).order
    taker = venue.order(venue.trader, "ask", "1", "0.48", tif="immediate_or_cancel")
    assert taker.fill_count == 0
    assert taker.order.remaining_count == 0
    assert taker.order.status is OrderStatus.CANCELED
    assert resting.status is OrderStatus.RESTING
    assert resting.remaining_count == D("1")


def test_stp_maker_cancels_own_resting_order_and_trades_on(venue: Venue) -> None:
    own = venue.order(venue.trader, "bid", "1", "0.50").order
    venue.order(venue.maker, "bid", "2", "0.49")
    taker = venue.order(venue.trader, "ask", "2", "0.49", tif="immediate_or_cancel", stp="maker")
    assert own.status is OrderStatus.CANCELED
    assert own.last_update_reason == "SelfTrade"
    assert taker.fill_count == D("2")
    assert taker.fill_cost_yes == D("0.98")


def test_fill_or_kill_is_all_or_nothing(venue: Venue) -> None:
    venue.order(venue.maker, "ask", "2", "0.60")
    killed = venue.order(venue.trader, "bid", "3", "0.60", tif="fill_or_kill")
    assert killed.fill_count == 0
    assert killed.order.status is OrderStatus.CANCELED
    assert venue.ex.books[TICKER].best(venue.ex.books[TICKER].asks[0].side) == (D("0.60"), D("2"))
    filled = venue.order(venue.trader, "bid", "2", "0.60", tif="fill_or_kill")
    assert filled.fill_count == D("2")
    assert filled.order.status is OrderStatus.EXECUTED


def test_ioc_partial_fill_cancels_the_rest(venue: Venue) -> None:
    venue.order(venue.maker, "ask", "2", "0.60")
    placed = venue.order(venue.trader, "bid", "5", "0.65", tif="immediate_or_cancel")
    assert placed.fill_count == D("2")
    assert placed.order.remaining_count == 0
    assert placed.order.status is OrderStatus.CANCELED
    assert not venue.ex.books[TICKER].bids


def test_gtc_expiry_by_the_clock(venue: Venue) -> None:
    expiry = int((venue.clock.now() + timedelta(minutes=5)).timestamp())
    order = venue.order(venue.trader, "bid", "1", "0.30", expiration_time=expiry).order
    venue.ex.advance_ms(4 * 60_000)
    assert order.status is OrderStatus.RESTING
    venue.ex.advance_ms(60_000)
    assert order.status is OrderStatus.CANCELED
    assert order.last_update_reason == "Expired"
    assert venue.ex.users[venue.trader].reserved_on(3) == 0


def test_rejections_use_kalshi_codes(venue: Venue) -> None:
    venue.order(venue.maker, "ask", "1", "0.52")
    cases = [
        (dict(price="0.5150"), "invalid_price"),
        (dict(count="0"), "invalid_order_size"),
        (dict(price="0.55", post_only=True), "invalid_order"),
        (dict(reduce_only=True), "invalid_order"),
        (dict(ticker="NOPE"), "market_not_found"),
    ]
    for overrides, code in cases:
        args = {"side": "bid", "count": "1", "price": "0.40", **overrides}
        with pytest.raises((OrderRejectedError, NotFoundError)) as info:
            venue.order(venue.trader, **args)  # type: ignore[arg-type]
        assert info.value.code == code, overrides


def test_client_order_id_is_unique_forever_and_cancel_twice_is_404(venue: Venue) -> None:
    order = venue.order(venue.trader, "bid", "1", "0.30", client_order_id="dec-1").order
    venue.ex.cancel_order(venue.trader, order.order_id)
    with pytest.raises(DuplicateOrderError) as dup:
        venue.order(venue.trader, "bid", "1", "0.30", client_order_id="dec-1")
    assert dup.value.status == 409
    assert dup.value.code == "order_already_exists"
    with pytest.raises(NotFoundError):
        venue.ex.cancel_order(venue.trader, order.order_id)


def test_collateral_is_reserved_per_shard() -> None:
    venue = make_venue(trader_cash="1.00")
    venue.order(venue.trader, "bid", "1", "0.90")  # reserves 0.90 + fee 0.0063
    with pytest.raises(InsufficientBalanceError):
        venue.order(venue.trader, "bid", "1", "0.09")
    venue.ex.users[venue.trader].cash = {0: D("500"), 3: D("0")}
    with pytest.raises(InsufficientBalanceError):  # funds on shard 0 do not pay for a shard-3 market
        venue.order(venue.trader, "ask", "1", "0.50")


def test_maker_fee_is_zero_on_plain_quadratic_series() -> None:
    venue = make_venue(fee_type="quadratic")
    venue.order(venue.maker, "ask", "10", "0.60")
    venue.order(venue.trader, "bid", "10", "0.60", tif="immediate_or_cancel")
    assert venue.ex.user_fills[venue.maker][0].fee == 0
    assert venue.ex.user_fills[venue.trader][0].fee == D("0.1680")


def test_close_cancels_resting_orders_and_blocks_new_ones(venue: Venue) -> None:
    order = venue.order(venue.trader, "bid", "2", "0.30").order
    venue.ex.set_status(TICKER, MarketStatus.CLOSED)
    assert order.status is OrderStatus.CANCELED
    assert not venue.ex.books[TICKER].bids
    with pytest.raises(OrderRejectedError) as info:
        venue.order(venue.trader, "bid", "1", "0.30")
    assert info.value.code == "market_inactive"


def test_market_closes_at_its_close_time(venue: Venue) -> None:
    venue.ex.advance_ms(15 * 86_400_000)
    assert all(venue.ex.markets[f"{EVENT}-{c}"].status is MarketStatus.CLOSED for c in ("LEP", "JIM"))


def test_amend_and_decrease_change_the_resting_size(venue: Venue) -> None:
    from courtside.domain.orders import BookSide
    from courtside.sim.engine import OrderSpec

    order = venue.order(venue.trader, "bid", "5", "0.30").order
    venue.ex.decrease_order(venue.trader, order.order_id, D("2"), None)
    assert order.remaining_count == D("3")
    venue.order(venue.maker, "ask", "1", "0.35")
    amended = venue.ex.amend_order(
        venue.trader, order.order_id, OrderSpec(TICKER, BookSide.BID, D("3"), D("0.35"))
    )
    assert amended.fill_count == D("1")
    assert order.remaining_count == D("2")
    assert order.price == D("0.35")


def test_reduce_only_is_capped_by_the_position(venue: Venue) -> None:
    venue.order(venue.maker, "ask", "2", "0.50")
    venue.order(venue.trader, "bid", "2", "0.50", tif="immediate_or_cancel")  # long 2 YES
    venue.order(venue.maker, "bid", "10", "0.45")
    sold = venue.order(venue.trader, "ask", "5", "0.45", tif="immediate_or_cancel", reduce_only=True)
    assert sold.fill_count == D("2")
    assert venue.ex.users[venue.trader].positions[TICKER].position == 0


def test_a_market_opens_at_its_open_time() -> None:
    from courtside.sim import catalog

    venue = make_venue()
    later = venue.clock.now() + timedelta(hours=2)
    venue.ex.add_market(
        catalog.market_from_json(
            venue.ex, {"ticker": f"{EVENT}-X", "event_ticker": EVENT, "open_time": later.isoformat()}
        )
    )
    assert venue.ex.markets[f"{EVENT}-X"].status is MarketStatus.INITIALIZED
    with pytest.raises(OrderRejectedError):
        venue.order(venue.trader, "bid", "1", "0.30", ticker=f"{EVENT}-X")
    venue.ex.advance_ms(2 * 3_600_000)
    assert venue.ex.markets[f"{EVENT}-X"].status is MarketStatus.ACTIVE
    assert (
        venue.order(venue.trader, "bid", "1", "0.30", ticker=f"{EVENT}-X").order.status is OrderStatus.RESTING
    )


def test_reset_restores_clock_and_settings(venue: Venue) -> None:
    start = venue.ex.now_ms()
    venue.ex.advance_ms(60_000)
    venue.ex.config.rate_limit_enabled = True
    venue.ex.reset()
    assert venue.ex.now_ms() == start
    assert not venue.ex.config.rate_limit_enabled
    assert not venue.ex.markets
