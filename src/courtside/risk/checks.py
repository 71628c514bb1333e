"""Risk checks: each returns the reason to refuse an order, or None. A refusal is logged, never raised.

Trading states: ACTIVE (trade), REDUCING (no new positions; resting orders may be cancelled) and
HALTED (cancel everything resting, place nothing). The kill switch is a file: its presence halts.
The max-drawdown protection moves ACTIVE to REDUCING (`drawdown_stop`); nothing moves it back but a
deliberate `courtside resume`. The trader keeps that stop per mode (dry-run and live each have their
own equity) beside the global state of the kill switch; `strictest` gives the state a mode trades under.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from pathlib import Path

from courtside.domain.market import ExchangeStatus, OrderBook
from courtside.markets.match import TennisMatch
from courtside.strategy.decide import OrderIntent
from courtside.strategy.sizing import all_in_cost


class TradingState(StrEnum):
    ACTIVE = "ACTIVE"
    REDUCING = "REDUCING"
    HALTED = "HALTED"


@dataclass(frozen=True, slots=True)
class RiskLimits:
    """Limits on the account and on each order; which matches are tradable at all (the time window,
    the volume traded) is the strategy's (strategy/decide.py), checked there once."""

    max_book_age_s: float = 120.0
    max_orders_per_scan: int = 5
    max_exposure: Decimal = Decimal(500)
    daily_loss_limit: Decimal = Decimal(100)
    # the file whose presence halts trading (the home's var/KILL, set by the settings); None: none,
    # as in a backtest, which never reads the working directory
    kill_file: Path | None = None
    # fraction of the equity's high-water mark that may be lost before no new positions open; None: off
    max_drawdown: Decimal | None = Decimal("0.25")


@dataclass(frozen=True, slots=True)
class RiskView:
    """What the checks look at, gathered once per scan (store + exchange)."""

    now: datetime
    state: TradingState = TradingState.ACTIVE
    state_reason: str = ""
    kill_switch: bool = False
    exchange: ExchangeStatus | None = None
    traded_events: frozenset[str] = frozenset()
    positions: Mapping[str, Decimal] = field(default_factory=dict)  # ticker -> signed contracts
    resting_tickers: frozenset[str] = frozenset()
    orders_this_scan: int = 0
    open_exposure: Decimal = Decimal(0)
    realized_today: Decimal = Decimal(0)
    unresolved: int = 0  # orders of unknown outcome not yet found by client_order_id
    equity: Decimal | None = None  # cash + open positions and resting orders at cost; None: unknown
    peak_equity: Decimal | None = None  # the high-water mark of equity (persisted by the caller)
    # matches never to be ordered on again (begun, or cancelled as their start neared) and why
    stopped: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Proposal:
    intent: OrderIntent
    match: TennisMatch
    books: Mapping[str, OrderBook]


Check = Callable[[Proposal, RiskView, RiskLimits], str | None]


def check_state(p: Proposal, v: RiskView, lim: RiskLimits) -> str | None:
    if v.kill_switch:
        return f"kill switch {lim.kill_file} is present"
    if v.state is TradingState.HALTED:
        return f"trading HALTED{': ' + v.state_reason if v.state_reason else ''}"
    if v.state is TradingState.REDUCING:
        return f"trading REDUCING: no new positions{' (' + v.state_reason + ')' if v.state_reason else ''}"
    return None


def check_unresolved(p: Proposal, v: RiskView, lim: RiskLimits) -> str | None:
    if v.unresolved:
        return f"{v.unresolved} order(s) of unknown outcome not resolved yet: no new orders"
    return None


def check_exchange(p: Proposal, v: RiskView, lim: RiskLimits) -> str | None:
    if v.exchange is None:
        return "exchange status unknown"
    if not v.exchange.trading_active_on(p.match.exchange_index):
        return f"exchange not trading (shard {p.match.exchange_index})"
    return None


def check_match_stopped(p: Proposal, v: RiskView, lim: RiskLimits) -> str | None:
    reason = v.stopped.get(p.match.event_ticker)
    return None if reason is None else f"no new orders on this match: {reason}"


def check_one_per_match(p: Proposal, v: RiskView, lim: RiskLimits) -> str | None:
    if p.match.event_ticker in v.traded_events:
        return f"already traded {p.match.event_ticker} (one position per match)"
    for ticker in p.match.tickers:
        if v.positions.get(ticker, Decimal(0)) != 0:
            return f"the exchange shows a position in {ticker}"
        if ticker in v.resting_tickers:
            return f"an order already rests on {ticker}"
    return None


def check_stale(p: Proposal, v: RiskView, lim: RiskLimits) -> str | None:
    book = p.books.get(p.intent.ticker)
    if book is None:
        return f"no book for {p.intent.ticker}"
    if book.ts is not None and (v.now - book.ts).total_seconds() > lim.max_book_age_s:
        return f"book for {p.intent.ticker} is {(v.now - book.ts).total_seconds():.0f} s old"
    return None


def check_orders_per_scan(p: Proposal, v: RiskView, lim: RiskLimits) -> str | None:
    if v.orders_this_scan >= lim.max_orders_per_scan:
        return f"already {v.orders_this_scan} orders this scan (max {lim.max_orders_per_scan})"
    return None


def check_exposure(p: Proposal, v: RiskView, lim: RiskLimits) -> str | None:
    cost = all_in_cost(p.intent.quote)
    if v.open_exposure + cost > lim.max_exposure:
        return f"exposure {v.open_exposure + cost:.2f} would pass {lim.max_exposure}"
    return None


def check_daily_loss(p: Proposal, v: RiskView, lim: RiskLimits) -> str | None:
    if v.realized_today <= -lim.daily_loss_limit:
        return f"daily loss {-v.realized_today:.2f} reached the limit {lim.daily_loss_limit}"
    return None


def drawdown_breach(equity: Decimal | None, peak: Decimal | None, limit: Decimal | None) -> str | None:
    """Why equity is too far below its high-water mark (peak - equity >= limit x peak), or None."""
    if not limit or equity is None or peak is None or peak <= 0:
        return None
    fallen = (peak - equity) / peak
    if fallen < limit:
        return None
    return (
        f"max drawdown: equity ${equity:.2f} is {fallen:.1%} below its high-water mark ${peak:.2f} "
        f"(max-drawdown {(limit * 100).normalize():f}%)"
    )


def check_drawdown(p: Proposal, v: RiskView, lim: RiskLimits) -> str | None:
    return drawdown_breach(v.equity, v.peak_equity, lim.max_drawdown)


def drawdown_stop(v: RiskView, lim: RiskLimits) -> tuple[TradingState, str] | None:
    """The state to move to when the drawdown is breached while ACTIVE: REDUCING, with the reason.
    A REDUCING or HALTED state is left alone, and nothing here ever returns to ACTIVE."""
    if v.state is not TradingState.ACTIVE:
        return None
    reason = drawdown_breach(v.equity, v.peak_equity, lim.max_drawdown)
    return None if reason is None else (TradingState.REDUCING, reason)


def assess(
    view: RiskView,
    limits: RiskLimits,
    own: tuple[TradingState, str] = (TradingState.ACTIVE, ""),
    shared: tuple[TradingState, str] = (TradingState.ACTIVE, ""),
) -> tuple[RiskView, str | None]:
    """The state an account trades under, from the facts in `view`: its own stop (`own`: a drawdown
    stop kept from before), a drawdown breached now while it is ACTIVE, and a state it shares with
    others (`shared`: the kill switch's and `courtside kill --reducing`), the strictest winning.
    Returns the view in that state and the reason of a drawdown stop that trips now (for the caller
    to keep: the trader in its journal, the backtest for the rest of the run), else None. Pure."""
    tripped = drawdown_stop(replace(view, state=own[0]), limits)
    mine = tripped if tripped is not None else own
    state, reason = strictest(shared, mine)
    return replace(view, state=state, state_reason=reason), tripped[1] if tripped else None


_STRICTNESS = {TradingState.ACTIVE: 0, TradingState.REDUCING: 1, TradingState.HALTED: 2}


def strictest(*states: tuple[TradingState, str]) -> tuple[TradingState, str]:
    """The strictest of several (state, reason): HALTED over REDUCING over ACTIVE; the reasons of
    every state at that level, joined."""
    top = max((state for state, _ in states), key=_STRICTNESS.__getitem__, default=TradingState.ACTIVE)
    reasons = dict.fromkeys(reason for state, reason in states if state is top and reason)
    return top, "; ".join(reasons)


ALL_CHECKS: tuple[Check, ...] = (
    check_state,
    check_unresolved,
    check_exchange,
    check_match_stopped,
    check_one_per_match,
    check_stale,
    check_orders_per_scan,
    check_exposure,
    check_daily_loss,
    check_drawdown,
)


def evaluate(p: Proposal, v: RiskView, lim: RiskLimits, checks: tuple[Check, ...] = ALL_CHECKS) -> list[str]:
    """Every reason to refuse; an empty list lets the order through."""
    return [reason for check in checks if (reason := check(p, v, lim)) is not None]


def kill_switch_on(path: Path | None) -> bool:
    return path is not None and path.exists()
