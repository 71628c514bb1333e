"""Match start -> cancel of our resting order, p50 / p95, on the simulator over loopback (live mode):

- --stream: the live data flips to `live` (picked up by the stream's live-data poll, every 0.5 s),
  or, for a match whose live data the exchange withholds, the first in-play print (the `trade`
  channel);
- polling (`trade` without --stream): the same two starts, seen by the next scan (live data, or
  GET /markets/trades for a match without it). Scans every SCAN_INTERVAL seconds here; the figure
  grows with --scan-interval (about half of it on average, plus one scan).

The start is timed from just before the simulator is told (the control request), the cancel when the
exchange processes it (a listener inside the simulator): the figures are what an in-play order is
exposed for. Every match has one resting maker order; matches start one at a time at random gaps.

    .venv/bin/python benchmarks/bench_start_cancel.py
"""

from __future__ import annotations

import asyncio
import logging
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from rich.console import Console
from rich.table import Table

from courtside.app.settings import load_settings
from courtside.app.stream import run_stream
from courtside.app.wiring import Wiring, build
from courtside.data.registry import PlayerRegistry
from courtside.domain.orders import OrderStatus
from courtside.domain.tennis import MatchContext, PlayerRef, Prediction, Tour
from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.ws import KalshiWebSocket
from courtside.sim import players
from courtside.sim.events import OrderEvent, SimEvent
from courtside.sim.generator import Liquidity, MatchSpec, build_bundle
from courtside.sim.server import SimServer
from courtside.sim.testing import SimSession, new_rsa_key, prepare_session, write_private_pem

N = 20  # matches per figure
SCAN_INTERVAL = 5.0  # seconds between scans in the polling figures
GAP = (0.3, 0.9)  # seconds between two starts


class Likes:
    """P(A) = 0.65 against markets at 0.50: every match gets a resting maker order on A."""

    def predict(self, a: PlayerRef, b: PlayerRef, ctx: MatchContext) -> Prediction:
        return Prediction(0.65, {}, "likes-a")


def _registry(names: list[str]) -> PlayerRegistry:
    rows = [{"key": f"atp:{i}", "name_first": n.partition(" ")[0], "name_last": n.partition(" ")[2]}
            for i, n in enumerate(names)]  # fmt: skip
    return PlayerRegistry.from_records(rows)


def _session(server: SimServer, tmp: Path) -> tuple[SimSession, PlayerRegistry, list[str]]:
    key = new_rsa_key()
    session = prepare_session(
        server, key, write_private_pem(key, tmp / "k.pem"), new_rsa_key(),
        trader_balances={0: Decimal(0), 3: Decimal(100000)},
    )  # fmt: skip
    now = session.exchange.now()
    pool = players.pool(Tour.ATP)[: 2 * N]
    specs = [MatchSpec(pool[2 * i], pool[2 * i + 1], Tour.ATP, "US Open Men Singles", "Round Of 32",
                       now + timedelta(hours=6), 0.5) for i in range(N)]  # fmt: skip
    bundle = build_bundle(specs, session.mm_user_id, now, seed=2, liquidity=Liquidity(noise=0.0))
    session.control.bulk(bundle)
    return session, _registry(pool), [e["event_ticker"] for e in bundle["events"]]


def _wire(session: SimSession, tmp: Path, reg: PlayerRegistry, name: str) -> Wiring:
    settings = load_settings(
        None,
        env=session.base_url,
        db=f"sqlite:///{tmp / f'{name}.db'}",
        log_file=tmp / f"{name}.log",
        kill_file=tmp / "KILL",
        live=True,
        confirm_live=True,
        min_volume="0",
        max_orders_per_scan=1000,
        max_exposure="100000",
        max_match_fraction="0.5",
    )
    return build(
        settings, predictor=Likes(), resolver=reg, auth=KalshiAuth(session.key_id, session.private_key)
    )


class Cancels:
    """Inside the simulator: when each of the trader's orders is cancelled, by event."""

    def __init__(self, session: SimSession) -> None:
        self.user = session.user_id
        self.at: dict[str, float] = {}

    def __call__(self, event: SimEvent) -> None:
        order = event.order if isinstance(event, OrderEvent) else None
        if order is not None and order.user_id == self.user and order.status is OrderStatus.CANCELED:
            self.at.setdefault(order.ticker.rsplit("-", 1)[0], time.perf_counter())


Start = Callable[[SimSession, str], None]


def by_live_data(session: SimSession, event: str) -> None:
    session.control.start_match(event)


def by_first_print(session: SimSession, event: str) -> None:
    """No live data for it; the first in-play print is 20 cents off the pre-match price."""
    session.control.start_match(event, live_data=False)
    ticker = next(m for m in session.exchange.events[event].market_tickers)
    session.control.print_trade(ticker, "0.70", 20)


async def _starts(
    session: SimSession, events: list[str], start: Start, rng: random.Random
) -> dict[str, float]:
    started: dict[str, float] = {}
    for event in events:
        await asyncio.sleep(rng.uniform(*GAP))
        started[event] = time.perf_counter()
        await asyncio.to_thread(start, session, event)
    return started


async def _resting(w: Wiring, n: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while len(await w.venue.orders(status=OrderStatus.RESTING)) < n:
        assert time.monotonic() < deadline, "the orders did not come to rest"
        await asyncio.sleep(0.2)


async def measure(server: SimServer, tmp: Path, start: Start, stream: bool, seed: int) -> list[float]:
    """ms from each start to the cancel of that match's order."""
    session, reg, events = _session(server, tmp)
    cancels = Cancels(session)
    session.exchange.add_listener(cancels)
    w = _wire(session, tmp, reg, f"{'stream' if stream else 'poll'}-{start.__name__}")
    auth = KalshiAuth(session.key_id, session.private_key)

    def connect() -> KalshiWebSocket:
        return KalshiWebSocket(w.client.endpoints, headers=auth.ws_headers)

    runner = (
        run_stream(w.trader, connect, interval=600.0)
        if stream
        else w.trader.run(interval=SCAN_INTERVAL, once=False)
    )
    task = asyncio.create_task(runner)
    try:
        await _resting(w, N)
        started = await _starts(session, events, start, random.Random(seed))
        deadline = time.monotonic() + SCAN_INTERVAL * 3 + 10
        while len(cancels.at) < N and time.monotonic() < deadline:
            await asyncio.sleep(0.1)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await w.aclose()
        session.exchange.remove_listener(cancels)
    return [(cancels.at[e] - started[e]) * 1000 for e in events if e in cancels.at]


def _quantiles(values: list[float]) -> tuple[float, float]:
    q = statistics.quantiles(values, n=20, method="inclusive")
    return statistics.median(values), q[18]


@dataclass
class Row:
    label: str
    values: list[float]


async def main() -> None:
    logging.getLogger("courtside").setLevel(logging.ERROR)  # the stops' warnings are the point, not output
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as d, SimServer(seed=0) as server:
        tmp = Path(d)
        for i, (stream, start) in enumerate(
            [(True, by_live_data), (True, by_first_print), (False, by_live_data), (False, by_first_print)]
        ):
            mode = "--stream" if stream else f"polling, scan every {SCAN_INTERVAL:.0f} s"
            what = "live data" if start is by_live_data else "first in-play print"
            rows.append(Row(f"{mode}: start by {what}", await measure(server, tmp, start, stream, seed=i)))
    table = Table("start -> cancel", "cancelled / started", "p50", "p95", "max", title="bench_start_cancel")
    for row in rows:
        p50, p95 = _quantiles(row.values) if len(row.values) > 1 else (float("nan"), float("nan"))
        top = max(row.values, default=float("nan"))
        table.add_row(
            row.label, f"{len(row.values)} / {N}", f"{p50:.0f} ms", f"{p95:.0f} ms", f"{top:.0f} ms"
        )
    Console().print(table)


if __name__ == "__main__":
    asyncio.run(main())
