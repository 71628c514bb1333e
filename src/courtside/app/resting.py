"""What a scan does with the orders already resting before it places new ones: cancel those whose
edge is gone, whose price moved (reprice) or whose start nears; a cancel because the start nears
stops the match for good first (app/starts.py), so no later scan or restart orders on it again."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from courtside.app.starts import StartGuard
from courtside.execution.resting import START_NEAR, stale_reason
from courtside.markets.match import TennisMatch
from courtside.risk.checks import RiskView, TradingState
from courtside.store.journal_tables import OrderRow
from courtside.strategy.decide import Candidate, NoTrade, StrategyParams


async def manage_resting(
    starts: StartGuard,
    params: StrategyParams,
    matches: Sequence[TennisMatch],
    choices: Mapping[str, Candidate | NoTrade],
    view: RiskView,
) -> RiskView:
    """Cancel what should go; returns the view with the room the cancels freed."""
    by_event = {m.event_ticker: m for m in matches}
    halted = view.kill_switch or view.state is TradingState.HALTED
    journal = starts.journal
    for row in journal.orders(statuses=("resting",)):
        if row.event_ticker in starts.stopped:
            continue  # cancelled with its match's stop (a failed cancel is swept next scan)
        match, choice = by_event.get(row.event_ticker), choices.get(row.event_ticker)
        reason = stale_reason(row.route, row.yes_price, match, choice, view.now, params, halted)
        if reason is None or not await _cancel(starts, row, reason):
            continue
        if row.fill_count == 0:
            view = replace(
                view,
                traded_events=frozenset(journal.traded_events()),
                resting_tickers=view.resting_tickers - {row.ticker},
                open_exposure=view.open_exposure - row.full_cost,
            )
    return view


async def _cancel(starts: StartGuard, row: OrderRow, reason: str) -> bool:
    if reason == START_NEAR:  # stopped for good first: no fresh order on it after this cancel
        return await starts.stop(row.event_ticker, f"{START_NEAR}: resting orders cancelled") > 0
    return await starts.executor.cancel(row, reason)
