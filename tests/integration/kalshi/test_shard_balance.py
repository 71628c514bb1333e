"""GET /portfolio/balance?exchange_index=N on the simulator, read through the real client: the sum of
all shards without it, one shard's cash with it, with or without a per-shard breakdown
(kalshi-api.md §0.7, §2.8). shard_funds is what doctor, the trader and `fund` read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.shards import shard_funds
from courtside.sim.testing import SimSession, prepare_session

D = Decimal


@pytest.fixture
def split(sim_server: SimSession) -> SimSession:
    """$100 on shard 0, $7.25 on the tennis shard 3."""
    s = sim_server
    return prepare_session(
        s.server,
        s.private_key,
        s.private_key_path,
        s.mm_private_key,
        trader_balances={0: D(100), 3: D("7.25")},
    )


@pytest.mark.parametrize("breakdown", [True, False])
async def test_the_tennis_shard_is_asked_for_by_exchange_index(split: SimSession, breakdown: bool) -> None:
    split.control.configure(balance_breakdown=breakdown)
    async with KalshiClient(split.base_url, auth=KalshiAuth(split.key_id, split.private_key)) as c:
        total = await c.get_balance()
        shard3 = await c.get_balance(exchange_index=3)
        shard0 = await c.get_balance(exchange_index=0)
        funds = await shard_funds(c, 3)
    assert total.balance == D("107.25")  # omitted exchange_index: every shard summed
    assert total.on_shard(3) == (D("7.25") if breakdown else None)  # never the total
    assert (shard3.balance, shard3.on_shard(3)) == (D("7.25"), D("7.25"))
    assert (shard0.balance, shard0.on_shard(0)) == (D(100), D(100))
    assert (funds.shard, funds.cash) == (3, D("7.25"))
