"""Full scan of 2,000 simulated tennis markets over loopback, and WS delta latency sim -> local book.

Prints requests, pages and wall time of the scan the trader makes: `GET /markets?status=open`
(limit 1000, every page), the batch order books of every market (`GET /markets/orderbooks`,
100 tickers a call), and the per-series `GET /events?with_nested_markets=true` walk. The client
runs as shipped, with its Basic-tier read bucket (20 reads/s) pacing the calls.

Then the WebSocket figure: for each of 200 book changes, the time from the simulator emitting
the delta (its matching engine's event, in this process) to the client's LocalBook holding it
(the BookUpdated event), p50 and p95. A second line gives the whole round trip from the test's
order call (HTTP /_sim/orders) to the book update, for comparison.
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.parse import parse_market
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.ws import KalshiWebSocket
from courtside.kalshi.ws_events import BookUpdated
from courtside.sim.events import BookDelta
from courtside.sim.generator import MATCH_SERIES, build_bundle, random_matches
from courtside.sim.server import SimServer
from courtside.sim.testing import SimSession, new_rsa_key, prepare_session, write_private_pem

MATCHES = 1000  # two markets each
WS_SAMPLES = 200


async def scan(s: SimSession, table: Table) -> list[str]:
    async with KalshiClient(s.base_url) as c:
        t0 = time.perf_counter()
        pages, markets = 0, []
        async for items in c.http.pages("markets", {"status": "open", "limit": 1000}, "markets"):
            pages += 1
            markets += [parse_market(m) for m in items]
        wall = time.perf_counter() - t0
        table.add_row(
            "GET /markets status=open",
            f"{len(markets)} markets",
            str(c.http.requests_sent),
            str(pages),
            ms(wall),
        )
        tickers = [m.ticker for m in markets]
        sent, t0 = c.http.requests_sent, time.perf_counter()
        books = await c.get_orderbooks(tickers)
        wall = time.perf_counter() - t0
        calls = c.http.requests_sent - sent
        table.add_row("GET /markets/orderbooks x100", f"{len(books)} books", str(calls), str(calls), ms(wall))
        sent, t0, events = c.http.requests_sent, time.perf_counter(), 0
        for series in MATCH_SERIES:
            events += len(await c.get_events(series_ticker=series, status="open", with_nested_markets=True))
        wall = time.perf_counter() - t0
        calls = c.http.requests_sent - sent
        table.add_row("GET /events nested, 6 series", f"{events} events", str(calls), str(calls), ms(wall))
    return tickers


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


async def ws_latency(s: SimSession, tickers: list[str]) -> tuple[list[float], list[float]]:
    """(emit -> book, order call -> book) in seconds, one pair per delta."""
    emitted: dict[tuple[str, Decimal], float] = {}

    def on_event(event: object) -> None:
        if isinstance(event, BookDelta):
            emitted[(event.ticker, event.price)] = time.perf_counter()

    s.exchange.add_listener(on_event)
    auth = KalshiAuth(s.key_id, s.private_key)
    to_book: list[float] = []
    round_trip: list[float] = []
    try:
        async with KalshiWebSocket(s.base_url, headers=auth.ws_headers) as ws:
            await ws.subscribe(["orderbook_delta"], tickers[:50])
            events = ws.events()
            while any(ws.is_stale(t) for t in tickers[:50]):
                await anext(events)
            for i in range(WS_SAMPLES):
                ticker, price = tickers[i % 50], Decimal(f"0.{10 + i % 20:02d}")
                emitted.pop((ticker, price), None)
                start = time.perf_counter()
                task = asyncio.ensure_future(asyncio.to_thread(place, s, ticker, price))
                async for event in events:
                    if isinstance(event, BookUpdated) and event.ticker == ticker and not event.snapshot:
                        seen = time.perf_counter()
                        to_book.append(seen - emitted[(ticker, price)])
                        round_trip.append(seen - start)
                        break
                await task
    finally:
        s.exchange.remove_listener(on_event)
    return to_book, round_trip


def place(s: SimSession, ticker: str, price: Decimal) -> None:
    s.control.order(
        s.mm_user_id,
        ticker=ticker,
        side="bid",
        price=str(price),
        count="1",
        time_in_force="good_till_canceled",
        self_trade_prevention_type="maker",
    )


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
        for col in ("call", "items", "requests", "pages", "wall"):
            table.add_column(col)
        tickers = asyncio.run(scan(s, table))
        console.print(table)
        to_book, round_trip = asyncio.run(ws_latency(s, tickers))
    for label, samples in (
        ("WS delta, simulator emit -> client's book", to_book),
        ("order call (HTTP /_sim/orders) -> client's book", round_trip),
    ):
        q = statistics.quantiles(samples, n=20)
        console.print(
            f"{label} ({len(samples)} deltas): "
            f"p50 {statistics.median(samples) * 1000:.2f} ms, p95 {q[18] * 1000:.2f} ms"
        )


if __name__ == "__main__":
    main()
