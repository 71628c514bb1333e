"""--stream: each reaction between scans sees the orders placed so far (by the scan and by earlier
reactions): one position per match, the exposure limit, orders per scan, and no new order while an
earlier one's outcome is unknown. Book changes come from the market maker on the simulator."""

from __future__ import annotations

import asyncio
import contextlib
from decimal import Decimal
from typing import Any

from trader_sim import pull_best_bid, until

from courtside.app.scan_result import MatchVerdict
from courtside.app.stream import run_stream
from courtside.domain.orders import Order
from courtside.kalshi.ws import KalshiWebSocket

ORDERS_PATH = r"/portfolio/events/orders$"
LIVE = {"live": True, "confirm_live": True, "min_ev": "0.02", "min_value": "0.02"}


async def _stream(h: Any, pulls: int, **flags: Any) -> tuple[int, list[MatchVerdict], Any]:
    """One scan, then `pulls` book changes on the Van de Zandschulp market, each a reaction."""
    w = h.wire(**{**LIVE, **flags})
    items: list[MatchVerdict] = []

    def connect() -> KalshiWebSocket:
        return KalshiWebSocket(w.client.endpoints, headers=h.auth.ws_headers)

    sockets: list[KalshiWebSocket] = []

    def van() -> str:
        return next(t for t in w.trader.watched_tickers if t.endswith("-VAN"))

    def ready() -> bool:  # the first scan is done and the Van de Zandschulp book is live
        return bool(sockets and w.trader.watched_tickers) and not sockets[0].is_stale(van())

    def connect_and_keep() -> KalshiWebSocket:
        sockets.append(connect())
        return sockets[-1]

    stream = asyncio.create_task(
        run_stream(w.trader, connect_and_keep, interval=600.0, max_seconds=60.0, on_item=items.append)
    )
    try:
        await until(ready)
        for _ in range(pulls):
            await pull_best_bid(h, van())
            await asyncio.sleep(0.4)  # time for the reaction
    finally:
        stream.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stream
        await w.aclose()
    placed = sum(item.decision == "taken" for item in items)
    return placed, items, w.journal


def _cost(o: Order) -> Decimal:
    price = o.yes_price if o.side.value == "bid" else 1 - o.yes_price
    return o.initial_count * price


async def test_repeated_book_changes_on_one_match_place_one_order(harness: Any) -> None:
    placed, items, _ = await _stream(harness, pulls=3)
    orders = await harness.exchange_orders()
    assert placed == 1
    assert [i.decision for i in items] == ["taken"]  # later changes: the match is traded already
    assert len(orders) == 2  # Zverev from the scan, Van de Zandschulp from the first reaction only
    assert len({o.ticker.rsplit("-", 1)[0] for o in orders}) == 2


async def test_a_reaction_is_sized_on_the_exposure_room_the_scan_left(harness: Any) -> None:
    """The scan's Zverev order ties up 10 x 0.54 + 0.0435 = 5.4435 of $7: the Van de Zandschulp
    reaction gets the 1.5565 left, 3 contracts at 0.48 + 0.0132, not the 10 it would get otherwise."""
    placed, items, _ = await _stream(harness, pulls=2, max_exposure="7")
    orders = await harness.exchange_orders()
    assert sum(_cost(o) for o in orders) <= Decimal(7)
    assert placed == 1
    assert sorted((o.ticker[-3:], o.initial_count) for o in orders) == [("VAN", 3), ("ZVE", 10)]
    assert not any("would pass" in r for i in items for r in i.reasons)


async def test_a_reaction_with_no_room_for_one_contract_places_nothing(harness: Any) -> None:
    """$5.80 leaves 0.3565 after the scan's order, less than one contract at 0.48 + fee: the reaction
    places nothing, and says the scan's better order took the room."""
    placed, items, _ = await _stream(harness, pulls=2, max_exposure="5.8")
    orders = await harness.exchange_orders()
    assert placed == 0
    assert {i.decision for i in items} == {"refused"}
    zve = next(o.ticker for o in orders)
    assert items[0].reasons == (
        f"room taken by better #1: {zve} (fewer than 1 whole contract fits the exposure room left "
        "($0.36 of max-exposure 5.8 with $5.44 open; one contract costs $0.4844 all-in))",
    )
    assert [o.ticker.rsplit("-", 1)[0].endswith("ZVEKHA") for o in orders] == [True]


async def test_reactions_count_the_scan_s_orders_per_scan(harness: Any) -> None:
    placed, items, _ = await _stream(harness, pulls=1, max_orders_per_scan=1)
    assert placed == 0
    assert len(await harness.exchange_orders()) == 1
    assert any("orders this scan" in r for i in items for r in i.reasons)


async def test_no_reaction_order_while_an_earlier_order_is_unknown(harness: Any) -> None:
    """The scan's create meets a 500 (outcome unknown): until it is resolved by client_order_id at
    the next scan, a book change on another match must not place a new order."""
    harness.sim.control.fault(method="POST", path_regex=ORDERS_PATH, status=500, count=1)
    placed, items, journal = await _stream(harness, pulls=1)
    assert [r.status for r in journal.orders()] == ["unknown"]
    assert placed == 0
    assert await harness.exchange_orders() == []
    assert any("unknown outcome" in r for i in items for r in i.reasons)
