"""The AutoTrader: reconcile, discover, price, decide, check risk, place, in one scan (app/loop.py runs
it every --scan-interval seconds or once; app/stream.py on WebSocket book changes). Live and dry-run
share all of it; only the Venue behind the port differs (DESIGN.md)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Protocol

from courtside.app.account import (
    AccountPicture,
    check_collateral,
    record_marks,
    risk_view,
    trading_state,
    with_stops_now,
)
from courtside.app.scan_result import MatchVerdict, ScanResult, verdict_of
from courtside.domain.clock import Clock
from courtside.domain.errors import CourtsideError, ModelError
from courtside.domain.market import ExchangeStatus, OrderBook
from courtside.domain.mode import Mode
from courtside.domain.orders import TENNIS_SHARD, Order, ShardFunds
from courtside.domain.tennis import MatchContext, PlayerRef, Prediction
from courtside.execution.executor import Executor, Placed
from courtside.execution.reconcile import Reconciled, reconcile
from courtside.execution.resting import stale_reason, without_own
from courtside.markets.books import usable_books
from courtside.markets.discovery import Discovery, Identifier, discover, skipped
from courtside.markets.match import TennisMatch
from courtside.risk.checks import (
    Proposal,
    RiskLimits,
    RiskView,
    TradingState,
    evaluate,
    kill_switch_on,
)
from courtside.store.journal import Journal
from courtside.store.journal_tables import DecisionRow
from courtside.strategy.decide import (
    Candidate,
    Decision,
    NoTrade,
    OrderIntent,
    PricedMatch,
    StrategyParams,
    StrategyState,
    choose,
    decide,
    size,
)
from courtside.strategy.sizing import all_in_cost
from courtside.venue.port import Venue

log = logging.getLogger("courtside.trader")


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
    """What the last full scan knew, for WebSocket-driven reactions between scans."""

    scan_id: int
    priced: dict[str, PricedMatch]  # by market ticker
    view: RiskView
    state: StrategyState


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
        self._last: _Last | None = None
        self._holding: set[str] = set()  # events with an order of ours still open
        self.exchange_status: ExchangeStatus | None = None  # as the last scan read it (the run's health)

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
        books = await self._books(disc, own)  # a match with a broken book joins disc.skipped
        self._record_skips(report, disc)
        funds = await self.venue.funds(TENNIS_SHARD)  # sized on tennis cash, not all shards'
        return disc, books, self._view(rec, status, funds), funds

    async def scan(self) -> ScanResult:
        """One pass: refresh, price every match, manage resting orders, then place what passes."""
        now = self.clock.now()
        report = ScanResult(self.journal.start_scan(now))
        log.info("scan %d start (%s)", report.scan_id, self.cfg.mode)
        disc, books, view, funds = await self._refresh(report)
        state = StrategyState(now, funds.bankroll, view.open_exposure, funds.cash)
        priced = [pm for m in disc.matches if (pm := self._price(m, report)) is not None]
        params = self.cfg.strategy
        choices = {pm.match.event_ticker: choose(pm, books, params, now) for pm in priced}  # once each
        if self.cfg.place_orders:
            view = await self._manage_resting(disc.matches, choices, view)
            state = replace(state, open_exposure=view.open_exposure)
        found = sum(isinstance(c, Candidate) for c in choices.values())
        log.info("scan %d: %d matches priced, %d opportunities found", report.scan_id, len(priced), found)
        self._holding = {
            r.event_ticker for r in self.journal.orders(statuses=("intent", "unknown", "resting"))
        }
        for pm in priced:
            choice = choices[pm.match.event_ticker]  # sized on the room the scan's earlier orders left
            decision = size(choice, books, params, state) if isinstance(choice, Candidate) else choice
            view, state = await self._act(pm, decision, books, view, report, state)
        self._last = _Last(report.scan_id, {t: pm for pm in priced for t in pm.match.tickers}, view, state)
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
        return report

    @property
    def watched_tickers(self) -> list[str]:
        """The markets of the matches priced by the last scan (what --stream subscribes to)."""
        return sorted(self._last.priced) if self._last else []

    def pair_of(self, ticker: str) -> tuple[str, str] | None:
        """Both market tickers of the watched match that `ticker` belongs to."""
        pm = self._last.priced.get(ticker) if self._last else None
        return pm.match.tickers if pm else None

    async def react(self, ticker: str, books: Mapping[str, OrderBook]) -> MatchVerdict | None:
        """A book changed (WebSocket): decide again for that match only, with the last scan's state
        and risk view, the view carrying every order placed since (by the scan and by earlier
        reactions: `_act` returns it updated). run_stream awaits each reaction before the next."""
        last = self._last
        pm = last.priced.get(ticker) if last else None
        if last is None or pm is None or pm.match.event_ticker in last.view.traded_events:
            return None
        refused = usable_books([pm.match], books).refused
        if refused:  # the WebSocket's book is checked as the REST one is
            log.info("no reaction on %s: %s", pm.match.event_ticker, refused[0][1])
            return None
        now = self.clock.now()
        state, view = replace(last.state, now=now), replace(last.view, now=now)
        decision = decide(pm, books, self.cfg.strategy, state)
        if isinstance(decision, NoTrade):
            return None
        report = ScanResult(last.scan_id)
        last.view, last.state = await self._act(pm, decision, books, view, report, state)
        return report.items[-1] if report.items else None

    def _record_skips(self, report: ScanResult, disc: Discovery) -> None:
        now = self.clock.now()
        report.events, report.skipped = disc.events, len(disc.skipped)
        for skip in disc.skipped:
            log.info("skip %s: %s", skip.event_ticker, skip.reason)
            report.items.append(
                MatchVerdict(skip.event_ticker, skip.tickers, skip.players, None, "skipped", (skip.reason,))
            )
            self.journal.record_decision(
                DecisionRow(
                    scan_id=report.scan_id,
                    ts=now,
                    event_ticker=skip.event_ticker,
                    ticker_a=_nth(skip.tickers, 0),
                    ticker_b=_nth(skip.tickers, 1),
                    player_a=_nth(skip.players, 0),
                    player_b=_nth(skip.players, 1),
                    decision="skipped",
                    reasons=skip.reason,
                )
            )
        for u in disc.unmatched:
            self.journal.record_unmatched(
                name=u.name,
                tour=u.tour,
                status=u.status,
                competitor_id=u.competitor_id,
                event_ticker=u.event_ticker,
                detail=u.detail,
                now=now,
            )

    async def _books(self, disc: Discovery, own: Mapping[str, Sequence[Order]]) -> dict[str, OrderBook]:
        """Both books of every match, stamped with the time they were read; start prices for CLV. A match
        whose book is broken or off its tick grid moves from disc.matches to disc.skipped."""
        tickers = [t for m in disc.matches for t in m.tickers]
        if not tickers:
            return {}
        now = self.clock.now()
        checked = usable_books(disc.matches, await self.venue.orderbooks(tickers))
        disc.matches = matches = checked.matches
        disc.skipped.extend(skipped(m, reason) for m, reason in checked.refused)
        books = {t: without_own(replace(b, ts=b.ts or now), own.get(t, ())) for t, b in checked.books.items()}
        for m in matches:
            for t in m.tickers:
                if m.start > now and t in books:
                    bid, ask = books[t].best_yes_bid, books[t].best_yes_ask
                    self.journal.record_start_price(
                        t, m.event_ticker, bid.price if bid else None, ask.price if ask else None, now
                    )
        return books

    def _price(self, match: TennisMatch, report: ScanResult) -> PricedMatch | None:
        a, b = match.a.player, match.b.player
        assert a is not None
        assert b is not None
        try:
            pred = self.predictor.predict(a, b, match.context())
        except (CourtsideError, ValueError, KeyError) as e:
            reason = f"model could not price the match: {e}"
            log.warning("skip %s: %s", match.event_ticker, reason)
            report.skipped += 1
            report.items.append(verdict_of(match, None, None, "skipped", (reason,)))
            self._journal(report.scan_id, match, None, None, "skipped", (reason,))
            return None
        if not 0.0 < pred.p_a < 1.0:
            raise ModelError(f"predictor returned p={pred.p_a} for {match.event_ticker}")
        return PricedMatch(match, pred.p_a, pred.model_version)

    def _journal(
        self,
        scan_id: int,
        match: TennisMatch,
        p: float | None,
        decision: Decision | None,
        verdict: str,
        reasons: tuple[str, ...],
        version: str = "",
    ) -> int:
        item = verdict_of(match, p, decision, verdict, reasons)
        return self.journal.record_decision(
            DecisionRow(
                scan_id=scan_id,
                ts=self.clock.now(),
                event_ticker=match.event_ticker,
                ticker_a=match.tickers[0],
                ticker_b=match.tickers[1],
                player_a=match.a.name,
                player_b=match.b.name,
                p_model=p,
                p_market=item.p_market,
                p_blend=item.p_blend,
                route=item.route,
                style=item.style,
                price=item.price,
                fee=item.fee,
                value_edge=item.edge,
                ev=item.ev,
                size=item.size,
                decision=verdict,
                reasons="; ".join(reasons),
                model_version=version,
                match_start=match.start,
            )
        )

    async def _manage_resting(
        self, matches: list[TennisMatch], choices: Mapping[str, Candidate | NoTrade], view: RiskView
    ) -> RiskView:
        """Cancel resting orders whose edge is gone, whose price moved (reprice) or whose start nears."""
        by_event = {m.event_ticker: m for m in matches}
        halted = view.kill_switch or view.state is TradingState.HALTED
        for row in self.journal.orders(statuses=("resting",)):
            match, choice = by_event.get(row.event_ticker), choices.get(row.event_ticker)
            reason = stale_reason(
                row.route, row.yes_price, match, choice, view.now, self.cfg.strategy, halted
            )
            if reason is None or not await self.executor.cancel(row, reason):
                continue
            if row.fill_count == 0:
                view = replace(
                    view,
                    traded_events=frozenset(self.journal.traded_events()),
                    resting_tickers=view.resting_tickers - {row.ticker},
                    open_exposure=view.open_exposure - row.full_cost,
                )
        return view

    async def _act(
        self,
        pm: PricedMatch,
        decision: Decision,
        books: Mapping[str, OrderBook],
        view: RiskView,
        report: ScanResult,
        state: StrategyState,
    ) -> tuple[RiskView, StrategyState]:
        """Check and place one decision; returns the risk view and sizing state the next match of the
        scan, or the next reaction, must see (the order's cost counted in both)."""
        match, sid = pm.match, report.scan_id
        if isinstance(decision, NoTrade):
            report.items.append(verdict_of(match, pm.p_a, decision, "refused", decision.reasons))
            self._journal(sid, match, pm.p_a, decision, "refused", decision.reasons, pm.model_version)
            return view, state
        view = with_stops_now(self.journal, self.cfg.risk, view)  # before every order, not once a scan
        reasons = tuple(evaluate(Proposal(decision, match, books), view, self.cfg.risk))
        if reasons:
            verdict = "holding" if match.event_ticker in self._holding else "refused"
            log.info("%s %s: %s", verdict, match.event_ticker, "; ".join(reasons))
            report.items.append(verdict_of(match, pm.p_a, decision, verdict, reasons))
            self._journal(sid, match, pm.p_a, decision, verdict, reasons, pm.model_version)
            return view, state
        report.items.append(verdict_of(match, pm.p_a, decision, "taken", ()))
        did = self._journal(sid, match, pm.p_a, decision, "taken", (), pm.model_version)
        if not self.cfg.place_orders:
            return view, state
        placed = await self._place(match, decision, did)
        if placed.status in ("rejected", "canceled", "duplicate-skip"):
            return replace(view, traded_events=frozenset(self.journal.traded_events())), state
        report.orders += 1
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
        q = decision.quote
        log.info("opportunity: %s | value edge %.4f | expected value %.4f", match.title, q.value_edge, q.ev)
        log.info(
            "order: %s side=%s action=buy count=%s price=%s (V2 %s @ %s, %s)",
            decision.ticker,
            q.route.outcome.value,
            decision.count,
            q.price,
            decision.side.value,
            decision.yes_price,
            decision.time_in_force.value,
        )
        placed = await self.executor.place(decision, decision_id)
        log.info("order %s -> %s (filled %s)", placed.client_order_id, placed.status, placed.fill_count)
        return placed


def _nth(values: tuple[str, ...], i: int) -> str:
    return values[i] if len(values) > i else ""
