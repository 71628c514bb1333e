"""The AutoTrader against the simulated exchange over real HTTP: dry-run, live, restarts."""

from __future__ import annotations

from decimal import Decimal

from courtside.kalshi.env import exchange_id
from courtside.store.journal import Journal

D = Decimal
ZVE = "Zverev"


async def _scan(h, **flags):  # type: ignore[no-untyped-def]
    w = h.wire(**flags)
    try:
        return await w.trader.scan(), w.journal
    finally:
        await w.aclose()


async def test_dry_run_sends_nothing_and_fills_on_paper_only_when_the_book_crosses(harness) -> None:  # type: ignore[no-untyped-def]
    report, journal = await _scan(harness)
    (taken,) = [i for i in report.items if i.decision == "taken"]
    assert ZVE in taken.players[0]
    assert taken.style == "maker"
    assert await harness.exchange_orders() == []  # nothing reached the exchange
    (order,) = journal.orders()
    assert (order.mode, order.status, order.fill_count) == ("paper", "resting", 0)
    report, journal = await _scan(harness)  # the real book has not crossed: still no paper fill
    assert journal.fills() == []
    # a seller now offers YES at our price on the real exchange
    harness.sim.control.order(
        harness.sim.mm_user_id, ticker=order.ticker, side="ask", price=str(order.yes_price), count="4"
    )
    report, journal = await _scan(harness)
    (fill,) = journal.fills()
    assert (fill.count, fill.yes_price, fill.is_taker) == (D(4), order.yes_price, False)
    assert journal.orders()[0].fill_count == 4
    assert await harness.exchange_orders() == []


async def test_live_places_one_order_per_match_across_scans_and_restarts(harness) -> None:  # type: ignore[no-untyped-def]
    flags = {"live": True, "confirm_live": True}
    report, _ = await _scan(harness, **flags)
    assert report.orders == 1
    for _ in range(2):  # more scans, each one a fresh process (restart)
        report, _ = await _scan(harness, **flags)
        assert report.orders == 0
        (zverev,) = [i for i in report.items if ZVE in i.players[0]]
        assert zverev.decision == "holding"
    orders = await harness.exchange_orders()
    assert len(orders) == 1
    (row,) = Journal(_engine(harness), "live", exchange=exchange_id(harness.sim.base_url)).orders()
    assert (row.client_order_id, row.order_id, row.status) == (
        orders[0].client_order_id,
        orders[0].order_id,
        "resting",
    )


async def test_no_edge_match_is_refused_with_its_reasons(harness) -> None:  # type: ignore[no-untyped-def]
    report, journal = await _scan(harness)
    (refused,) = [i for i in report.items if "Auger-Aliassime" in i.players[1]]
    assert refused.decision == "refused"
    assert any("min-value" in r or "min-ev" in r for r in refused.reasons)
    decisions = {d.event_ticker: d for d in journal.decisions()}
    assert decisions[refused.event_ticker].reasons


async def test_max_size_caps_the_count_and_min_value_filters(harness) -> None:  # type: ignore[no-untyped-def]
    report, _ = await _scan(harness, live=True, confirm_live=True, max_size="3")
    (order,) = await harness.exchange_orders()
    assert order.initial_count == 3
    report, _ = await _scan(harness, db=f"sqlite:///{harness.tmp / 'other.db'}", min_value="0.30")
    assert report.orders == 0
    assert all(i.decision == "refused" for i in report.items)


async def test_kill_switch_cancels_resting_orders_and_blocks_new_ones(harness) -> None:  # type: ignore[no-untyped-def]
    flags = {"live": True, "confirm_live": True}
    await _scan(harness, **flags)
    (harness.tmp / "KILL").write_text("stop")
    report, journal = await _scan(harness, **flags)
    assert report.orders == 0
    assert [o.status.value for o in await harness.exchange_orders()] == ["canceled"]
    assert journal.orders()[0].status == "canceled"


def _engine(h):  # type: ignore[no-untyped-def]
    from courtside.store.db import make_engine

    return make_engine(f"sqlite:///{h.tmp / 'journal.db'}")


async def test_resting_order_expires_at_the_match_start_and_is_not_placed_again(harness) -> None:  # type: ignore[no-untyped-def]
    """The maker order carries expiration_time = the scheduled start; when the exchange's clock
    passes it, the order is gone, and the trader (on the exchange's clock) neither re-sends it nor
    opens a second position in the match."""
    from trader_sim import FixedModel, registry

    from courtside.app.wiring import build

    sim = harness.sim.exchange
    flags = {"live": True, "confirm_live": True}
    report, _ = await _scan(harness, **flags)
    (zverev,) = [i for i in report.items if ZVE in i.players[0]]
    start = next(m for m in sim.markets.values() if m.ticker == zverev.tickers[0]).occurrence_datetime
    (order,) = await harness.exchange_orders()
    assert order.expiration_time == start.replace(microsecond=0)  # whole seconds, never after it
    assert order.status.value == "resting"
    sim.set_now_ms(int((start.timestamp() + 60) * 1000))  # a minute after the start
    (order,) = await harness.exchange_orders()
    assert order.status.value != "resting"
    w = build(
        harness.settings(**flags), clock=sim, predictor=FixedModel(), resolver=registry(), auth=harness.auth
    )
    try:
        report = await w.trader.scan()
    finally:
        await w.aclose()
    assert report.orders == 0
    assert len(await harness.exchange_orders()) == 1
    (row,) = Journal(_engine(harness), "live", exchange=exchange_id(harness.sim.base_url)).orders()
    assert row.status != "resting"
