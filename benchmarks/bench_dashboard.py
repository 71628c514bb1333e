"""The dashboard's figures (issue 12): page load time and size in headless Chromium, the time from a fill
to its alert on a loopback webhook, and what the page costs the trader per scan.

    .venv/bin/python benchmarks/bench_dashboard.py [--loads 20] [--scans 30]

A simulator on loopback, a live trader with two matches (one order resting, then filled), the dashboard
beside it in its own thread (as `trade --dashboard`), a webhook receiver on 127.0.0.1. Prints one line
per figure; nothing is asserted (these are measurements, not tests)."""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from pathlib import Path
from tempfile import TemporaryDirectory

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "integration" / "trader"))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from trader_sim import FixedModel, Harness, registry, specs

from alert_receiver import Receiver, receiving
from browser import FLAGS, chromium_path
from courtside.app.control import Exchange
from courtside.app.operator import Operator
from courtside.app.wiring import build
from courtside.dashboard.serve import Beside, site_for
from courtside.sim.generator import Liquidity, build_bundle
from courtside.sim.server import SimServer
from courtside.sim.testing import new_rsa_key, prepare_session, write_private_pem


def pct(values: list[float], q: float) -> float:
    return sorted(values)[min(len(values) - 1, int(q * len(values)))]


def page_loads(url: str, loads: int) -> None:
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        print("page load: skipped (no chromium)")
        return
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=FLAGS)
        page = browser.new_page()
        times, sizes = [], []
        for _ in range(loads):
            page.goto(url, wait_until="load")
            timing = page.evaluate(
                "() => { const n = performance.getEntriesByType('navigation')[0];"
                " const r = performance.getEntriesByType('resource');"
                " return [n.loadEventEnd - n.startTime,"
                " n.decodedBodySize + r.reduce((a, e) => a + e.decodedBodySize, 0)]; }"
            )
            times.append(float(timing[0]))
            sizes.append(float(timing[1]))
        browser.close()
    print(
        f"page load (Chromium, loopback, {loads} loads): p50 {statistics.median(times):.0f} ms, "
        f"p95 {pct(times, 0.95):.0f} ms; size {statistics.median(sizes) / 1024:.1f} KiB "
        "(HTML + CSS + JS + icon, uncompressed)"
    )


def hammer(url: str, stop: threading.Event, counter: list[int]) -> None:
    """A reader that never rests: the page and the API, back to back."""
    with httpx.Client() as client:
        while not stop.is_set():
            client.get(f"{url}/")
            client.get(f"{url}/api/book")
            counter[0] += 2


async def scan_times(h: Harness, scans: int) -> list[float]:
    w = h.wire(live=True, confirm_live=True)
    out = []
    try:
        for _ in range(scans):
            t = time.perf_counter()
            await w.trader.scan()
            out.append((time.perf_counter() - t) * 1000)
    finally:
        await w.aclose()
    return out


def _fills(receiver: Receiver) -> int:
    return sum("alert: order_filled" in p["message"] for p in list(receiver.payloads))


async def fill_to_alert(h: Harness, receiver: Receiver, n: int) -> list[tuple[float, float]]:
    """(scan end -> alert received, fill on the exchange -> alert received) in ms, for n fills; the
    arrival is seen by polling the receiver every millisecond."""
    s = h.settings(live=True, confirm_live=True, alerts=receiver.url)
    w = build(s, predictor=FixedModel(), resolver=registry(), auth=h.auth)
    op = Operator(s, w.trader, w.alerts, w.clock, "bench", Exchange(auth=h.auth))
    await op.start()
    out = []
    try:
        await w.trader.scan()
        op.scanned(None)
        (order,) = w.journal.orders(statuses=("resting",))
        for _ in range(n):
            before = _fills(receiver)
            t_fill = time.perf_counter()
            h.sim.control.order(
                h.sim.mm_user_id, ticker=order.ticker, side="ask", price=str(order.yes_price), count="1"
            )
            await w.trader.scan()
            t_scan = time.perf_counter()
            op.scanned(None)
            while _fills(receiver) == before:
                await asyncio.sleep(0.001)
            t_alert = time.perf_counter()
            out.append(((t_alert - t_scan) * 1000, (t_alert - t_fill) * 1000))
    finally:
        await op.stop("bench over")
        await w.aclose()
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--loads", type=int, default=20)
    ap.add_argument("--scans", type=int, default=30)
    args = ap.parse_args()
    key = new_rsa_key()
    with TemporaryDirectory() as tmp_name, SimServer(seed=0) as server:
        tmp = Path(tmp_name)
        sim = prepare_session(server, key, write_private_pem(key, tmp / "k.pem"), new_rsa_key())
        now = server.exchange.now()
        sim.control.bulk(
            build_bundle(specs(now), sim.mm_user_id, now, seed=3, liquidity=Liquidity(noise=0.0))
        )
        h = Harness(sim, tmp)
        with receiving() as receiver:
            lat = asyncio.run(fill_to_alert(h, receiver, 5))
        print(
            "fill -> alert on loopback (json:// webhook, 5 fills): scan that journals it ends -> alert "
            f"p50 {statistics.median(a for a, _ in lat):.1f} ms; fill on the exchange -> alert "
            f"(incl. that scan) p50 {statistics.median(b for _, b in lat):.1f} ms; plus up to one "
            "--scan-interval until the scan"
        )
        page = Beside(site_for(h.settings(live=True, confirm_live=True)), port=0)
        page.start()
        url = f"http://127.0.0.1:{page.port}"
        page_loads(f"{url}/?mode=live", args.loads)
        quiet = asyncio.run(scan_times(h, args.scans))
        stop, counter = threading.Event(), [0]
        reader = threading.Thread(target=hammer, args=(url, stop, counter), daemon=True)
        reader.start()
        busy = asyncio.run(scan_times(h, args.scans))
        stop.set()
        reader.join()
        page.stop()
    print(
        f"scan with nobody reading the page: p50 {statistics.median(quiet):.1f} ms; with a reader loading "
        f"the page and the API back to back ({counter[0]} requests): p50 {statistics.median(busy):.1f} ms "
        f"({args.scans} scans each)"
    )


if __name__ == "__main__":
    main()
