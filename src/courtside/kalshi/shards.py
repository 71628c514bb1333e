"""The cash an order can use: the balance of the market's exchange shard, never the total.

Tennis events trade on shard 3 and an order there fails for insufficient balance unless the
collateral already sits on shard 3 (kalshi-api.md §0.7). `GET /portfolio/balance` without
`exchange_index` sums every shard (§2.8), so the shard is asked for by name. doctor, `courtside fund`
and KalshiVenue.funds all read it here.
"""

from __future__ import annotations

from typing import Protocol

from courtside.domain.errors import DataError
from courtside.domain.orders import TENNIS_SHARD, Balance, ShardFunds


class BalanceReader(Protocol):
    async def get_balance(
        self, *, exchange_index: int | None = None, subaccount: int | None = None
    ) -> Balance: ...


async def shard_funds(reader: BalanceReader, shard: int = TENNIS_SHARD) -> ShardFunds:
    """`GET /portfolio/balance?exchange_index=<shard>`; a DataError if the answer cannot tell that
    shard's cash (it is then never mistaken for the sum of all shards)."""
    balance = await reader.get_balance(exchange_index=shard)
    cash = balance.on_shard(shard)
    if cash is None:
        raise DataError(f"GET /portfolio/balance?exchange_index={shard}: no cash given for shard {shard}")
    return ShardFunds(shard, cash, balance.portfolio_value)
