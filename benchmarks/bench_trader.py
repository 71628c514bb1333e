"""AutoTrader figures on the simulator (loopback HTTP + WebSocket):

1. one dry-run scan of 400 markets (200 matches): requests sent and wall time;
2. WebSocket book change -> order submitted, p50 / p95 over a series of book changes (live, --stream):
   end to end (the maker's cancel sent -> the trader's order POST sent) and inside the trader (the
   orderbook_delta handed to the trader -> the order POST sent).

The model is replaced by a fixed probability per match so the figures time the trader, not the model.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from courtside.app.config import load_settings
from courtside.app.stream import run_stream
from courtside.app.wiring import build
from courtside.data.registry import PlayerRegistry
from courtside.domain.orders import OrderAck, OrderRequest
from courtside.domain.tennis import MatchContext, PlayerRef, Prediction, Tour
from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.venue import KalshiVenue
from courtside.kalshi.ws import KalshiWebSocket
from courtside.kalshi.ws_events import BookUpdated, WsEvent
from courtside.sim import players
from courtside.sim.generator import Liquidity, MatchSpec, build_bundle, random_matches
from courtside.sim.server import SimServer
from courtside.sim.testing import new_rsa_key, prepare_session, write_private_pem


class Even:
    """P = 0.5 for every match: the benchmark times the trader, not the model."""

    def predict(self, a: PlayerRef, b: PlayerRef, ctx: MatchContext) -> Prediction:
        return Prediction(0.5, {}, "even")


def registry() -> PlayerRegistry:
    names = [
        *((Tour.ATP, n) for n in players.pool(Tour.ATP)),
        *((Tour.WTA, n) for n in players.pool(Tour.WTA)),
    ]
    rows = []
    for i, (tour, name) in enumerate(names):
        first, _, last = name.partition(" ")
        rows.append({"key": f"{tour.value}:{i}", "name_first": first, "name_last": last})
    return PlayerRegistry.from_records(rows)


def _settings(tmp: Path, url: str, **kw: Any) -> Any:
    base = {
        "env": url,
        "db": f"sqlite:///{tmp / 'bench.db'}",
        "min_volume": "0",
        "kill_file": tmp / "KILL",
        "log_file": tmp / "bench.log",
    }
    return load_settings(None, **{**base, **kw})


@dataclass
class ScanFigures:
    listed: int  # match-winner markets listed
    priced: int  # markets of the matches the scan priced (both markets each)
    requests: int
    wall: float


async def scan_figures(session: Any, tmp: Path) -> ScanFigures:
    """200 matches (400 markets) plus distractor series, one dry-run scan after the start-up reconcile."""
    now = session.exchange.now()
    matches = random_matches(200, now, seed=1)
    session.control.bulk(build_bundle(matches, session.mm_user_id, now, seed=1, distractors=20))
    w = build(_settings(tmp, session.base_url), predictor=Even(), resolver=registry())
    try:
        await w.trader.reconcile()
        before = w.client.http.requests_sent
        t0 = time.perf_counter()
        report = await w.trader.scan()
        wall = time.perf_counter() - t0
        priced = sum(2 for item in report.items if item.p_model is not None)
        return ScanFigures(2 * len(matches), priced, w.client.http.requests_sent - before, wall)
    finally:
        await w.aclose()


async def _pull_best_bid(session: Any, ticker: str) -> float:
    auth = KalshiAuth(session.mm_key_id, session.mm_private_key)
    async with KalshiClient(session.base_url, auth=auth) as mm:
        bids = [o for o in await mm.get_orders(ticker=ticker, status="resting") if o.side.value == "bid"]
        best = max(bids, key=lambda o: o.yes_price)
        t = time.perf_counter()
        await mm.cancel_order(best.order_id, market_ticker=ticker)
        return t


class TimedWebSocket(KalshiWebSocket):
    """The trader's own WebSocket client; notes when each book change is handed to the trader."""

    def __init__(self, *args: Any, delivered: dict[str, float], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.delivered = delivered

    def events(self) -> Any:
        inner, delivered = super().events(), self.delivered

        class Stamped:
            def __aiter__(self) -> Any:
                return self

            async def __anext__(self) -> WsEvent:
                event = await inner.__anext__()
                if isinstance(event, BookUpdated):
                    delivered.setdefault(event.ticker.rsplit("-", 1)[0], time.perf_counter())
                return event

        return Stamped()


@dataclass
class Latency:
    attempted: int
    end_to_end: list[float]  # ms, maker's cancel sent -> order POST sent
    in_trader: list[float]  # ms, delta handed to the trader -> order POST sent


async def latency_figures(session: Any, tmp: Path, n: int = 20) -> Latency:
    """Per match: the maker pulls its best bid, which opens a 2-cent edge the trader takes."""
    session.control.reset()
    key = new_rsa_key()
    session = prepare_session(
        session.server, key, write_private_pem(key, tmp / "k2.pem"), session.mm_private_key
    )
    now = session.exchange.now()
    pool = players.pool(Tour.ATP)
    specs = [
        MatchSpec(
            pool[2 * i],
            pool[2 * i + 1],
            Tour.ATP,
            "US Open Men Singles",
            "Round Of 32",
            now + timedelta(hours=6),
            0.5,
        )
        for i in range(n)
    ]
    session.control.bulk(build_bundle(specs, session.mm_user_id, now, seed=2, liquidity=Liquidity(noise=0.0)))
    w = build(
        _settings(
            tmp,
            session.base_url,
            live=True,
            confirm_live=True,
            min_ev="0.02",
            min_value="0.02",
            db=f"sqlite:///{tmp / 'lat.db'}",
            max_orders_per_scan=1000,
        ),
        predictor=Even(),
        resolver=registry(),
        auth=KalshiAuth(session.key_id, session.private_key),
    )
    sent: dict[str, float] = {}

    class Timed(KalshiVenue):
        async def place(self, req: OrderRequest, *, again: bool = False) -> OrderAck:
            sent[req.ticker.rsplit("-", 1)[0]] = time.perf_counter()  # the moment the POST is submitted
            return await super().place(req, again=again)

    w.trader.executor.venue = Timed(w.client)
    changed: dict[str, float] = {}
    delivered: dict[str, float] = {}

    async def changes() -> None:
        await asyncio.sleep(1.0)
        for ticker in [t for t in w.trader.watched_tickers if not t.endswith(tuple("0123456789"))][::2][:n]:
            event = ticker.rsplit("-", 1)[0]
            delivered.pop(event, None)  # only the deltas that follow the change count
            changed[event] = await _pull_best_bid(session, ticker)
            await asyncio.sleep(0.1)

    def connect() -> KalshiWebSocket:
        auth = KalshiAuth(session.key_id, session.private_key)
        return TimedWebSocket(w.client.endpoints, headers=auth.ws_headers, delivered=delivered)

    try:
        task = asyncio.create_task(changes())
        await run_stream(w.trader, connect, interval=600.0, max_seconds=1.0 + n * 0.15 + 2.0)
        await task
    finally:
        await w.aclose()
    done = [e for e in changed if e in sent]
    return Latency(
        len(changed),
        [(sent[e] - changed[e]) * 1000 for e in done],
        [(sent[e] - delivered[e]) * 1000 for e in done if e in delivered],
    )


def _quantiles(values: list[float]) -> tuple[float, float]:
    """(p50, p95) in the same units; p95 by the 'inclusive' method so small samples stay in range."""
    if len(values) == 1:
        return values[0], values[0]
    q = statistics.quantiles(values, n=20, method="inclusive")
    return statistics.median(values), q[18]


async def main() -> None:
    console = Console()
    with tempfile.TemporaryDirectory() as d, SimServer(seed=0) as server:
        tmp = Path(d)
        key = new_rsa_key()
        session = prepare_session(server, key, write_private_pem(key, tmp / "k.pem"), new_rsa_key())
        scan = await scan_figures(session, tmp)
        lat = await latency_figures(session, tmp)
    table = Table("figure", "value", title="bench_trader")
    table.add_row("match-winner markets listed (plus distractor series)", str(scan.listed))
    table.add_row("markets priced in one dry-run scan", str(scan.priced))
    table.add_row("HTTP requests in that scan", str(scan.requests))
    table.add_row("scan wall time", f"{scan.wall:.2f} s")
    table.add_row("book changes made / orders submitted", f"{lat.attempted} / {len(lat.end_to_end)}")
    for label, values in (("end to end", lat.end_to_end), ("inside the trader", lat.in_trader)):
        if values:
            p50, p95 = _quantiles(values)
            table.add_row(f"book change -> order submitted, {label}", f"p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    console.print(table)


if __name__ == "__main__":
    asyncio.run(main())
