"""What the trader knows of its account before it decides: tennis-shard cash, equity at cost, the
high-water mark and the risk view built from them; the drawdown stop journalled when it trips."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from courtside.domain.clock import Clock
from courtside.domain.errors import DataError, ExchangeError
from courtside.domain.market import ExchangeStatus
from courtside.domain.orders import TENNIS_SHARD, order_collateral
from courtside.execution.ports import OrderPort
from courtside.execution.reconcile import Reconciled, resting_cost
from courtside.kalshi.shards import ShardFunds, shard_funds
from courtside.risk.checks import RiskLimits, RiskView, TradingState, drawdown_stop, kill_switch_on
from courtside.store.trading import Journal

log = logging.getLogger("courtside.trader")


@dataclass(frozen=True, slots=True)
class AccountPicture:
    """One scan's reading of the account: the mode, the time, reconciliation, exchange and cash."""

    mode: str
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
    return (high - resting if acct.mode == "live" else high), high


def risk_view(
    journal: Journal, limits: RiskLimits, acct: AccountPicture, *, may_change_state: bool
) -> RiskView:
    """The risk view a scan decides on; the high-water mark is recorded so it survives restarts."""
    now = acct.now
    low, high = equity_at_cost(acct)
    peak = journal.record_equity(low, now)
    state, reason = journal.state()
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    view = RiskView(
        now=now,
        state=TradingState(state),
        state_reason=reason,
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
    return _drawdown_stop(journal, limits, view, may_change_state)


def _drawdown_stop(journal: Journal, limits: RiskLimits, view: RiskView, may_change_state: bool) -> RiskView:
    """Too far below the high-water mark while ACTIVE: journal REDUCING with the reason (only a
    run that places orders changes the state; `courtside scan` shows the check's reason)."""
    stop = drawdown_stop(view, limits)
    if stop is None or not may_change_state:
        return view
    state, reason = stop
    journal.set_state(state.value, reason, view.now)
    log.warning("trading %s: %s", state.value, reason)
    return replace(view, state=state, state_reason=reason)
