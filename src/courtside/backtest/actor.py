"""The trader's own code run on a historical match: decide (strategy + sizing), risk checks, paper fill.

Nothing here chooses, sizes or vets an order: `courtside.strategy.decide`, `courtside.risk.checks`
and the paper-fill rule of `courtside.venue.matching`, the one dry-run uses (our order trades against
the levels of the book that cross its limit, at their prices, taker fee) do. What the backtest adds is
the synthetic market around each match: tickers, a scheduled start (noon UTC on the match day,
decided `lead` before it), an assumed traded volume, and the closing book as the only book. A resting
remainder never fills, because no later book exists to cross it: maker-style orders therefore never
trade in a backtest.

The risk view is the backtest's own: the morning's bankroll is the equity (every earlier position has
settled, so it is at cost), its running maximum the high-water mark, and the trading state moves to
REDUCING through the same `risk.assess` as the trader's, never back to ACTIVE within a run.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from courtside.backtest.engine import Account, MatchQuote, PaperFill
from courtside.backtest.matches import MatchSpec
from courtside.domain.market import ExchangeStatus, Market, MarketStatus, OrderBook
from courtside.domain.money import LINEAR_CENT, ZERO, TickGrid
from courtside.domain.orders import outcome_price_for
from courtside.markets.match import Side, TennisMatch
from courtside.risk.checks import Proposal, RiskLimits, RiskView, TradingState, assess, evaluate
from courtside.strategy.decide import NoTrade, OrderIntent, PricedMatch, StrategyParams, StrategyState, decide
from courtside.venue.matching import take

START_TIME = time(12, 0, tzinfo=UTC)
OPEN = ExchangeStatus(exchange_active=True, trading_active=True)


@dataclass(frozen=True, slots=True)
class ReplaySettings:
    """The trader's parameters, plus what the backtest must assume about the historical markets."""

    strategy: StrategyParams = field(default_factory=StrategyParams)
    limits: RiskLimits = field(default_factory=RiskLimits)
    lead: timedelta = timedelta(hours=1)  # decide this long before the scheduled start
    volume: Decimal = Decimal(10_000)  # assumed contracts traded in each market before the decision


def _market(ticker: str, event: str, name: str, start: datetime, volume: Decimal) -> Market:
    return Market(
        ticker=ticker, event_ticker=event, status=MarketStatus.ACTIVE, yes_sub_title=name,
        title=f"{name} wins", rules_primary="", rules_secondary="", yes_bid=None, yes_ask=None,
        yes_bid_size=ZERO, yes_ask_size=ZERO, last_price=None, volume=volume, volume_24h=volume,
        open_interest=ZERO, tick_grid=TickGrid(LINEAR_CENT), open_time=None, close_time=None,
        occurrence_time=start,
    )  # fmt: skip


def tennis_match(spec: MatchSpec, quote: MatchQuote, settings: ReplaySettings) -> TennisMatch:
    """The historical match dressed as the TennisMatch the trader builds from a Kalshi event."""
    start = datetime.combine(spec.day, START_TIME)
    event = spec.event_ticker
    market_a = _market(spec.ticker_a, event, spec.player_a, start, settings.volume)
    market_b = _market(spec.ticker_b, event, spec.player_b, start, settings.volume)
    return TennisMatch(
        event_ticker=event, series_ticker=event.split("-")[0], title=spec.title, tour=spec.tour,
        a=Side(spec.player_a, spec.player_a.split(" ")[0], market_a, None),
        b=Side(spec.player_b, spec.player_b.split(" ")[0], market_b, None),
        tournament=spec.tournament, level=spec.level, surface=spec.surface, round=spec.round,
        best_of=spec.best_of, country=None, indoor=None, start=start, fees=quote.fees, exchange_index=None,
    )  # fmt: skip


def paper_fills(intent: OrderIntent, book: OrderBook) -> list[PaperFill]:
    """The paper-fill rule on the closing book: take the crossing levels, best first, up to the count."""
    quote = intent.quote
    p_model = quote.p if intent.belief is None else quote.route.probability(intent.belief.p_model)
    return [
        PaperFill(
            ticker=intent.ticker,
            outcome=quote.route.outcome,
            price=outcome_price_for(quote.route.outcome, level.price),
            contracts=level.size,
            maker=False,
            route=quote.route.label,
            p_model=p_model,
            p_blend=quote.p,
            edge=Decimal(str(quote.p)) - quote.avg_price - quote.fee_per_contract,
        )
        for level in take(book, intent.side, intent.yes_price, intent.count, intent.time_in_force)
    ]


@dataclass(frozen=True, slots=True)
class Stop:
    """When the trading state left ACTIVE in a replay, and why (with the figures)."""

    day: date
    state: TradingState
    reason: str


class StrategyActor:
    """The engine's ReplayActor, made of the trader's strategy, risk checks and paper-fill rule."""

    def __init__(self, settings: ReplaySettings) -> None:
        self.settings = settings
        self._traded: set[str] = set()
        self.state = TradingState.ACTIVE
        self.state_reason = ""
        self.peak: Decimal | None = None  # the bankroll's high-water mark
        self.stopped: Stop | None = None

    def _view(self, now: datetime, account: Account) -> RiskView:
        """The risk view of this morning's account; a drawdown past the limit moves ACTIVE to REDUCING."""
        self.peak = account.bankroll if self.peak is None else max(self.peak, account.bankroll)
        facts = RiskView(
            now=now, exchange=OPEN, traded_events=frozenset(self._traded), open_exposure=account.exposure,
            equity=account.bankroll, peak_equity=self.peak,
        )  # fmt: skip
        view, tripped = assess(facts, self.settings.limits, (self.state, self.state_reason))
        if tripped is not None:
            self.state, self.state_reason = view.state, view.state_reason
            self.stopped = Stop(now.date(), self.state, self.state_reason)
        return view

    def act(self, quote: MatchQuote, account: Account) -> tuple[list[PaperFill], str | None]:
        spec = quote.spec
        match = tennis_match(spec, quote, self.settings)
        books = {spec.ticker_a: quote.books.book_a, spec.ticker_b: quote.books.book_b}
        now = match.start - self.settings.lead
        view = self._view(now, account)
        cash = account.bankroll - account.exposure  # the day's orders are paid from the morning's cash
        state = StrategyState(now, account.bankroll, account.exposure, cash)
        decision = decide(PricedMatch(match, quote.p_a), books, self.settings.strategy, state)
        if isinstance(decision, NoTrade):
            return [], _first(decision.reasons)
        refusals = evaluate(Proposal(decision, match, books), view, self.settings.limits)
        if refusals:
            return [], "risk: " + _first(refusals)
        fills = paper_fills(decision, books[decision.ticker])
        if fills:
            self._traded.add(spec.event_ticker)
        return fills, None if fills else "no crossing liquidity"


def _first(reasons: tuple[str, ...] | list[str]) -> str:
    """A reason with its numbers stripped (and a parenthesised detail that holds numbers, such as the
    figures of a max-drawdown stop), so reasons can be counted."""
    if not reasons:
        return "no order"
    head, cut, detail = reasons[0].partition(" (")
    text = head if cut and any(ch.isdigit() for ch in detail) else reasons[0]
    return " ".join(w for w in text.split() if not any(ch.isdigit() for ch in w))
