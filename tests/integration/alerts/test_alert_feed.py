"""Alerts wired into the trader (issue 12, item 3), tried as an owner would: the trader runs a day on the
simulator with COURTSIDE_ALERTS pointing at a real webhook receiver on loopback, and every kind of
alert arrives, each fact once, none holding a key, a signature or the dashboard token: an order placed,
filled, of unknown outcome and cancelled; the exchange failing scan after scan; the stale model; the
first scan; a kill and a resume pressed elsewhere (as `courtside kill` is); the day's summary after
midnight. The alerts are journalled as sent, and a dead endpoint costs the scans nothing."""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "trader"))
from trader_sim import FixedModel, Harness, list_semifinal, registry, specs

from alert_receiver import Receiver, receiving
from courtside.app import control
from courtside.app.loop import one_scan
from courtside.app.operator import Operator
from courtside.app.wiring import build
from courtside.domain.clock import ManualClock
from courtside.sim.generator import Liquidity, build_bundle
from courtside.store.operator import OperatorLog

ORDERS = r"/portfolio/events/orders$"
TOKEN = "dashboard-token-that-must-never-leave-0123"
ONCE = ("first_scan", "api_failures", "trading_stopped", "trading_resumed", "daily_summary")


def _model(tmp: Path, through: str) -> Path:
    folder = tmp / "model"
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({"results_through": through}), encoding="utf-8")
    return folder


def _kinds(receiver: Receiver) -> list[str]:
    return [m.group(1) for p in receiver.payloads if (m := re.search(r"alert: (\w+)$", p["message"]))]


class Day:
    def __init__(self, h: Harness, receiver: Receiver, clock: ManualClock) -> None:
        stale = (clock.now() - timedelta(days=30)).date().isoformat()
        self.h, self.clock = h, clock
        self.settings = h.settings(
            live=True,
            confirm_live=True,
            alerts=receiver.url,
            model=_model(h.tmp, stale),
            dashboard_token=TOKEN,
        )
        self.wiring = build(
            self.settings, predictor=FixedModel(), resolver=registry(), auth=h.auth, clock=clock
        )
        self.op = Operator(
            self.settings,
            self.wiring.trader,
            self.wiring.alerts,
            clock,
            "fixed-test",
            control.Exchange(auth=h.auth),
        )

    async def scan(self) -> str | None:
        self.clock.advance(timedelta(minutes=1))
        failed = await one_scan(self.wiring.trader, once=False)
        self.op.scanned(failed)
        return failed


async def _trading_day(day: Day) -> None:
    h, sim = day.h, day.h.sim
    await day.op.start()
    assert await day.scan() is None  # first scan, Zverev bought: placed; the model is stale
    (order,) = day.wiring.journal.orders()
    sim.control.order(sim.mm_user_id, ticker=order.ticker, side="ask", price=str(order.yes_price), count="4")
    await day.scan()  # filled
    sim.control.fault(method="GET", path_regex=r"/exchange/status$", status=500, count=15)
    for _ in range(3):  # the exchange fails three scans in a row
        assert await day.scan() is not None
    sim.control.clear_faults()
    list_semifinal(sim, sim.exchange.now())
    sim.control.configure(new_order_lag_ms=120_000)  # the order lands, its answer is lost, reads lag
    sim.control.fault(method="POST", path_regex=ORDERS, drop_after_send=True)
    await day.scan()  # outcome unknown
    sim.control.configure(new_order_lag_ms=0)
    await day.scan()  # resolved: it rests
    await control.kill(
        day.settings, who="the owner's phone", reason="leaving", via=control.Exchange(auth=h.auth)
    )
    day.op.scanned(None)  # the next poll tells the kill and the cancels, whoever pressed it
    control.resume(day.settings, who="the owner's phone")
    day.op.scanned(None)
    midnight = (day.clock.now() + timedelta(days=1)).replace(hour=0, minute=1, second=0, microsecond=0)
    day.clock.set(midnight)
    day.op.scanned(None)
    await day.op.stop("the day is over")
    await day.wiring.aclose()


async def test_every_kind_of_alert_arrives_once_without_a_secret(sim_server: Any, tmp_path: Path) -> None:
    now = sim_server.exchange.now()
    sim_server.control.bulk(
        build_bundle(specs(now), sim_server.mm_user_id, now, seed=3, liquidity=Liquidity(noise=0.0))
    )
    with receiving() as receiver:
        day = Day(Harness(sim_server, tmp_path), receiver, ManualClock(now))
        await _trading_day(day)
        kinds = _kinds(receiver)
    counts = Counter(kinds)
    expected = {
        "order_placed", "order_filled", "order_unknown", "order_cancelled", "api_failures", "model_stale",
        "first_scan", "trading_stopped", "trading_resumed", "daily_summary",
    }  # fmt: skip
    assert set(counts) == expected, counts
    assert all(counts[k] == 1 for k in ONCE), counts
    assert counts["model_stale"] == 2  # once a day while it stays stale: the day, and the next after midnight
    titles = [p["title"] for p in receiver.payloads]
    assert len(titles) == len(set(titles)), "no fact is told twice"
    raw = b"\n".join(receiver.raw)
    for secret in (sim_server.key_id, TOKEN, "BEGIN", "PRIVATE KEY", "KALSHI-ACCESS"):
        assert secret.encode() not in raw, secret
    summary = next(p for p in receiver.payloads if "alert: daily_summary" in p["message"])
    assert "P&L" in summary["message"]
    assert "fills: 1" in summary["message"]
    journalled = OperatorLog(day.wiring.journal).alerts(limit=100)
    assert Counter(a.kind for a in journalled) == counts
    assert {a.outcome for a in journalled} == {"queued"}


async def test_a_dead_endpoint_costs_the_scans_nothing(sim_server: Any, tmp_path: Path) -> None:
    now = sim_server.exchange.now()
    sim_server.control.bulk(
        build_bundle(specs(now), sim_server.mm_user_id, now, seed=3, liquidity=Liquidity(noise=0.0))
    )
    with receiving() as receiver:
        receiver.holding = True  # the endpoint takes every request and never answers
        day = Day(Harness(sim_server, tmp_path), receiver, ManualClock(now))
        await day.op.start()
        assert await day.scan() is None
        assert await day.scan() is None
        assert day.wiring.journal.orders(), "the trader placed its order while the alerts hung"
        report = await day.wiring.alerts.aclose(deadline_s=0.5)
        assert report.unsent >= 1
        receiver.hold.set()
        await day.wiring.aclose()
