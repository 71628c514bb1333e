"""What the trader knows of its account before it decides: tennis-shard cash, equity at cost, the
high-water mark, and the risk view built from them by the same `risk.assess` the backtest uses. Building
the view writes nothing; `record_marks` keeps the mark and a drawdown stop that tripped, per mode (a
paper drawdown never stops live, nor the reverse; the kill switch stops both)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from courtside.domain.clock import Clock
from courtside.domain.errors import DataError, ExchangeError
from courtside.domain.market import ExchangeStatus
from courtside.domain.mode import Mode
from courtside.domain.orders import TENNIS_SHARD, ShardFunds, order_collateral
from courtside.execution.reconcile import Reconciled, resting_cost
from courtside.risk.checks import RiskLimits, RiskView, TradingState, assess, kill_switch_on, strictest
from courtside.store.journal import Journal
from courtside.store.operator import OperatorLog
from courtside.venue.port import Venue

log = logging.getLogger("courtside.trader")


@dataclass(frozen=True, slots=True)
class AccountPicture:
    """One scan's reading of the account: the mode, the time, reconciliation, exchange and cash."""

    mode: Mode
    now: datetime
    rec: Reconciled
    status: ExchangeStatus | None
    funds: ShardFunds


@dataclass(frozen=True, slots=True)
class Assessed:
    """The risk view a scan decides on, the equity to record as measured, and a drawdown stop that
    tripped on this reading (None: none new)."""

    view: RiskView
    equity_low: Decimal
    tripped: str | None


async def check_collateral(venue: Venue, journal: Journal, max_size: Decimal, clock: Clock) -> Decimal | None:
    """Warn when the tennis shard holds less than one full-size order needs, since orders there
    fail for insufficient balance otherwise (kalshi-api.md §0.7). Journalled for status."""
    try:
        cash = (await venue.funds(TENNIS_SHARD)).cash
    except (ExchangeError, DataError) as e:
        log.warning("could not read the balance of the tennis shard %d: %s", TENNIS_SHARD, e)
        return None
    need = order_collateral(max_size)
    journal.record_shard_cash(TENNIS_SHARD, cash, need, clock.now())
    if cash < need:
        log.warning(
            "tennis shard %d holds $%s, less than the $%s one order of %s contracts can need: orders "
            "will fail for insufficient balance; move cash with `courtside fund --amount %s`",
            TENNIS_SHARD, cash, need, max_size, need - cash,
        )  # fmt: skip
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


def own_stop(journal: Journal) -> tuple[TradingState, str]:
    """The stops of the journal's exchange and mode alone, as a state: its drawdown stop and any
    other (failed scans), each REDUCING."""
    trip = journal.drawdown_trip()
    stops = [(TradingState.REDUCING, trip[0])] if trip is not None else []
    stops += [(TradingState.REDUCING, row.reason) for row in journal.stops()]
    return strictest(*stops)


def shared_state(journal: Journal) -> tuple[TradingState, str]:
    """The state every mode shares: the kill switch's and `courtside kill --reducing`."""
    state, reason = journal.state()
    return TradingState(state), reason


def trading_state(journal: Journal) -> tuple[TradingState, str]:
    """The state the journal's mode trades under: the shared state and its own stop, the stricter."""
    return strictest(shared_state(journal), own_stop(journal))


def with_stops_now(journal: Journal, limits: RiskLimits, view: RiskView) -> RiskView:
    """The view with the kill file and the trading state read again, as they are now: checked before
    every order, so a kill or a stop issued after the scan began holds from the next order on. The
    stricter of then and now wins."""
    state, reason = strictest((view.state, view.state_reason), trading_state(journal))
    killed = view.kill_switch or kill_switch_on(limits.kill_file)
    return replace(view, kill_switch=killed, state=state, state_reason=reason)


def risk_view(journal: Journal, limits: RiskLimits, acct: AccountPicture) -> Assessed:
    """The risk view a scan decides on, read from the journal and this reading of the account."""
    now = acct.now
    low, high = equity_at_cost(acct)
    mark = journal.equity_mark()
    peak = low if mark is None else max(mark.peak, low)
    day_start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    facts = RiskView(
        now=now,
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
        stopped=journal.stopped_matches(),
    )
    view, tripped = assess(facts, limits, own_stop(journal), shared_state(journal))
    return Assessed(view, low, tripped)


def record_marks(journal: Journal, assessed: Assessed) -> None:
    """Keep the equity measured (raising the high-water mark, adding a point to the curve) and a
    drawdown stop that tripped."""
    peak = journal.record_equity(assessed.equity_low, assessed.view.now)
    OperatorLog(journal).add_equity_point(assessed.equity_low, peak, assessed.view.now)
    if assessed.tripped is not None and journal.trip_drawdown(assessed.tripped, assessed.view.now):
        log.warning("trading %s (%s only): %s", TradingState.REDUCING.value, journal.mode, assessed.tripped)
