"""The trader against the simulator in process: the same composition root (`wiring.build`) and the
same KalshiVenue, with httpx.ASGITransport(sim app) instead of a socket (DESIGN.md: one Venue port,
the simulator reached through the Kalshi adapter over loopback or in process)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import httpx
import pytest
from trader_sim import FixedModel, registry, specs

from courtside.app.config import load_settings
from courtside.app.wiring import build
from courtside.domain.orders import OrderStatus
from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.venue import KalshiVenue
from courtside.sim.app import create_app
from courtside.sim.catalog import apply_bundle, register_user
from courtside.sim.exchange import SimExchange
from courtside.sim.generator import Liquidity, build_bundle
from courtside.sim.testing import MAKER_KEY_ID, TRADER_KEY_ID, new_rsa_key, public_pem
from courtside.venue.paper import PaperVenue

BASE = "http://sim.in-process/trade-api/v2"


@pytest.fixture
def in_process(tmp_path: Path) -> tuple[SimExchange, httpx.ASGITransport, KalshiAuth]:
    """A fresh exchange with the trader's key and a market maker quoting the two test matches."""
    exchange = SimExchange(seed=11)
    trader_key, maker_key = new_rsa_key(), new_rsa_key()
    funds = {"0": "1000", "3": "1000"}
    register_user(
        exchange, {"key_id": TRADER_KEY_ID, "public_key_pem": public_pem(trader_key), "balances": funds}
    )
    maker = register_user(
        exchange,
        {"key_id": MAKER_KEY_ID, "public_key_pem": public_pem(maker_key), "balances": {"3": "1000000"}},
    )
    now = exchange.now()
    apply_bundle(
        exchange, build_bundle(specs(now), maker["user_id"], now, seed=3, liquidity=Liquidity(noise=0.0))
    )
    transport = httpx.ASGITransport(app=create_app(exchange))
    return exchange, transport, KalshiAuth(TRADER_KEY_ID, trader_key)


def _settings(tmp: Path, **flags: object):  # type: ignore[no-untyped-def]
    base = {
        "env": BASE,
        "db": f"sqlite:///{tmp / 'journal.db'}",
        "min_volume": "0",
        "kill_file": tmp / "KILL",
    }
    return load_settings(None, **{**base, **flags})


async def test_a_live_scan_in_process_places_the_seeded_mispricing_once(
    in_process: tuple[SimExchange, httpx.ASGITransport, KalshiAuth], tmp_path: Path
) -> None:
    exchange, transport, auth = in_process
    settings = _settings(tmp_path, live=True, confirm_live=True)
    w = build(settings, transport=transport, predictor=FixedModel(), resolver=registry(), auth=auth)
    try:
        assert isinstance(w.venue, KalshiVenue)
        first = await w.trader.scan()
        second = await w.trader.scan()  # the order rests: the match is held, nothing is sent again
        resting = await w.venue.orders(status=OrderStatus.RESTING)
    finally:
        await w.aclose()
    assert (first.orders, second.orders) == (1, 0)
    (order,) = resting
    assert "ZVE" in order.ticker.rsplit("-", 1)[0]  # Zverev: the model's 0.70 against a 0.55 market
    (row,) = w.journal.orders()
    assert (row.client_order_id, row.order_id, row.status) == (
        order.client_order_id,
        order.order_id,
        "resting",
    )
    mine = [o for o in exchange.orders.values() if o.client_order_id == order.client_order_id]
    assert len(mine) == 1  # the exchange itself holds exactly that one order


async def test_dry_run_in_process_trades_on_paper_and_leaves_the_exchange_untouched(
    in_process: tuple[SimExchange, httpx.ASGITransport, KalshiAuth], tmp_path: Path
) -> None:
    exchange, transport, _auth = in_process
    before = len(exchange.orders)
    w = build(_settings(tmp_path), transport=transport, predictor=FixedModel(), resolver=registry())
    try:
        assert isinstance(w.venue, PaperVenue)
        report = await w.trader.scan()
        paper = await w.venue.orders()
        funds = await w.venue.funds()
    finally:
        await w.aclose()
    assert report.orders == 1
    (order,) = paper
    assert order.order_id.startswith("paper-")
    assert len(exchange.orders) == before  # no order reached the exchange
    assert funds.cash < Decimal(1000)  # the paper account reserved the order's collateral
