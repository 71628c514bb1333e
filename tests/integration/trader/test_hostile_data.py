"""Issue 13's check, against a Kalshi-compatible server that lies (the simulator in process, its
answers rewritten on the way out): one market's book given a negative price level, another market's
prices sent as JSON numbers, a series with a negative fee multiplier. The good matches are still
ordered; each broken one is skipped with its reason, journalled and logged; the scan does not fail."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from courtside.app.config import load_settings
from courtside.app.wiring import build
from courtside.domain.tennis import Tour
from courtside.sim.generator import MatchSpec
from tampering import BASE, PinnedModel, SimDay, Tampering, on_book, on_market, on_series, registry_of

MODEL = {"Zverev": 0.72, "Draper": 0.72, "Sinner": 0.72, "Alcaraz": 0.72, "Swiatek": 0.72}


def _specs(now: datetime) -> list[MatchSpec]:
    def match(a: str, b: str, tour: Tour, hours: int) -> MatchSpec:
        comp = "US Open Men Singles" if tour is Tour.ATP else "US Open Women Singles"
        start = now + timedelta(hours=hours)
        return MatchSpec(a, b, tour, comp, "Quarterfinal", start, 0.55, title_style="new")

    return [
        match("Alexander Zverev", "Karen Khachanov", Tour.ATP, 5),
        match("Jack Draper", "Casper Ruud", Tour.ATP, 6),
        match("Jannik Sinner", "Taylor Fritz", Tour.ATP, 7),
        match("Carlos Alcaraz", "Daniil Medvedev", Tour.ATP, 8),
        match("Iga Swiatek", "Coco Gauff", Tour.WTA, 5),
    ]


def _negative_level(book: dict[str, Any]) -> None:
    book["yes_dollars"].insert(0, ["-0.1000", "5.00"])


def _numbers(market: dict[str, Any]) -> None:
    for key in ("yes_bid_dollars", "yes_ask_dollars", "no_bid_dollars", "no_ask_dollars"):
        market[key] = float(market[key])


def _negative_fees(series: dict[str, Any]) -> None:
    series["fee_multiplier"] = -1


@pytest.mark.parametrize("live", [True, False], ids=["live", "dry-run"])
async def test_the_good_matches_are_ordered_and_each_broken_one_skipped_with_its_reason(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, live: bool
) -> None:
    day = SimDay.listing(_specs)
    lies = Tampering(
        day.transport,
        [
            on_book(day.ticker_of("Jannik Sinner"), _negative_level),
            on_market(day.ticker_of("Carlos Alcaraz"), _numbers),
            on_series("KXWTAMATCH", _negative_fees),
        ],
    )
    settings = load_settings(
        None,
        env=BASE,
        db=f"sqlite:///{tmp_path / 'journal.db'}",
        min_volume="0",
        kill_file=tmp_path / "KILL",
        live=live,
        confirm_live=live,
    )
    model = PinnedModel(MODEL)
    w = build(settings, transport=lies, predictor=model, resolver=registry_of(day.specs), auth=day.auth)
    caplog.set_level(logging.INFO, logger="courtside")
    try:
        report = await w.trader.scan()
        placed = {o.ticker.rsplit("-", 1)[0] for o in await w.venue.orders()}
    finally:
        await w.aclose()

    good = {day.event_of("Alexander Zverev"), day.event_of("Jack Draper")}
    assert report.orders == 2
    assert placed == good
    if live:
        assert all(len(day.orders_on(e)) == 1 for e in good)
    for name in ("Jannik Sinner", "Carlos Alcaraz", "Iga Swiatek"):
        assert day.orders_on(day.event_of(name)) == []
    reasons = {d.event_ticker: d.reasons for d in w.journal.decisions() if d.decision == "skipped"}
    sinner = reasons[day.event_of("Jannik Sinner")]
    assert "malformed order book" in sinner
    assert "level 0 has price -0.1000, outside (0, 1)" in sinner
    alcaraz = reasons[day.event_of("Carlos Alcaraz")]
    assert re.search(r"field 'yes_bid_dollars' is not a fixed-point string: 0\.\d+$", alcaraz)
    swiatek = reasons[day.event_of("Iga Swiatek")]
    assert "malformed series: series KXWTAMATCH: field 'fee_multiplier' is -1, outside [0, 10]" in swiatek
    assert report.skipped == len(reasons)
    for event, reason in reasons.items():
        assert f"skip {event}: {reason}" in caplog.text  # logged as it is journalled


async def test_our_own_order_sent_back_malformed_is_never_taken_for_gone(tmp_path: Path) -> None:
    """An order of unknown outcome, old enough that an unseen one counts as never placed, which the
    exchange does hold but sends back garbled: it stays unresolved (no new order while it is), and no
    second attempt is minted beside it."""
    day = SimDay.listing(lambda now: _specs(now)[:1])
    db = f"sqlite:///{tmp_path / 'journal.db'}"
    settings = load_settings(
        None, env=BASE, db=db, min_volume="0", kill_file=tmp_path / "KILL", live=True, confirm_live=True
    )
    model, players = PinnedModel(MODEL), registry_of(day.specs)
    w = build(settings, transport=day.transport, predictor=model, resolver=players, auth=day.auth)
    try:
        assert (await w.trader.scan()).orders == 1
    finally:
        await w.aclose()
    (row,) = w.journal.orders()
    long_ago = w.clock.now() - timedelta(hours=1)
    w.journal.update_order(row.client_order_id, long_ago, status="unknown", created_at=long_ago)

    def garble(request: Any, data: Any) -> Any:
        if request.url.path.endswith("/portfolio/orders"):
            for order in data.get("orders", []):
                if order.get("client_order_id") == row.client_order_id:
                    order["yes_price_dollars"] = 0.5  # a JSON number: not Kalshi's format
        return data

    lies = Tampering(day.transport, [garble])
    w = build(settings, transport=lies, predictor=model, resolver=players, auth=day.auth)
    try:
        report = await w.trader.scan()
    finally:
        await w.aclose()
    assert report.orders == 0
    assert [(r.client_order_id, r.status) for r in w.journal.orders()] == [(row.client_order_id, "unknown")]
    assert len(day.orders_on(day.event_of("Alexander Zverev"))) == 1
