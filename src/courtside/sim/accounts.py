"""Cash, positions and settlement payouts per user (kalshi-api.md §8.8, §8.9).

YES/NO netting: a bid that meets a NO holding closes pairs and returns $1 each; an ask that
meets a YES holding likewise. Positions keep an average-cost basis for exposure and realized P&L.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_DOWN, Decimal

from courtside.domain.money import CENT, ONE, ZERO
from courtside.domain.orders import BookSide
from courtside.sim.state import SimMarket, SimPosition, SimSettlement, SimUser


def position_of(user: SimUser, market: SimMarket) -> SimPosition:
    """The user's position record in a market, created empty on first use."""
    pos = user.positions.get(market.ticker)
    if pos is None:
        pos = SimPosition(market.ticker, market.event_ticker, market.exchange_index)
        user.positions[market.ticker] = pos
    return pos


def apply_execution(
    user: SimUser,
    market: SimMarket,
    side: BookSide,
    count: Decimal,
    yes_price: Decimal,
    fee: Decimal,
    now: datetime,
) -> Decimal:
    """Book one execution for one side; returns the cost paid (YES price for bids, NO for asks)."""
    pos = position_of(user, market)
    paid = yes_price if side is BookSide.BID else ONE - yes_price
    held_against = max(ZERO, -pos.position) if side is BookSide.BID else max(ZERO, pos.position)
    close = min(count, held_against)
    opened = count - close
    if close > 0:
        basis = pos.exposure * close / abs(pos.position)
        proceeds = (ONE - paid) * close  # the $1 back per closed pair, less what the new leg cost
        pos.realized_pnl += proceeds - basis
        pos.exposure -= basis
        if side is BookSide.BID:
            pos.no_cost -= basis
        else:
            pos.yes_cost -= basis
    pos.exposure += paid * opened
    if side is BookSide.BID:
        pos.yes_cost += paid * opened
        pos.position += count
    else:
        pos.no_cost += paid * opened
        pos.position -= count
    if pos.position == 0:
        pos.exposure = ZERO
    pos.total_traded += paid * count
    pos.contracts_traded += count
    pos.fees_paid += fee
    pos.last_updated = now
    shard = market.exchange_index
    user.cash[shard] = user.cash_on(shard) - paid * count + close - fee
    user.updated = now
    return paid * count


def payout(position: Decimal, value: Decimal) -> Decimal:
    """Settlement payout of a signed position at YES value v, whole cents (docs: market_settlement)."""
    raw = position * value if position > 0 else -position * (ONE - value)
    return raw.quantize(CENT, rounding=ROUND_DOWN)


def settle_position(
    user: SimUser, market: SimMarket, value: Decimal, now: datetime, seq: int
) -> SimSettlement | None:
    """Pay out and close one user's position; returns the Settlement record."""
    pos = user.positions.get(market.ticker)
    if pos is None or pos.settled:
        return None
    amount = payout(pos.position, value)
    shard = market.exchange_index
    user.cash[shard] = user.cash_on(shard) + amount
    record = SimSettlement(
        ticker=market.ticker,
        event_ticker=market.event_ticker,
        exchange_index=shard,
        market_result=market.result,
        yes_count=max(ZERO, pos.position),
        yes_total_cost=pos.yes_cost,
        no_count=max(ZERO, -pos.position),
        no_total_cost=pos.no_cost,
        revenue_cents=int(amount * 100),
        fee_cost=pos.fees_paid,
        value_cents=int((value * 100).to_integral_value(rounding=ROUND_DOWN)),
        settled_time=now,
        seq=seq,
    )
    pos.realized_pnl += amount - pos.exposure
    pos.settled = True
    user.settlements.append(record)
    user.updated = now
    return record


def closable(user: SimUser, ticker: str, side: BookSide) -> Decimal:
    """Contracts an order on `side` would close rather than open (reduce-only cap)."""
    pos = user.positions.get(ticker)
    if pos is None or pos.settled:
        return ZERO
    return max(ZERO, -pos.position) if side is BookSide.BID else max(ZERO, pos.position)


def transfer(user: SimUser, source: int, destination: int, amount: Decimal) -> bool:
    """Move cash between shards; False when the source lacks it."""
    if amount <= 0 or user.cash_on(source) < amount:
        return False
    user.cash[source] = user.cash_on(source) - amount
    user.cash[destination] = user.cash_on(destination) + amount
    return True
