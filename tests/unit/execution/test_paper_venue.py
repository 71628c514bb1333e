"""PaperVenue fills only when the real book crosses, keeps a ledger, pays the series' fees, settles."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from decimal import Decimal

from sqlalchemy import create_engine

from courtside.domain.clock import ManualClock
from courtside.domain.market import MarketStatus
from courtside.domain.orders import BookSide, OrderRequest, OrderStatus, TimeInForce
from courtside.venue.paper import PaperVenue
from trader_factories import NOW, FakeData, book, event, series

D = Decimal
T = "KXATPMATCH-26SEP08ZVEVAN-ZVE"


def _paper() -> tuple[PaperVenue, FakeData, ManualClock]:
    data, clock = FakeData(), ManualClock(NOW)
    data.books[T] = book(
        T, yes=[("0.50", "100")], no=[("0.48", "20"), ("0.47", "50")]
    )  # asks 0.52 x20, 0.53 x50
    data.markets[T] = event().markets[0]
    return (
        PaperVenue(data, create_engine("sqlite://"), clock, exchange="test", starting_cash=D(100)),
        data,
        clock,
    )


def _req(
    price: str,
    count: int = 10,
    side: BookSide = BookSide.BID,
    tif: TimeInForce = TimeInForce.GTC,
    coid: str = "cs-1",
) -> OrderRequest:
    return OrderRequest(
        T, side, D(count), D(price), tif, client_order_id=coid, expiration_time=NOW + timedelta(hours=6)
    )


async def test_a_bid_below_the_ask_rests_and_does_not_fill() -> None:
    paper, _, _ = _paper()
    ack = await paper.place(_req("0.51"))
    assert (ack.fill_count, ack.remaining_count) == (0, 10)
    assert [o.status for o in await paper.orders(status=OrderStatus.RESTING)] == [OrderStatus.RESTING]
    assert await paper.fills() == []
    assert await paper.sync() == 0  # the real book has not moved: still no fill


async def test_a_crossing_bid_takes_the_real_asks_with_the_taker_fee() -> None:
    paper, _, _ = _paper()
    ack = await paper.place(_req("0.53", 30, tif=TimeInForce.IOC))
    assert (ack.fill_count, ack.remaining_count) == (30, 0)
    fills = sorted(await paper.fills(), key=lambda f: f.yes_price)
    assert [(f.yes_price, f.count, f.fee, f.is_taker) for f in fills] == [
        (D("0.52"), D(20), D("0.3495"), True),
        (D("0.53"), D(10), D("0.1744"), True),
    ]
    (pos,) = await paper.positions()
    assert (pos.position, pos.market_exposure) == (D(30), D("15.70"))
    cash = (await paper.funds()).cash
    assert cash == D(100) - D("15.70") - D("0.5239")


async def test_a_resting_order_fills_at_its_price_only_when_the_book_crosses() -> None:
    paper, data, clock = _paper()
    await paper.place(_req("0.51"))
    data.books[T] = book(T, yes=[("0.49", "5")], no=[("0.49", "4")])  # ask now 0.51 x4
    clock.advance(timedelta(minutes=1))
    assert await paper.sync() == 1
    (fill,) = await paper.fills()
    assert (fill.yes_price, fill.count, fill.is_taker, fill.fee) == (D("0.51"), D(4), False, D("0.0175"))
    (order,) = await paper.orders()
    assert (order.status, order.fill_count, order.remaining_count) == (OrderStatus.RESTING, 4, 6)


async def test_buying_no_is_an_ask_filled_against_yes_bids() -> None:
    paper, _, _ = _paper()
    ack = await paper.place(_req("0.50", 5, side=BookSide.ASK, tif=TimeInForce.IOC))
    assert ack.fill_count == 5
    (pos,) = await paper.positions()
    assert (pos.position, pos.market_exposure) == (D(-5), D("2.50"))


async def test_same_client_order_id_never_places_twice() -> None:
    paper, _, _ = _paper()
    first = await paper.place(_req("0.51"))
    again = await paper.place(_req("0.51"))
    assert first.order_id == again.order_id
    assert len(await paper.orders()) == 1


async def test_cancel_and_expiry() -> None:
    paper, _, clock = _paper()
    ack = await paper.place(_req("0.51"))
    assert (await paper.cancel(ack.order_id)).reduced_by == 10
    assert (await paper.cancel(ack.order_id)).gone
    await paper.place(_req("0.50", coid="cs-2"))
    clock.advance(timedelta(hours=7))
    await paper.sync()
    assert await paper.orders(status=OrderStatus.RESTING) == []


async def test_settlement_pays_the_winner_and_closes_the_position() -> None:
    paper, data, _ = _paper()
    await paper.place(_req("0.52", 10, tif=TimeInForce.IOC))
    data.markets[T] = replace(data.markets[T], status=MarketStatus.DETERMINED, result="yes")
    await paper.sync()
    (st,) = await paper.settlements()
    assert (st.market_result, st.yes_count, st.revenue) == ("yes", D(10), D(10))
    assert await paper.positions() == []
    cash = (await paper.funds()).cash
    assert cash == D(100) - D("5.20") - D("0.1748") + D(10)


async def test_paper_fills_pay_the_series_fee_schedule() -> None:
    from courtside.domain.market import FeeSchedule

    paper, data, _ = _paper()
    listed = event()
    data.events = [(series(fees=FeeSchedule(multiplier=D("0.5"))), listed)]
    await paper.tennis_series()  # the paper venue learns the fees from the listings it relays
    await paper.place(_req("0.52", 10, tif=TimeInForce.IOC))
    (fill,) = await paper.fills()
    assert fill.fee == D("0.0874")  # 0.5 x 0.07 x 10 x 0.52 x 0.48 = 0.08736, rounded up


async def test_the_same_real_liquidity_is_never_used_twice() -> None:
    paper, data, _ = _paper()
    await paper.place(_req("0.51"))
    data.books[T] = book(T, yes=[("0.49", "5")], no=[("0.49", "4")])  # 4 offered at 0.51
    assert await paper.sync() == 1
    assert await paper.sync() == 0  # the same 4 are still there: already used
    data.books[T] = book(T, yes=[("0.49", "5")], no=[("0.49", "7")])  # 3 more arrive
    assert await paper.sync() == 1
    (order,) = await paper.orders()
    assert (order.fill_count, order.remaining_count) == (7, 3)
