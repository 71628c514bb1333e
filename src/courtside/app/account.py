"""What the trader knows of its account before it decides: tennis-shard cash, equity at cost, the
high-water mark and the risk view built from them; the drawdown stop, journalled per mode when it
trips (a paper drawdown never stops live, nor the reverse; the kill switch stops both)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from courtside.domain.clock import Clock
from courtside.domain.errors import DataError, ExchangeError
from courtside.domain.market import ExchangeStatus
from courtside.domain.mode import Mode
from courtside.domain.orders import TENNIS_SHARD, order_collateral
from courtside.execution.ports import OrderPort
from courtside.execution.reconcile import Reconciled, resting_cost
from courtside.kalshi.shards import ShardFunds, shard_funds
from courtside.risk.checks import (
    RiskLimits,
    RiskView,
    TradingState,
    drawdown_stop,
    kill_switch_on,
    strictest,
)
from courtside.store.journal import Journal

log = logging.getLogger("courtside.trader")


@dataclass(frozen=True, slots=True)
class AccountPicture:
    """One scan's reading of the account: the mode, the time, reconciliation, exchange and cash."""

    mode: Mode
    now: datetime
    rec: Reconciled
    status: ExchangeStatus | None
    funds: ShardFunds


async def check_collateral(
    orders: OrderPort, journal: Journal, max_size: Decimal, clock: Clock
) -> Decimal | None:
    """Warn when the tennis shard holds less than one full-size order needs, since orders there
    fail for insufficient balance otherwise (kalshi-api.md §0.7). Journalled for status."""
    try:
        cash = (await shard_funds(orders, TENNIS_SHARD)).cash
    except (ExchangeError, DataError) as e:
        log.warning("could not read the balance of the tennis shard %d: %s", TENNIS_SHARD, e)
        return None
    need = order_collateral(max_size)
    journal.record_shard_cash(TENNIS_SHARD, cash, need, clock.now())
    if cash < need:
        log.warning(
            "tennis shard %d holds $%s, less than the $%s one order of %s contracts can need: orders "
            "will fail for insufficient balance; move cash with `courtside fund --amount %s`",
            TENNIS_SHARD,
            cash,
            need,
            max_size,
            need - cash,
        )
    return cash


def equity_at_cost(acct: AccountPicture) -> tuple[Decimal, Decimal]:
    """Equity at cost (not marked), as (low, high): the tennis shard's cash + open positions at
    cost, and that + the collateral of resting orders. The paper ledger's cash excludes that
    collateral, so high is exact and low = high. Whether Kalshi's balance does is not documented
    (kalshi-api.md §2.8): live, the high-water mark follows low and the check uses high, so the
    doubt can delay a stop by the resting collateral but never stop trading falsely."""
    resting = sum((resting_cost(o) for o in acct.rec.resting), Decimal(0))
    high = acct.funds.cash + acct.rec.exposure
    return (high - resting if acct.mode is Mode.LIVE else high), high


def trading_state(journal: Journal) -> tuple[TradingState, str]:
    """The state the journal's mode trades under: the global state (kill switch, `courtside kill
    --reducing`) and the mode's own drawdown stop, the stricter winning."""
    state, reason = journal.state()
    trip = journal.drawdown_trip()
    own = (TradingState.ACTIVE, "") if trip is None else (TradingState.REDUCING, trip[0])
    return strictest((TradingState(state), reason), own)


def risk_view(
    journal: Journal, limits: RiskLimits, acct: AccountPicture, *, may_change_state: bool
) -> RiskView:
    """The risk view a scan decides on; the high-water mark is recorded so it survives restarts."""
    now = acct.now
    low, high = equity_at_cost(acct)
    peak = journal.record_equity(low, now)
    trip = journal.drawdown_trip()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    own = RiskView(  # the mode's own state first: its drawdown stop
        now=now,
        state=TradingState.ACTIVE if trip is None else TradingState.REDUCING,
        state_reason="" if trip is None else trip[0],
        kill_switch=kill_switch_on(limits.kill_file),
        exchange=acct.status,
        traded_events=frozenset(journal.traded_events()),
        positions=acct.rec.positions,
        resting_tickers=frozenset(o.ticker for o in acct.rec.resting),
        open_exposure=acct.rec.exposure,
        realized_today=journal.realized_since(day_start),
        unresolved=len(acct.rec.unresolved),
        equity=high,
        peak_equity=peak,
    )
    own = _drawdown_stop(journal, limits, own, may_change_state)
    state, reason = journal.state()
    combined = strictest((TradingState(state), reason), (own.state, own.state_reason))
    return replace(own, state=combined[0], state_reason=combined[1])


def _drawdown_stop(journal: Journal, limits: RiskLimits, view: RiskView, may_change_state: bool) -> RiskView:
    """Too far below the high-water mark while this mode is not stopped yet: journal the mode's
    stop (REDUCING for it alone) with the reason. Only a run that places orders records it;
    `courtside scan` shows the check's reason. Whatever the global state, so `status` tells."""
    stop = drawdown_stop(view, limits)
    if stop is None or not may_change_state:
        return view
    state, reason = stop
    if journal.trip_drawdown(reason, view.now):
        log.warning("trading %s (%s only): %s", state.value, journal.mode, reason)
    return replace(view, state=state, state_reason=reason)
