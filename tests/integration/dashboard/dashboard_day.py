"""The `day` fixture's world: a journal the trader wrote against the simulator (an order resting, a
fill), and the dashboard's application over it, reached through httpx as from loopback or elsewhere."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).parents[1] / "trader"))
from trader_sim import Harness, specs

from courtside.app.control import Exchange
from courtside.dashboard.app import Site, create_app
from courtside.dashboard.serve import site_for
from courtside.sim.generator import Liquidity, build_bundle

TOKEN = "the-owners-dashboard-token-0123456789"


@dataclass
class Day:
    """The harness after a short live day: one order resting, partly filled."""

    h: Harness
    site: Site

    def client(self, host: str = "127.0.0.1") -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=create_app(self.site), client=(host, 51000))
        return httpx.AsyncClient(transport=transport, base_url="http://dashboard")


async def trade_a_little(h: Harness) -> None:
    """Two live scans: the mispriced match is bought (a maker order rests), then partly filled."""
    w = h.wire(live=True, confirm_live=True)
    try:
        await w.trader.scan()
        order = w.journal.orders()[0]
        h.sim.control.order(
            h.sim.mm_user_id, ticker=order.ticker, side="ask", price=str(order.yes_price), count="4"
        )
        await w.trader.scan()
    finally:
        await w.aclose()


async def make_day(sim_server: Any, tmp_path: Path) -> Day:
    now = sim_server.exchange.now()
    sim_server.control.bulk(
        build_bundle(specs(now), sim_server.mm_user_id, now, seed=3, liquidity=Liquidity(noise=0.0))
    )
    h = Harness(sim_server, tmp_path)
    await trade_a_little(h)
    s = h.settings(live=True, confirm_live=True)
    return Day(h, site_for(s, token=TOKEN, via=Exchange(auth=h.auth)))
