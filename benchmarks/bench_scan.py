"""Full scan of 2,000 simulated tennis markets over loopback, and WS delta latency sim -> local book.

Prints: requests, pages and wall time of `GET /markets?status=open` (limit 1000) and of the
per-series `GET /events?with_nested_markets=true` walk; then p50/p95 of the time from an order
hitting the simulator to the client's LocalBook reflecting it.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.ws import KalshiWebSocket
from courtside.kalshi.ws_messages import BookUpdated
from courtside.sim.generator import MATCH_SERIES, build_bundle, random_matches
from courtside.sim.server import SimServer
from courtside.sim.testing import SimSession, new_rsa_key, prepare_session, write_private_pem

MATCHES = 1000  # two markets each
WS_SAMPLES = 200


async def scan(s: SimSession, table: Table) -> list[str]:
    async with KalshiClient(s.base_url) as c:
        t0 = time.perf_counter()
        markets = await c.get_markets(status="open")
        wall = time.perf_counter() - t0
        table.add_row(
            "GET /markets status=open", str(len(markets)), str(c.requests_sent), f"{wall * 1000:.0f} ms"
        )
        sent = c.requests_sent
        t0 = time.perf_counter()
        events = 0
        for series in MATCH_SERIES:
            events += len(await c.get_events(series_ticker=series, status="open", with_nested_markets=True))
        wall = time.perf_counter() - t0
        table.add_row(
            "GET /events nested, 6 series",
            f"{events} events",
            str(c.requests_sent - sent),
            f"{wall * 1000:.0f} ms",
        )
    return [m.ticker for m in markets]


async def ws_latency(s: SimSession, tickers: list[str]) -> list[float]:
    auth = KalshiAuth(s.key_id, s.private_key)
    samples: list[float] = []
    async with KalshiWebSocket(s.base_url, headers=auth.ws_headers) as ws:
        await ws.subscribe(["orderbook_delta"], tickers[:50])
        for i in range(WS_SAMPLES):
            ticker = tickers[i % 50]
            price = f"0.{10 + i % 20:02d}"
            start = time.perf_counter()
            place = asyncio.to_thread(
                s.control.order,
                s.mm_user_id,
                ticker=ticker,
                side="bid",
                price=price,
                count="1",
                time_in_force="good_till_canceled",
                self_trade_prevention_type="maker",
            )
            task = asyncio.ensure_future(place)
            async for event in ws.events():
                if isinstance(event, BookUpdated) and event.ticker == ticker and not event.snapshot:
                    samples.append(time.perf_counter() - start)
                    break
            await task
    return samples


def slate(now: datetime) -> dict[str, Any]:
    """Exactly MATCHES events (2 x MATCHES markets); the generator drops duplicate tickers."""
    bundle = build_bundle(random_matches(MATCHES + MATCHES // 10, now, seed=1), None, now)
    kept = {e["event_ticker"] for e in bundle["events"][:MATCHES]}
    bundle["events"] = bundle["events"][:MATCHES]
    bundle["markets"] = [m for m in bundle["markets"] if m["event_ticker"] in kept]
    return bundle


def main() -> None:
    console = Console()
    key, maker = new_rsa_key(), new_rsa_key()
    with SimServer(seed=0) as server:
        s = prepare_session(server, key, write_private_pem(key, Path(tempfile.mkdtemp()) / "k.pem"), maker)
        now = datetime.now(UTC)
        bundle = slate(now)
        s.control.bulk(bundle)
        table = Table(title=f"scan of {len(bundle['markets'])} simulated markets over loopback")
        for col in ("call", "items", "requests", "wall"):
            table.add_column(col)
        tickers = asyncio.run(scan(s, table))
        console.print(table)
        samples = asyncio.run(ws_latency(s, tickers))
    q = statistics.quantiles(samples, n=20)
    console.print(
        f"WS order -> local book update ({len(samples)} deltas, incl. the /_sim/orders HTTP call): "
        f"p50 {statistics.median(samples) * 1000:.2f} ms, p95 {q[18] * 1000:.2f} ms"
    )


if __name__ == "__main__":
    main()
