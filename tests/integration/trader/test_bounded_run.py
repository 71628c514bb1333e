"""The trader at the edges of a run (issue 13, item 4): a kill or a stop issued mid-scan holds from the
next order on, not the next scan; a start that finds the exchange down waits and retries like a failed
scan, in the loop and in --stream."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from trader_sim import until

from courtside.app.config import load_settings
from courtside.app.run import Overrides, run_trade
from courtside.app.stream import run_stream
from courtside.app.trader import AutoTrader
from courtside.app.wiring import Wiring, build
from courtside.domain.errors import NetworkError
from courtside.domain.orders import OrderAck, OrderRequest
from courtside.domain.tennis import Tour
from courtside.kalshi.ws import KalshiWebSocket
from courtside.sim.generator import MatchSpec
from courtside.venue.port import Venue
from tampering import BASE, PinnedModel, SimDay, registry_of

SURNAMES = ("Zverev", "Draper", "Sinner", "Alcaraz", "Rune")
OPPONENTS = ("Karen Khachanov", "Casper Ruud", "Taylor Fritz", "Daniil Medvedev", "Tommy Paul")
FIRSTS = ("Alexander", "Jack", "Jannik", "Carlos", "Holger")


def _five(now: datetime) -> list[MatchSpec]:
    """Five matches the model prices at 0.72 against a 0.55 market: five orders in one scan."""
    names = zip(FIRSTS, SURNAMES, OPPONENTS, strict=True)
    comp, rnd = "US Open Men Singles", "Round Of 16"
    return [
        MatchSpec(f"{a} {b}", opp, Tour.ATP, comp, rnd, now + timedelta(hours=5 + i), 0.55, title_style="new")
        for i, (a, b, opp) in enumerate(names)
    ]


def _wire(day: SimDay, tmp: Path, **flags: Any) -> Wiring:
    settings = load_settings(
        None,
        env=BASE,
        db=f"sqlite:///{tmp / 'journal.db'}",
        min_volume="0",
        kill_file=tmp / "KILL",
        **flags,
    )
    model = PinnedModel(dict.fromkeys(SURNAMES, 0.72))
    players = registry_of(day.specs)
    return build(settings, transport=day.transport, predictor=model, resolver=players, auth=day.auth)


class StopAfterFirstOrder:
    """The venue, with someone issuing a stop (as `courtside kill` does, from another shell) as soon as the
    scan's first order is placed."""

    def __init__(self, venue: Venue, stop: Any) -> None:
        self.venue = venue
        self.stop = stop

    def __getattr__(self, name: str) -> Any:
        return getattr(self.venue, name)

    async def place(self, req: OrderRequest, *, again: bool = False) -> OrderAck:
        ack = await self.venue.place(req, again=again)
        self.stop()
        return ack


@pytest.mark.parametrize("how", ["kill file", "journal state"])
async def test_a_stop_issued_mid_scan_holds_from_the_next_order(tmp_path: Path, how: str) -> None:
    day = SimDay.listing(_five)
    w = _wire(day, tmp_path, live=True, confirm_live=True)
    kill_file = tmp_path / "KILL"

    def stop() -> None:
        if how == "kill file":
            kill_file.write_text("killed mid-scan\n")
        else:
            w.journal.set_state("REDUCING", "stopped mid-scan", w.clock.now())

    old, venue = w.trader, StopAfterFirstOrder(w.venue, stop)
    trader = AutoTrader(old.cfg, venue, w.journal, old.predictor, old.identifier, w.clock)
    try:
        report = await trader.scan()
    finally:
        await w.aclose()
    assert report.orders == 1
    mine = [o for o in day.exchange.orders.values() if o.user_id == day.trader_user_id]
    assert len(mine) == 1  # the exchange got one order, not five
    refused = [d for d in w.journal.decisions() if d.decision == "refused"]
    assert len(refused) == 4
    want = f"kill switch {kill_file} is present" if how == "kill file" else "trading REDUCING"
    assert all(want in d.reasons for d in refused)


class DownFirst(httpx.AsyncBaseTransport):
    """The exchange answers 503 to its first `n` requests, then normally."""

    def __init__(self, inner: httpx.AsyncBaseTransport, n: int) -> None:
        self.inner = inner
        self.left = n

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.left > 0:
            self.left -= 1
            return httpx.Response(503, json={"error": {"code": "service_unavailable", "message": "down"}})
        return await self.inner.handle_async_request(request)


async def test_a_loop_started_while_the_exchange_is_down_waits_and_trades_when_it_is_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    day = SimDay.listing(lambda now: _five(now)[:1])
    settings = load_settings(
        None, env=BASE, db=f"sqlite:///{tmp_path / 'j.db'}", min_volume="0", kill_file=tmp_path / "KILL",
        scan_interval=1.0,
    )  # fmt: skip
    down = DownFirst(day.transport, 5)  # every attempt of the first scan's first request
    ov = Overrides(PinnedModel({"Zverev": 0.72}), registry_of(day.specs), transport=down)
    caplog.set_level(logging.INFO, logger="courtside")
    assert await run_trade(settings, ov, max_scans=2) == 2
    assert "scan failed, will retry next interval" in caplog.text
    assert "scan 2 done: 1 trades placed" in caplog.text


async def test_a_stream_started_while_the_exchange_is_down_waits_and_trades_when_it_is_back(
    harness: Any,
) -> None:
    """The first scan fails (GET /exchange/status answers 503) and the first WebSocket handshake is
    refused: the stream waits an interval and tries both again, as the loop does."""
    w = harness.wire(min_ev="0.02", min_value="0.02")
    harness.sim.control.fault(status=503, count=5, path_regex="exchange/status")
    attempts: list[str] = []

    @contextlib.asynccontextmanager
    async def refused() -> Any:
        raise NetworkError("websocket handshake failed (503)")
        yield

    def connect() -> Any:
        attempts.append("connect")
        if len(attempts) == 1:
            return refused()
        return KalshiWebSocket(w.client.endpoints, headers=harness.auth.ws_headers)

    stream = asyncio.create_task(run_stream(w.trader, connect, interval=0.5, max_seconds=120.0))
    try:
        await until(lambda: len(attempts) >= 2 and any(r.status == "resting" for r in w.journal.orders()))
    finally:
        stream.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await stream
        await w.aclose()
    assert stream.cancelled()  # stopped when asked, not run on to max_seconds (a lost cancellation)
