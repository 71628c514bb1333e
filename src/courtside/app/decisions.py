"""Every verdict of a scan three ways: a row of `courtside scan --json` (ScanResult), a row of the
journal's decisions table, and, for each skip and refusal, one line of logs/auto_trader.log."""

from __future__ import annotations

import logging
from datetime import datetime

from courtside.app import guide
from courtside.app.scan_result import MatchVerdict, ScanResult, verdict_of
from courtside.domain.clock import Clock
from courtside.execution.executor import Placed
from courtside.markets.discovery import Discovery
from courtside.markets.inference import InferredTournaments
from courtside.markets.match import TennisMatch
from courtside.store.journal import Journal
from courtside.store.journal_tables import DecisionRow, InferredTournamentRow
from courtside.strategy.decide import Decision, OrderIntent

log = logging.getLogger("courtside.trader")
NOT_PLACED = ("rejected", "canceled", "duplicate-skip")  # the venue took no order (or an IOC filled none)


def _nth(values: tuple[str, ...], i: int) -> str:
    return values[i] if len(values) > i else ""


class DecisionLog:
    """Writes verdicts for one trader; a --stream reaction's refusal is logged only when its reasons
    differ from the last ones logged for that match (a book changes many times a minute)."""

    def __init__(self, journal: Journal, clock: Clock) -> None:
        self.journal = journal
        self.clock = clock
        self._said: dict[str, str] = {}  # event -> the reasons last logged for it
        self._inferred = InferredTournaments()  # tournaments priced by inference already logged

    def say(self, verdict: str, event_ticker: str, reasons: tuple[str, ...], *, once: bool = False) -> None:
        """One line for a skip or a refusal; `once`: not again while the reasons stay the same."""
        text = "; ".join(reasons) or "no reason given"
        if once and self._said.get(event_ticker) == text:
            return
        self._said[event_ticker] = text
        log.info("%s %s: %s", verdict, event_ticker, text)

    def sending(self, match: TennisMatch, intent: OrderIntent) -> None:
        """The console's lines for an order about to be sent (the file has them too)."""
        q = intent.quote
        log.info("opportunity: %s | value edge %.4f | expected value %.4f", match.title, q.value_edge, q.ev)
        log.info(
            "order: %s side=%s action=buy count=%s price=%s (V2 %s @ %s, %s)",
            intent.ticker,
            q.route.outcome.value,
            intent.count,
            q.price,
            intent.side.value,
            intent.yes_price,
            intent.time_in_force.value,
        )

    def sent(self, match: TennisMatch, intent: OrderIntent, placed: Placed, *, dry_run: bool) -> None:
        """What became of it; an order the venue took gets the user guide's lines."""
        log.info("order %s -> %s (filled %s)", placed.client_order_id, placed.status, placed.fill_count)
        if placed.status not in NOT_PLACED:
            market = match.a.market if intent.ticker == match.a.market.ticker else match.b.market
            guide.order(intent, market.title or match.title, dry_run=dry_run)

    def skips(self, report: ScanResult, disc: Discovery) -> None:
        """Discovery's skips (malformed, not a singles match, player not identified) and unmatched."""
        now = self.clock.now()
        report.events, report.skipped = disc.events, len(disc.skipped)
        for skip in disc.skipped:
            self.say("skip", skip.event_ticker, (skip.reason,))
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
        self.tournaments(disc.matches, now)
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

    def tournaments(self, matches: list[TennisMatch], now: datetime) -> None:
        """A tournament priced by inference: one log line per run, and a sighting per scan in the
        journal (`courtside unmatched`)."""
        seen: set[tuple[str, str]] = set()
        for m in matches:
            note = m.inference_note()
            if note is None or (m.tournament, m.tour.value) in seen:
                continue
            seen.add((m.tournament, m.tour.value))
            if self._inferred.first_time(m.tournament, m.provenance):
                log.info("%s (%s)", note, m.event_ticker)
            surface = m.surface.value if m.surface is not None else "unknown"
            self.journal.record_inferred_tournament(
                InferredTournamentRow(
                    name=m.tournament, tour=m.tour.value, level=m.level.value, surface=surface,
                    best_of=m.best_of, detail=note, event_ticker=m.event_ticker,
                    first_seen=now, last_seen=now, times=1,
                )
            )  # fmt: skip

    def record(
        self,
        report: ScanResult,
        match: TennisMatch,
        p: float | None,
        decision: Decision | None,
        verdict: str,
        reasons: tuple[str, ...],
        *,
        version: str = "",
        rank: int | None = None,
    ) -> int:
        """One verdict on a priced (or unpriceable) match; returns the journal's decision id."""
        item = verdict_of(match, p, decision, verdict, reasons, rank)
        report.items.append(item)
        if verdict != "taken":
            said = "skip" if verdict == "skipped" else verdict
            self.say(said, match.event_ticker, reasons, once=report.reaction)
        return self.journal.record_decision(
            DecisionRow(
                scan_id=report.scan_id,
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
                rank=rank,
                match_start=match.start,  # a resting order's distance to the start (the dashboard)
            )
        )
