"""Simulator figures: listing 2,000 tennis markets, signed order round trips, a 1,000-market page."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

import httpx
from rich.console import Console
from rich.table import Table

from courtside.domain.clock import ManualClock
from courtside.kalshi.auth import auth_headers
from courtside.sim import catalog, generator
from courtside.sim.exchange import SimExchange
from courtside.sim.server import SimServer
from courtside.sim.testing import new_rsa_key, public_pem

MATCHES = 1000
ORDERS = 200


def _timed(fn: Callable[[], object]) -> float:
    began = time.perf_counter()
    fn()
    return time.perf_counter() - began


def main() -> None:
    rows: list[tuple[str, str]] = []
    now = datetime(2026, 9, 1, 12, tzinfo=UTC)
    ex = SimExchange(ManualClock(now), seed=1)
    maker = ex.add_user({3: Decimal("100000000")}).user_id
    slate = generator.random_matches(MATCHES, now, seed=1)
    bundle = generator.build_bundle(slate, maker, now, seed=1)
    elapsed = _timed(lambda: catalog.apply_bundle(ex, bundle))
    rows.append(
        (
            f"in-process: list {len(bundle['markets'])} markets + {len(bundle['orders'])} orders",
            f"{elapsed:.2f} s",
        )
    )
    key = new_rsa_key()
    with SimServer(seed=1) as server, httpx.Client(timeout=60) as http:
        control = server.control
        mm = control.add_user(None, None, {3: "100000000"})
        control.add_user("bench", public_pem(key), {3: "1000000"})
        bundle = generator.build_bundle(
            generator.random_matches(MATCHES, server.exchange.now(), seed=2),
            mm,
            server.exchange.now(),
            seed=2,
        )
        elapsed = _timed(lambda: control.bulk(bundle))
        rows.append(
            (
                f"HTTP /_sim/bulk: {len(bundle['markets'])} markets + {len(bundle['orders'])} orders",
                f"{elapsed:.2f} s",
            )
        )
        elapsed = _timed(
            lambda: http.get(server.base_url + "/markets", params={"limit": 1000}).raise_for_status()
        )
        rows.append(("GET /markets?limit=1000", f"{elapsed * 1000:.0f} ms"))
        ticker = bundle["markets"][0]["ticker"]
        url = server.base_url + "/portfolio/events/orders"
        body = {
            "ticker": ticker,
            "side": "bid",
            "count": "1",
            "price": "0.0100",
            "time_in_force": "good_till_canceled",
            "self_trade_prevention_type": "taker_at_cross",
        }

        def place() -> None:
            for _ in range(ORDERS):
                headers = auth_headers("bench", key, "POST", url, time.time_ns() // 1_000_000)
                http.post(url, json=body, headers=headers).raise_for_status()

        elapsed = _timed(place)
        rows.append(
            (
                f"signed V2 create, {ORDERS} sequential (RSA sign + verify)",
                f"{elapsed / ORDERS * 1000:.1f} ms each, {ORDERS / elapsed:.0f}/s",
            )
        )
    table = Table(title="courtside.sim")
    table.add_column("measure")
    table.add_column("figure", justify="right")
    for row in rows:
        table.add_row(*row)
    Console().print(table)


if __name__ == "__main__":
    main()
