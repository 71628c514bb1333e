"""The real start of a match, learnt from Kalshi: the match's milestone and its live data, and, when
Kalshi gives none for it, the market's own trades (execution/starts.py). A match that has begun is
stopped for good: the stop is journalled first (so no restart, even after kill -9, places a fresh
order on it), then every order of it that may rest is cancelled at once. A scan checks its candidates
and the matches it holds orders on; --stream also polls the live data of the matches it holds orders
on every fraction of a second and reads the `trade` channel, so a start is acted on between scans.
Orders still expire at `occurrence_datetime` as they always did."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from courtside.domain.clock import Clock
from courtside.domain.errors import ExchangeError
from courtside.domain.live import MatchState, MatchStatus
from courtside.domain.market import OrderBook, Trade
from courtside.domain.orders import Order
from courtside.execution.executor import Executor
from courtside.execution.reconcile import event_of
from courtside.execution.starts import StartSignals, TradeWatch
from courtside.markets.match import TennisMatch
from courtside.store.journal import OPEN_STATUSES, Journal
from courtside.venue.port import Venue

log = logging.getLogger("courtside.trader")


class StartGuard:
    """Which matches have begun, and the stops that follow; `stopped` holds every stop of this mode
    (from the journal and made since) with its reason."""

    def __init__(
        self,
        venue: Venue,
        journal: Journal,
        executor: Executor,
        clock: Clock,
        signals: StartSignals | None = None,
    ) -> None:
        self.venue = venue
        self.journal = journal
        self.executor = executor
        self.clock = clock
        self.watch = TradeWatch(signals)
        self.stopped: dict[str, str] = journal.stopped_matches()
        self._looked: dict[str, datetime] = {}  # event -> when its trades were last read (fallback)
        self.polls = 0  # live-data polls made between scans (--stream)

    async def check(
        self, matches: Sequence[TennisMatch], books: Mapping[str, OrderBook], *, act: bool
    ) -> dict[str, str]:
        """Has each of these matches begun? Live data first; the trades since the last look for a match
        it cannot tell about. Returns the matches found begun, with why; `act` stops them (a scan that
        places no orders only reports them)."""
        fresh = [m for m in matches if m.event_ticker not in self.stopped]
        self.watch.retain({m.event_ticker for m in fresh})
        self._looked = {e: t for e, t in self._looked.items() if e in self.watch.followed}
        for m in fresh:
            self.watch.follow(m.event_ticker, m.tickers, books)
        statuses = await self.venue.match_status([m.event_ticker for m in fresh]) if fresh else {}
        begun: dict[str, str] = {}
        for m in fresh:
            status = statuses.get(m.event_ticker)
            reason = status.why if status is not None and status.started else None
            if reason is None and (status is None or status.state is MatchState.UNKNOWN):
                reason = await self._from_trades(m)
            if reason is not None:
                begun[m.event_ticker] = reason
        if act:
            for event, reason in begun.items():
                await self.stop(event, reason)
        return begun

    async def _from_trades(self, m: TennisMatch) -> str | None:
        """The fallback: the public trades of both markets since the last look (a minute at first)."""
        now = self.clock.now()
        start = self._looked.get(m.event_ticker, now - self.watch.signals.window)
        trades: list[Trade] = []
        try:
            for ticker in m.tickers:
                trades += await self.venue.trades(ticker, since=start - timedelta(seconds=1))
        except ExchangeError as e:
            log.warning("trades of %s unavailable: %s", m.event_ticker, e)
            return None
        self._looked[m.event_ticker] = now
        reasons = [r for t in sorted(trades, key=lambda t: t.created_time) if (r := self.watch.add(t))]
        return reasons[0] if reasons else None

    async def stop(self, event_ticker: str, reason: str) -> int:
        """Journal the stop, then cancel every order of the match that may rest, at once."""
        if event_ticker not in self.stopped:
            self.journal.stop_match(event_ticker, reason, self.clock.now())
            self.stopped[event_ticker] = reason
            log.warning(
                "stop %s: %s; no new orders on it, its resting orders cancelled", event_ticker, reason
            )
        self.watch.forget(event_ticker)
        return await self.executor.cancel_match(event_ticker, reason)

    async def sweep(self, resting: Sequence[Order]) -> int:
        """Cancel what the venue shows resting on a stopped match (say, a send that landed late)."""
        late = [o for o in resting if event_of(o.ticker) in self.stopped]
        done = 0
        for event in dict.fromkeys(event_of(o.ticker) for o in late):
            done += await self.stop(event, self.stopped[event])
        known = {r.order_id for r in self.journal.orders(statuses=("canceled",)) if r.order_id}
        left = [o for o in late if o.order_id not in known]
        return done + await self.executor.cancel_resting(left, "its match was stopped")

    async def on_trades(self, trades: Sequence[Trade]) -> dict[str, str]:
        """--stream: prints from the `trade` channel; a match they show begun is stopped at once."""
        begun: dict[str, str] = {}
        for trade in trades:
            event = self.watch.event_of(trade.ticker)
            reason = self.watch.add(trade)
            if event is not None and reason is not None and event not in self.stopped:
                begun[event] = reason
                await self.stop(event, reason)
        return begun

    async def poll(self) -> dict[str, str]:
        """--stream, between scans: the live data of every match we hold an order on."""
        events = sorted(
            {r.event_ticker for r in self.journal.orders(statuses=OPEN_STATUSES)} - set(self.stopped)
        )
        if not events:
            return {}
        self.polls += 1
        statuses: dict[str, MatchStatus] = await self.venue.match_status(events)
        begun = {e: s.why for e, s in statuses.items() if s.started}
        for event, reason in begun.items():
            await self.stop(event, reason)
        return begun
