"""The walk-forward replay: day by day, price each match, let the trader act on synthetic books, settle.

The engine knows nothing of how probabilities are made or how orders are chosen: it asks a
`Probabilities` (the as-of model, or the market itself for the control run) and a `ReplayActor` (the real
strategy, sizing, risk and paper fill; see backtest/actor.py). Matches of one day are decided with the
bankroll as of that morning and settled together in the evening, so the same-day exposure counts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import groupby
from typing import Protocol

from courtside.backtest.books import BookSpec, MatchBooks, build_books
from courtside.backtest.matches import MatchSpec
from courtside.backtest.records import TradeRow
from courtside.backtest.settle import TENNIS_FEES, leg_value, settle_order, yes_value
from courtside.domain.market import FeeSchedule
from courtside.domain.money import ZERO
from courtside.domain.orders import Outcome


@dataclass(frozen=True, slots=True)
class MatchQuote:
    """What the trader sees of one match: the context, both books and the model's P(A wins)."""

    spec: MatchSpec
    books: MatchBooks
    p_a: float
    fees: FeeSchedule = TENNIS_FEES


@dataclass(frozen=True, slots=True)
class PaperFill:
    """One order the trader placed and the paper-fill rule filled (wholly or partly)."""

    ticker: str
    outcome: Outcome  # the leg bought
    price: Decimal  # price paid per contract of that leg
    contracts: Decimal
    maker: bool
    route: str
    p_model: float  # model probability that the leg pays
    p_blend: float  # the probability the decision used (the model blended with the market's mid)
    edge: Decimal  # p_blend - price - fee per contract


@dataclass(frozen=True, slots=True)
class Account:
    """The trader's account as the backtest keeps it."""

    bankroll: Decimal
    exposure: Decimal  # cost + fees of today's still-unsettled orders


class Probabilities(Protocol):
    """P(player A wins) for a match, known before it starts, or None when the model has none."""

    @property
    def version(self) -> str:
        """What made the probabilities (a model fingerprint, "control", a study's name): reported."""
        ...

    def p_a(self, spec: MatchSpec) -> float | None: ...


class ReplayActor(Protocol):
    """Decide, size, check and paper-fill on one match; returns the fills, or a reason for none."""

    def act(self, quote: MatchQuote, account: Account) -> tuple[list[PaperFill], str | None]: ...


class MarketProbabilities:
    """The control: the model replaced by the de-vigged market price itself."""

    version = "control: the Shin de-vigged close itself"

    def p_a(self, spec: MatchSpec) -> float | None:
        return spec.fair_a


@dataclass
class RunResult:
    """Everything a run produced."""

    rows: list[TradeRow] = field(default_factory=list)
    matches: int = 0
    priced: int = 0
    reasons: Counter[str] = field(default_factory=Counter)
    start_bankroll: Decimal = ZERO
    end_bankroll: Decimal = ZERO
    traded: list[tuple[MatchSpec, float]] = field(default_factory=list)  # (match, p_a) with a trade
    model: str = ""
    forecasts: list[tuple[date, str, float]] = field(default_factory=list)  # (day, event, p_a) priced
    first_day: date | None = None  # of the matches replayed
    last_day: date | None = None
    stopped: tuple[date, str] | None = None  # the day the trader stopped opening positions, and why


def _row(spec: MatchSpec, fill: PaperFill, bankroll: Decimal) -> TradeRow:
    for_a = fill.ticker == spec.ticker_a
    yes = yes_value(spec.a_won, spec.result, spec.fair_a, for_a=for_a)
    settled = settle_order(fill.contracts, fill.price, leg_value(yes, fill.outcome), maker=fill.maker)
    fair_yes = spec.fair_a if for_a else 1.0 - spec.fair_a
    return TradeRow(
        date=spec.day,
        tour=spec.tour.value,
        tournament=spec.tournament,
        level=spec.level.value,
        surface=spec.surface.value if spec.surface else "",
        round=spec.round,
        match=spec.title,
        player_a=spec.player_a,
        player_b=spec.player_b,
        odds_a=spec.odds_a,
        odds_b=spec.odds_b,
        event_ticker=spec.event_ticker,
        ticker=fill.ticker,
        market_player=spec.player_a if for_a else spec.player_b,
        route=fill.route,
        side=fill.outcome.value,
        price=fill.price,
        contracts=fill.contracts,
        maker=fill.maker,
        fee=settled.fee,
        p_model=fill.p_model,
        p_blend=fill.p_blend,
        p_market_fair=fair_yes if fill.outcome is Outcome.YES else 1.0 - fair_yes,
        edge=fill.edge,
        result=spec.result.value,
        winner=spec.winner,
        settlement_value=settled.value,
        pnl=settled.pnl,
        bankroll=bankroll,
    )


def _day(
    specs: Iterable[MatchSpec], probs: Probabilities, trader: ReplayActor, book: BookSpec, result: RunResult
) -> None:
    bankroll = result.end_bankroll
    exposure = ZERO
    rows: list[TradeRow] = []
    for spec in specs:
        result.matches += 1
        p_a = probs.p_a(spec)
        if p_a is None:
            result.reasons["no model prediction"] += 1
            continue
        result.priced += 1
        result.forecasts.append((spec.day, spec.event_ticker, p_a))
        quote = MatchQuote(spec, build_books(spec.fair_a, spec.ticker_a, spec.ticker_b, book), p_a)
        fills, reason = trader.act(quote, Account(bankroll, exposure))
        if not fills:
            result.reasons[reason or "no order"] += 1
            continue
        result.traded.append((spec, p_a))
        for fill in fills:
            row = _row(spec, fill, bankroll)
            exposure += row.contracts * row.price + row.fee
            rows.append(row)
    result.rows.extend(rows)
    result.end_bankroll = bankroll + sum((r.pnl for r in rows), ZERO)


def run(
    specs: Sequence[MatchSpec],
    probs: Probabilities,
    trader: ReplayActor,
    *,
    bankroll: Decimal,
    book: BookSpec | None = None,
) -> RunResult:
    """Replay the matches in date order; specs must be sorted by day."""
    result = RunResult(start_bankroll=bankroll, end_bankroll=bankroll)
    if specs:
        result.first_day, result.last_day = specs[0].day, specs[-1].day
    layout = book or BookSpec()
    for _, day_specs in groupby(specs, key=lambda s: s.day):
        _day(day_specs, probs, trader, layout, result)
    return result
