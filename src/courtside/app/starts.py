"""The real start of a match, learnt from Kalshi: the match's milestone and its live data, and, when
Kalshi gives none for it, the market's own trades (execution/starts.py). A match that has begun is
stopped for good: the stop is journalled first (so no restart, even after kill -9, places a fresh
order on it), then every order of it that may rest is cancelled at once. A scan checks its candidates
and the matches it holds orders on; --stream also polls the live data of the matches it holds orders
on every fraction of a second and reads the `trade` channel, so a start is acted on between scans.
Orders still expire at `occurrence_datetime` as they always did."""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
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
        self._checked: dict[str, datetime] = {}  # event -> when a check last found it not begun
        self.polls = 0  # live-data polls made between scans (--stream)

    async def screen(
        self,
        priced: Sequence[TennisMatch],
        candidates: Collection[str],
        books: Mapping[str, OrderBook],
        resting: Sequence[Order],
        *,
        act: bool,
    ) -> dict[str, str]:
        """A scan's check: follow the prints of every priced match; ask whether the candidates and the
        matches we hold orders on have begun (live data, one request; the trades of a held match it
        cannot tell about, a candidate's only when an order comes to be placed on it: `verify`); stop
        the begun ones and sweep what still rests on a stopped match (`act`). Returns the begun."""
        held = {r.event_ticker for r in self.journal.orders(statuses=OPEN_STATUSES)}
        self.follow(priced, books)
        wanted = [m for m in priced if m.event_ticker in candidates or m.event_ticker in held]
        begun = await self.check(wanted, act=act, trades_for=held)
        if act:
            await self.sweep(resting)
        return begun

    def follow(self, matches: Sequence[TennisMatch], books: Mapping[str, OrderBook]) -> None:
        """Watch the prints of every match a scan priced (the `trade` channel of --stream), at the
        prices of its books now; the others are forgotten."""
        fresh = [m for m in matches if m.event_ticker not in self.stopped]
        self.watch.retain({m.event_ticker for m in fresh})
        self._looked = {e: t for e, t in self._looked.items() if e in self.watch.followed}
        for m in fresh:
            self.watch.follow(m.event_ticker, m.tickers, books)

    async def check(
        self, matches: Sequence[TennisMatch], *, act: bool, trades_for: Collection[str] | None = None
    ) -> dict[str, str]:
        """Has each of these matches begun? Their live data, in one request; for a match it cannot
        tell about, the trades since the last look, if the match is in `trades_for` (None: all);
        else it stays unverified until `verify`. Returns the matches found begun, with why; `act`
        stops them (a scan that places no orders only reports them)."""
        fresh = [m for m in matches if m.event_ticker not in self.stopped]
        statuses = await self.venue.match_status([m.event_ticker for m in fresh]) if fresh else {}
        begun: dict[str, str] = {}
        now = self.clock.now()
        for m in fresh:
            event, status = m.event_ticker, statuses.get(m.event_ticker)
            reason = status.why if status is not None and status.started else None
            unknown = status is None or status.state is MatchState.UNKNOWN
            if reason is None and unknown:
                if trades_for is not None and event not in trades_for:
                    self._checked.pop(event, None)
                    continue
                reason = await self._from_trades(m)
            if reason is None:
                self._checked[event] = now
            else:
                begun[event] = reason
        if act:
            for event, reason in begun.items():
                await self.stop(event, reason)
        return begun

    async def verify(self, match: TennisMatch, *, act: bool, since: datetime) -> str | None:
        """Just before an order is placed on it: why the match has begun, checking again unless a
        check since `since` found it not begun (a scan's candidate whose live data could not tell is
        checked here against its trades; a --stream reaction's, against fresh live data)."""
        event = match.event_ticker
        if event in self.stopped:
            return self.stopped[event]
        if self._checked.get(event, since - timedelta(seconds=1)) >= since:
            return None
        return (await self.check([match], act=act)).get(event)

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
