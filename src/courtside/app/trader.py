"""The AutoTrader: reconcile, discover, price, decide, check risk, place, in one scan (app/loop.py runs
it every --scan-interval seconds or once; app/stream.py on WebSocket book changes). Live and dry-run
share all of it; only the Venue behind the port differs (DESIGN.md)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Protocol

from courtside.app import guide
from courtside.app.account import (
    AccountPicture,
    check_collateral,
    record_marks,
    risk_view,
    trading_state,
    with_stops_now,
)
from courtside.app.allot import risk_refusals, room_taken
from courtside.app.books import read_books, record_start_prices
from courtside.app.decisions import NOT_PLACED, DecisionLog
from courtside.app.resting import manage_resting
from courtside.app.scan_result import MatchVerdict, ScanResult
from courtside.app.starts import StartGuard
from courtside.domain.clock import Clock
from courtside.domain.errors import CourtsideError, ModelError
from courtside.domain.market import ExchangeStatus, OrderBook
from courtside.domain.mode import Mode
from courtside.domain.orders import TENNIS_SHARD, Order, ShardFunds
from courtside.domain.tennis import MatchContext, PlayerRef, Prediction
from courtside.execution.executor import Executor, Placed
from courtside.execution.reconcile import Reconciled, reconcile
from courtside.markets.books import usable_books
from courtside.markets.discovery import Discovery, Identifier, discover
from courtside.markets.match import TennisMatch
from courtside.risk.checks import Proposal, RiskLimits, RiskView, TradingState, kill_switch_on
from courtside.store.journal import Journal
from courtside.strategy.decide import (
    Candidate,
    Decision,
    NoTrade,
    OrderIntent,
    PricedMatch,
    StrategyParams,
    StrategyState,
    choose,
    size,
)
from courtside.strategy.rank import Ranked, rank
from courtside.strategy.sizing import all_in_cost
from courtside.venue.port import Venue

log = logging.getLogger("courtside.trader")
# a --stream reaction orders only on a match checked not begun this recently (one live-data request)
REACTION_RECHECK = timedelta(seconds=2)


class Predictor(Protocol):
    def predict(self, a: PlayerRef, b: PlayerRef, ctx: MatchContext) -> Prediction: ...


@dataclass
class TraderConfig:
    mode: Mode
    series: list[str]
    strategy: StrategyParams
    risk: RiskLimits
    place_orders: bool = True  # False for `courtside scan`: price and decide, never send
    max_failed_scans: int = 5  # scans in a row that fail before this exchange and mode stop (REDUCING)


@dataclass
class _Last:
    """What the last full scan knew, for WebSocket-driven reactions between scans; `taken` lists the
    orders placed since it began, (rank, market ticker), for refusals to name."""

    scan_id: int
    priced: dict[str, PricedMatch]  # by market ticker
    view: RiskView
    state: StrategyState
    taken: list[tuple[int, str]]
    before: tuple[RiskView, StrategyState]  # before the scan placed anything: whose room a refusal names


class AutoTrader:
    """One composition of venue, journal, model and parameters; `scan()` is one pass of the loop."""

    def __init__(
        self,
        cfg: TraderConfig,
        venue: Venue,
        journal: Journal,
        predictor: Predictor,
        identifier: Identifier,
        clock: Clock,
    ) -> None:
        self.cfg = cfg
        self.venue = venue
        self.journal = journal
        self.predictor = predictor
        self.identifier = identifier
        self.clock = clock
        self.executor = Executor(venue, journal, clock)
        self.decisions = DecisionLog(journal, clock)
        self.starts = StartGuard(venue, journal, self.executor, clock)
        self._last: _Last | None = None
        self._holding: set[str] = set()  # events with an order of ours still open
        self.exchange_status: ExchangeStatus | None = None  # as the last scan read it (the run's health)
        self._taken: list[tuple[int, str]] = []  # orders placed this round: (rank, market ticker)

    async def reconcile(self) -> Reconciled:
        """Bring the journal in line with the venue (once per scan): unknown orders are resolved by
        client_order_id (sent again under the same id while young, unless this run places nothing or
        this mode is not ACTIVE), then orders, fills, positions and settlements are read and applied."""
        state = trading_state(self.journal)[0]  # the global state and this mode's drawdown stop
        halted = kill_switch_on(self.cfg.risk.kill_file) or state is not TradingState.ACTIVE
        resend = self.cfg.place_orders and not halted
        return await reconcile(self.venue, self.executor, self.journal, resend=resend)

    async def check_collateral(self) -> Decimal | None:
        """Live: warn when the tennis shard holds less than one full-size order needs."""
        if self.cfg.mode is not Mode.LIVE:
            return None
        return await check_collateral(self.venue, self.journal, self.cfg.strategy.sizing.max_size, self.clock)

    def _view(self, rec: Reconciled, status: ExchangeStatus | None, funds: ShardFunds) -> RiskView:
        """The risk view of this reading; a run that places orders keeps the equity mark and a stop."""
        acct = AccountPicture(self.cfg.mode, self.clock.now(), rec, status, funds)
        assessed = risk_view(self.journal, self.cfg.risk, acct)
        if self.cfg.place_orders:
            record_marks(self.journal, assessed)
        return assessed.view

    async def _refresh(
        self, report: ScanResult
    ) -> tuple[Discovery, dict[str, OrderBook], RiskView, ShardFunds]:
        """Venue sync (paper matching), reconciliation, discovery and books: what a scan decides on."""
        await self.venue.sync()
        report.reconciled = rec = await self.reconcile()
        status = self.exchange_status = await self.venue.status()
        disc = await discover(self.venue, self.cfg.series, self.identifier, self.clock.now())
        own: dict[str, list[Order]] = {}
        if self.cfg.mode is Mode.LIVE:  # our own resting orders are in the real book: look past them
            for order in rec.resting:
                own.setdefault(order.ticker, []).append(order)
        books = await read_books(self.venue, disc, own, self.clock.now())  # a broken book: skipped
        self.decisions.skips(report, disc)
        funds = await self.venue.funds(TENNIS_SHARD)  # sized on tennis cash, not all shards'
        return disc, books, self._view(rec, status, funds), funds

    async def scan(self) -> ScanResult:
        """One pass: refresh, price and choose for every match, manage resting orders, then hand the
        room out best first: rank the candidates, size each on the room left, check risk, place."""
        now = self.clock.now()
        report = ScanResult(self.journal.start_scan(now))
        log.info("scan %d start (%s)", report.scan_id, self.cfg.mode)
        guide.scan_started()
        disc, books, view, funds = await self._refresh(report)
        state = StrategyState(now, funds.bankroll, view.open_exposure, funds.cash)
        priced = [pm for m in disc.matches if (pm := self._price(m, report)) is not None]
        choices = {pm.match.event_ticker: self._choose(pm, books, view, now) for pm in priced}
        view = await self._check_starts(priced, choices, books, view, report)
        record_start_prices(self.journal, disc.matches, books, view.stopped, self.clock.now())
        if self.cfg.place_orders:
            view = await manage_resting(self.starts, self.cfg.strategy, disc.matches, choices, view)
            state = replace(state, open_exposure=view.open_exposure)
        found = sum(isinstance(c, Candidate) for c in choices.values())
        log.info("scan %d: %d matches priced, %d opportunities found", report.scan_id, len(priced), found)
        guide.opportunities(found)
        await self._decide_all(priced, choices, books, view, state, report, since=now)
        self.journal.finish_scan(
            report.scan_id,
            self.clock.now(),
            events=disc.events,
            matches=len(disc.matches),
            skipped=report.skipped,
            opportunities=found,
            orders=report.orders,
        )
        log.info("scan %d done: %d trades placed", report.scan_id, report.orders)
        guide.scan_done(report.orders)
        return report

    async def _decide_all(
        self,
        priced: Sequence[PricedMatch],
        choices: Mapping[str, Candidate | NoTrade],
        books: Mapping[str, OrderBook],
        view: RiskView,
        state: StrategyState,
        report: ScanResult,
        *,
        since: datetime,
    ) -> None:
        """The refusals first, in listing order; then the candidates, best first; what the scan left
        is kept for the --stream reactions until the next one."""
        self._holding = {
            r.event_ticker for r in self.journal.orders(statuses=("intent", "unknown", "resting"))
        }
        self._taken = []
        for pm in priced:
            choice = choices[pm.match.event_ticker]
            if isinstance(choice, NoTrade):
                view, state = await self._act(pm, choice, books, view, report, state)
        candidates = [c for c in choices.values() if isinstance(c, Candidate)]
        before = (view, state)
        view, state = await self._allot(candidates, books, view, state, report, since=since)
        watched = {t: pm for pm in priced for t in pm.match.tickers}
        self._last = _Last(report.scan_id, watched, view, state, self._taken, before)

    def _choose(
        self, pm: PricedMatch, books: Mapping[str, OrderBook], view: RiskView, now: datetime
    ) -> Candidate | NoTrade:
        """The strategy's choice for a match, once per scan; a stopped match is no candidate."""
        event = pm.match.event_ticker
        stopped = self.starts.stopped.get(event) or view.stopped.get(event)
        if stopped is not None:
            return NoTrade((f"no new orders on this match: {stopped}",))
        return choose(pm, books, self.cfg.strategy, now)

    async def _check_starts(
        self,
        priced: Sequence[PricedMatch],
        choices: dict[str, Candidate | NoTrade],
        books: Mapping[str, OrderBook],
        view: RiskView,
        report: ScanResult,
    ) -> RiskView:
        """A begun match is no candidate (app/starts.py `screen`); the exposure its cancelled orders
        tied up stays counted until the next scan (the safe side)."""
        candidates = {e for e, c in choices.items() if isinstance(c, Candidate)}
        resting = report.reconciled.resting if report.reconciled is not None else ()
        matches = [pm.match for pm in priced]
        begun = await self.starts.screen(matches, candidates, books, resting, act=self.cfg.place_orders)
        for event, reason in begun.items():
            choices[event] = NoTrade((f"no new orders on this match: {reason}",))
        return replace(view, stopped={**view.stopped, **self.starts.stopped, **begun})

    async def _allot(
        self,
        candidates: Sequence[Candidate],
        books: Mapping[str, OrderBook],
        view: RiskView,
        state: StrategyState,
        report: ScanResult,
        before: tuple[RiskView, StrategyState] | None = None,
        *,
        since: datetime,
    ) -> tuple[RiskView, StrategyState]:
        """Rank the candidates by expected profit on the room as it is now, then size, check and place
        them in that order, each on the room the better ones left (strategy/rank.py). `before`: the
        view and state before the round's first order (a reaction's round began with its scan)."""
        ranked, unsized = rank(candidates, books, self.cfg.strategy, state)
        start_view, start_state = before or (view, state)
        for c, refusal in unsized:
            if isinstance(size(c, books, self.cfg.strategy, start_state), OrderIntent):
                refusal = room_taken(refusal, self._taken)  # it fitted before the round's orders
            view, state = await self._act(c.priced, refusal, books, view, report, state)
        dropped = 0  # candidates found begun at the last check: no place among the others
        for r in ranked:
            begun = await self.starts.verify(r.candidate.priced.match, act=self.cfg.place_orders, since=since)
            if begun is not None:
                dropped += 1
                refusal = NoTrade((f"no new orders on this match: {begun}",))
                view, state = await self._act(r.candidate.priced, refusal, books, view, report, state)
                continue
            decision = self._sized(r, books, state)
            place = r.rank - dropped
            view, state = await self._act(
                r.candidate.priced, decision, books, view, report, state, rank=place, before=start_view
            )
        return view, state

    def _sized(self, r: Ranked, books: Mapping[str, OrderBook], state: StrategyState) -> Decision:
        """The ranked candidate sized on the room left now; refused, it names who took the room."""
        decision = size(r.candidate, books, self.cfg.strategy, state)
        return room_taken(decision, self._taken) if isinstance(decision, NoTrade) else decision

    @property
    def watched_tickers(self) -> list[str]:
        """The markets of the matches priced by the last scan (what --stream subscribes to)."""
        return sorted(self._last.priced) if self._last else []

    async def react(
        self, tickers: Sequence[str], books_of: Callable[[str], Mapping[str, OrderBook] | None]
    ) -> list[MatchVerdict]:
        """Books changed (WebSocket): choose again for those matches only, on the last scan's state and
        risk view (which carry every order placed since: `_act` returns them updated), then rank the
        candidates of this burst and place best first, as a scan does. `books_of(ticker)` gives both
        books of the ticker's match, or None while one cannot be trusted."""
        last = self._last
        if last is None:
            return []
        now = self.clock.now()
        state, view = replace(last.state, now=now), replace(last.view, now=now)
        books: dict[str, OrderBook] = {}
        candidates: list[Candidate] = []
        for pm in self._reacting(last, tickers):
            both = books_of(pm.match.tickers[0])
            if both is None:
                continue
            refused = usable_books([pm.match], both).refused
            if refused:  # the WebSocket's book is checked as the REST one is
                log.info("no reaction on %s: %s", pm.match.event_ticker, refused[0][1])
                continue
            books.update(both)
            choice = self._choose(pm, both, view, now)
            if isinstance(choice, NoTrade):
                self.decisions.say("refused", pm.match.event_ticker, choice.reasons, once=True)
            else:
                candidates.append(choice)
        report = ScanResult(last.scan_id, reaction=True)
        self._taken = last.taken
        since = now - REACTION_RECHECK
        last.view, last.state = await self._allot(
            candidates, books, view, state, report, last.before, since=since
        )
        return report.items

    def _reacting(self, last: _Last, tickers: Sequence[str]) -> list[PricedMatch]:
        """The distinct watched matches behind `tickers` still open to a new order."""
        seen: dict[str, PricedMatch] = {}
        for ticker in tickers:
            pm = last.priced.get(ticker)
            if pm is None or pm.match.event_ticker in last.view.traded_events:
                continue
            if pm.match.event_ticker in self.starts.stopped:
                continue
            seen.setdefault(pm.match.event_ticker, pm)
        return list(seen.values())

    def _price(self, match: TennisMatch, report: ScanResult) -> PricedMatch | None:
        a, b = match.a.player, match.b.player
        assert a is not None
        assert b is not None
        try:
            pred = self.predictor.predict(a, b, match.context())
        except (CourtsideError, ValueError, KeyError) as e:
            reason = f"model could not price the match: {e}"
            report.skipped += 1
            self.decisions.record(report, match, None, None, "skipped", (reason,))
            return None
        if not 0.0 < pred.p_a < 1.0:
            raise ModelError(f"predictor returned p={pred.p_a} for {match.event_ticker}")
        return PricedMatch(match, pred.p_a, pred.model_version)

    async def _act(
        self,
        pm: PricedMatch,
        decision: Decision,
        books: Mapping[str, OrderBook],
        view: RiskView,
        report: ScanResult,
        state: StrategyState,
        *,
        rank: int | None = None,
        before: RiskView | None = None,
    ) -> tuple[RiskView, StrategyState]:
        """Check and place one decision; returns the risk view and sizing state the next match of the
        scan, or the next reaction, must see (the order's cost counted in both). `before` is the view
        before this round's orders, so a refusal can say which better ones took the room."""
        match, record = pm.match, self.decisions.record
        if isinstance(decision, NoTrade):
            record(
                report,
                match,
                pm.p_a,
                decision,
                "refused",
                decision.reasons,
                version=pm.model_version,
                rank=rank,
            )
            return view, state
        view = with_stops_now(self.journal, self.cfg.risk, view)  # before every order, not once a scan
        proposal = Proposal(decision, match, books)
        reasons = risk_refusals(proposal, view, before, self.cfg.risk, self._taken)
        if reasons:
            verdict = "holding" if match.event_ticker in self._holding else "refused"
            record(report, match, pm.p_a, decision, verdict, reasons, version=pm.model_version, rank=rank)
            return view, state
        did = record(report, match, pm.p_a, decision, "taken", (), version=pm.model_version, rank=rank)
        if not self.cfg.place_orders:
            return view, state
        placed = await self._place(match, decision, did)
        if placed.status in NOT_PLACED:
            return replace(view, traded_events=frozenset(self.journal.traded_events())), state
        report.orders += 1
        self._taken.append((rank or 0, decision.ticker))
        cost = all_in_cost(decision.quote)
        cash = None if state.cash is None else state.cash - cost
        view = replace(  # what the next match of this scan, or the next reaction, is checked against
            view,
            orders_this_scan=view.orders_this_scan + 1,
            open_exposure=view.open_exposure + cost,
            traded_events=view.traded_events | {match.event_ticker},
            unresolved=view.unresolved + (1 if placed.status == "unknown" else 0),  # none new until resolved
        )
        return view, replace(state, open_exposure=state.open_exposure + cost, cash=cash)

    async def _place(self, match: TennisMatch, decision: OrderIntent, decision_id: int) -> Placed:
        self.decisions.sending(match, decision)
        placed = await self.executor.place(decision, decision_id)
        self.decisions.sent(match, decision, placed, dry_run=self.cfg.mode is Mode.PAPER)
        return placed
