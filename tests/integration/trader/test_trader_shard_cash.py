"""The trader sizes on the tennis shard's cash, asked for with ?exchange_index=3, never on the sum of
all shards (kalshi-api.md §0.7, §2.8): on a venue whose balance has no per-shard breakdown, $2,000 on
shard 0 and $2 on shard 3 is a $2 bankroll, and no order is sent that would fail for lack of cash."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from trader_sim import Harness, specs

from courtside.sim.generator import Liquidity, build_bundle
from courtside.sim.testing import SimSession, prepare_session

D = Decimal


@pytest.fixture
def poor_shard(sim_server: SimSession, tmp_path: Path) -> Harness:
    s = sim_server
    session = prepare_session(
        s.server, s.private_key, s.private_key_path, s.mm_private_key, trader_balances={0: D(2000), 3: D(2)}
    )
    session.control.configure(balance_breakdown=False)  # the balance is then the sum of all shards
    now = session.exchange.now()
    bundle = build_bundle(specs(now), session.mm_user_id, now, seed=3, liquidity=Liquidity(noise=0.0))
    session.control.bulk(bundle)
    return Harness(session, tmp_path)


async def test_live_trader_sizes_on_tennis_shard_cash(poor_shard: Harness) -> None:
    w = poor_shard.wire(live=True, confirm_live=True)
    try:
        cash = await w.trader.check_collateral()
        report = await w.trader.scan()
    finally:
        await w.aclose()
    assert cash == D(2)
    row = w.journal.shard_cash()
    assert row is not None
    assert (row.shard, row.cash) == (3, D(2))
    assert w.journal.orders() == []  # nothing sent to fail for insufficient balance
    assert await poor_shard.exchange_orders() == []
    (zverev,) = [i for i in report.items if any("ZVE" in t for t in i.tickers)]
    assert zverev.decision == "refused"
    assert any(r.startswith("fewer than 1 whole contract") for r in zverev.reasons)
