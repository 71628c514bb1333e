"""The max-drawdown protection on the simulator (real client, real trader, live): a settled loss that
takes equity the set fraction below its high-water mark moves trading to REDUCING; a restart keeps
REDUCING and the mark; only `courtside resume --reset-peak` trades again."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import typer
from trader_sim import FixedModel, Harness, registry, specs
from typer.testing import CliRunner

from courtside.app.wiring import build
from courtside.cli import trade as trade_cli
from courtside.domain.tennis import Tour
from courtside.sim.generator import Liquidity, MatchSpec, build_bundle
from courtside.store.db import make_engine
from courtside.store.trading import Journal

D = Decimal
# Zverev is the model's 0.70 in both of his matches against markets near 0.55: two orders to place.
# One per scan (max_orders_per_scan=1), so the second is still open after the first has lost.
FLAGS = {"live": True, "confirm_live": True, "max_orders_per_scan": 1, "max_drawdown": "0.004"}


@pytest.fixture
def three(sim_server: Any, tmp_path: Path) -> Harness:
    now = sim_server.exchange.now()
    second = MatchSpec("Alexander Zverev", "Felix Auger-Aliassime", Tour.ATP, "US Open Men Singles",
                       "Semifinal", now + timedelta(hours=9), 0.55, title_style="new")  # fmt: skip
    bundle = build_bundle(
        [*specs(now), second], sim_server.mm_user_id, now, seed=3, liquidity=Liquidity(noise=0.0)
    )
    sim_server.control.bulk(bundle)
    return Harness(sim_server, tmp_path)


async def _scan(h: Harness) -> Any:
    w = build(h.settings(**FLAGS), predictor=FixedModel(), resolver=registry(), auth=h.auth)
    try:
        return await w.trader.scan()
    finally:
        await w.aclose()


def _journal(h: Harness) -> Journal:
    return Journal(make_engine(f"sqlite:///{h.tmp / 'journal.db'}"), "live")


def _lose(h: Harness, ticker: str, price: Decimal, count: Decimal) -> None:
    """A seller fills our resting YES order, then the market settles NO: we lose what we paid."""
    h.sim.control.order(h.sim.mm_user_id, ticker=ticker, side="ask", price=str(price), count=str(count))
    h.sim.control.determine(ticker, "no")
    h.sim.control.settle(ticker)


def _resume(h: Harness, *args: str) -> Any:
    app = typer.Typer()
    trade_cli.register(app)
    config = h.tmp / "trader.toml"
    config.write_text(f'kill_file = "{h.tmp / "KILL"}"\n')
    return CliRunner().invoke(
        app, ["resume", *args, "--db", f"sqlite:///{h.tmp / 'journal.db'}", "--config", str(config)]
    )


async def test_a_drawdown_stops_new_positions_and_a_restart_keeps_it(three: Harness) -> None:
    first = await _scan(three)
    assert first.orders == 1
    (order,) = _journal(three).orders()
    mark = _journal(three).equity_mark()
    assert mark is not None
    assert mark.peak == D(1000)  # the tennis shard's $1,000, nothing settled yet
    _lose(three, order.ticker, order.yes_price, order.count)  # 10 x 0.54 + fees gone: about 0.55%

    second = await _scan(three)  # a new process: the loss has settled
    state, reason = _journal(three).state()
    assert state == "REDUCING"
    assert reason.startswith("max drawdown: equity $994.5")
    assert "below its high-water mark $1000.00 (max-drawdown 0.4%)" in reason
    assert second.orders == 0
    (other,) = [i for i in second.items if i.event_ticker.endswith("ZVEAUG")]
    assert other.decision == "refused"
    assert any(r.startswith("trading REDUCING: no new positions (max drawdown") for r in other.reasons)

    for _ in range(2):  # restarts: REDUCING and the mark are read back from the journal
        again = await _scan(three)
        assert again.orders == 0
        assert _journal(three).state()[0] == "REDUCING"
        assert _journal(three).equity_mark().peak == D(1000)  # type: ignore[union-attr]
    assert len(await three.exchange_orders()) == 1

    kept = _resume(three)  # resume alone: ACTIVE, but the mark is kept and the next scan stops again
    assert kept.exit_code == 0, kept.output
    assert "--reset-peak" in kept.output
    assert (await _scan(three)).orders == 0
    assert _journal(three).state()[0] == "REDUCING"

    reset = _resume(three, "--reset-peak")
    assert reset.exit_code == 0, reset.output
    assert "high-water mark reset (live)" in reset.output
    resumed = await _scan(three)
    assert resumed.orders == 1  # Zverev's second match, from the new mark
    assert _journal(three).state()[0] == "ACTIVE"
    assert _journal(three).equity_mark().peak < D(1000)  # type: ignore[union-attr]
