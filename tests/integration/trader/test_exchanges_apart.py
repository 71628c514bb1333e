"""One journal, several exchanges (the issue's two simulators, then prod): each keeps its own orders,
scans, equity marks and stops. A high-water mark made on one exchange never stops another, and status
and report show one exchange at a time. The same simulator under two base URLs (127.0.0.1 and
localhost) is two exchanges to the journal, which is all the test needs."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest
import typer
from trader_sim import FixedModel, Harness, registry
from typer.testing import CliRunner

from courtside.app.wiring import build
from courtside.cli import trade as trade_cli
from courtside.domain.orders import OrderAck, OrderRequest
from courtside.kalshi.env import exchange_id
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.venue import KalshiVenue
from courtside.store.db import make_engine
from courtside.store.journal import Journal

LIVE = {"live": True, "confirm_live": True, "max_drawdown": "0.1"}


def _other(url: str) -> str:
    """The same simulator under another name: a second exchange as far as the journal goes."""
    return url.replace("127.0.0.1", "localhost")


async def _scan(h: Harness, env: str, **flags: Any) -> Any:
    return await h.scan(env=env, **flags)


async def _withdraw(h: Harness, amount: str) -> None:
    """Most of the tennis shard's cash moved away: equity there falls from $1000 to $200."""
    async with KalshiClient(h.sim.base_url, auth=h.auth) as client:
        await client.intra_exchange_transfer(Decimal(amount), source_shard=3, destination_shard=0)


def _status(h: Harness, env: str, *args: str) -> dict[str, Any]:
    app = typer.Typer()
    trade_cli.register(app)
    db = f"sqlite:///{h.tmp / 'journal.db'}"
    result = CliRunner().invoke(app, ["status", "--json", "--exchange", env, "--db", db, *args])
    assert result.exit_code == 0, result.output
    return dict(json.loads(result.output))


async def test_a_mark_made_on_one_exchange_never_stops_another(harness: Harness) -> None:
    first, second = harness.sim.base_url, _other(harness.sim.base_url)
    assert (await _scan(harness, first, **LIVE)).orders == 1  # marks $1000 on the first exchange
    await _withdraw(harness, "800")
    report = await _scan(harness, second, **LIVE)  # the second's own first mark: $200, no drawdown
    reasons = [r for item in report.items for r in item.reasons]
    assert not any("max drawdown" in r for r in reasons), reasons
    engine = make_engine(f"sqlite:///{harness.tmp / 'journal.db'}")
    one = Journal(engine, "live", exchange=exchange_id(first))
    two = Journal(engine, "live", exchange=exchange_id(second))
    assert (one.drawdown_trip(), two.drawdown_trip()) == (None, None)
    mark_one, mark_two = one.equity_mark(), two.equity_mark()
    assert mark_one is not None
    assert mark_two is not None
    assert mark_one.peak > 900 > 300 > mark_two.peak
    assert len(one.orders()) == 1
    assert len(one.scans()) == len(two.scans()) == 1
    assert one.exchanges() == sorted([exchange_id(first), exchange_id(second)])
    # the first exchange, scanned again at $200, stops: its own mark says it lost 80%
    await _scan(harness, first, **LIVE)
    trip = one.drawdown_trip()
    assert trip is not None
    assert "below its high-water mark" in trip[0]
    assert two.drawdown_trip() is None


@pytest.mark.parametrize("mode", ["live", "paper"])
def test_status_shows_one_exchange_at_a_time(harness: Harness, mode: str) -> None:
    flags = LIVE if mode == "live" else {"live": False}
    asyncio.run(_scan(harness, harness.sim.base_url, **flags))
    first = _status(harness, harness.sim.base_url, "--mode", mode)
    second = _status(harness, _other(harness.sim.base_url), "--mode", mode)
    assert first["exchange"] == exchange_id(harness.sim.base_url)
    assert first["open_orders"] == 1
    assert first["modes"][mode]["equity"] is not None
    assert (second["open_orders"], second["modes"][mode]["equity"]) == (0, None)
    assert second["exchanges"] == [exchange_id(harness.sim.base_url)]  # what else the journal holds


class _DiesBeforeSending(KalshiVenue):
    """The process dies with the intent journalled and nothing sent: an order of unknown outcome."""

    async def place(self, req: OrderRequest, *, again: bool = False) -> OrderAck:
        raise _ProcessDied


class _ProcessDied(BaseException):
    pass


async def test_an_unresolved_order_is_never_sent_to_another_exchange(harness: Harness) -> None:
    """The issue's X then Y: an order left unresolved on one exchange stays that exchange's business.
    The second exchange's trader (here deciding nothing) neither sends it nor resolves it."""
    first, second = harness.sim.base_url, _other(harness.sim.base_url)
    w = build(
        harness.settings(env=first, **LIVE), predictor=FixedModel(), resolver=registry(), auth=harness.auth
    )
    w.trader.executor.venue = _DiesBeforeSending(w.client)
    with pytest.raises(_ProcessDied):
        await w.trader.scan()
    await w.aclose()
    engine = make_engine(f"sqlite:///{harness.tmp / 'journal.db'}")
    one = Journal(engine, "live", exchange=exchange_id(first))
    ((cid, status),) = [(r.client_order_id, r.status) for r in one.orders()]
    assert status == "intent"
    report = await _scan(harness, second, **{**LIVE, "min_value": "0.9"})  # decides no order itself
    assert report.orders == 0
    assert await harness.exchange_orders() == []  # the first exchange's intent was not sent here
    two = Journal(engine, "live", exchange=exchange_id(second))
    assert two.orders() == []
    assert [(r.client_order_id, r.status) for r in one.orders()] == [(cid, "intent")]
