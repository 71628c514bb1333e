"""When a match's own trades say it has begun: the fallback for a match Kalshi gives no live data for,
and a second, faster signal in --stream (pure; fed with public trades from the WebSocket `trade`
channel or from GET /markets/trades between scans).

Pre-match, a tennis market trades in ones and twos around a steady price; in play it trades heavily
and the price moves with every break (kalshi-api.md §5.6: about 29k contracts a minute on one ATP
match). So a start shows as a burst (many prints or many contracts within a minute) or as a price
jump away from where the market stood before (the mid of the book the last scan priced on), on more
than a stray contract. The thresholds are our assumptions, kept in StartSignals: a false start costs
one match not traded, a missed one an order picked off in play."""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from courtside.domain.market import OrderBook, Trade
from courtside.domain.money import ZERO

TWO = Decimal(2)


@dataclass(frozen=True, slots=True)
class StartSignals:
    window: timedelta = timedelta(seconds=60)
    burst_trades: int = 25  # prints within the window
    burst_volume: Decimal = Decimal(1000)  # contracts within the window...
    volume_trades: int = 5  # ...on this many prints at least (one big print is one trader, not play)
    jump: Decimal = Decimal("0.10")  # a YES price this far from the pre-match reference...
    jump_volume: Decimal = Decimal(10)  # ...traded on this many contracts within the window


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f")


def reference_price(book: OrderBook | None) -> Decimal | None:
    """Where the market stood: the YES mid of its book (None without both a bid and an ask)."""
    if book is None:
        return None
    bid, ask = book.best_yes_bid, book.best_yes_ask
    return None if bid is None or ask is None else (bid.price + ask.price) / TWO


@dataclass
class _Match:
    tickers: tuple[str, ...]
    refs: dict[str, Decimal]
    recent: deque[Trade] = field(default_factory=deque)
    seen: set[str] = field(default_factory=set)


class TradeWatch:
    """The recent prints of every followed match, and the verdict they give on its start."""

    def __init__(self, signals: StartSignals | None = None) -> None:
        self.signals = signals or StartSignals()
        self._matches: dict[str, _Match] = {}
        self._event_of: dict[str, str] = {}

    def follow(self, event_ticker: str, tickers: Sequence[str], books: Mapping[str, OrderBook]) -> None:
        """Watch this match's markets; the reference prices move to the books given (a new scan)."""
        refs = {t: p for t in tickers if (p := reference_price(books.get(t))) is not None}
        watched = self._matches.get(event_ticker)
        if watched is None:
            self._matches[event_ticker] = _Match(tuple(tickers), refs)
        else:
            watched.refs.update(refs)
        self._event_of.update({t: event_ticker for t in tickers})

    def retain(self, event_tickers: set[str]) -> None:
        """Stop watching every match but these (the ones a scan still cares about)."""
        for event in [e for e in self._matches if e not in event_tickers]:
            self.forget(event)

    def forget(self, event_ticker: str) -> None:
        watched = self._matches.pop(event_ticker, None)
        for t in watched.tickers if watched else ():
            self._event_of.pop(t, None)

    @property
    def followed(self) -> set[str]:
        return set(self._matches)

    def event_of(self, ticker: str) -> str | None:
        return self._event_of.get(ticker)

    def add(self, trade: Trade) -> str | None:
        """Take one print (each once, whichever feed brings it); the reason the match has begun, if
        the prints of the last window say so."""
        event = self._event_of.get(trade.ticker)
        watched = self._matches.get(event) if event else None
        if watched is None or trade.trade_id in watched.seen:
            return None
        watched.seen.add(trade.trade_id)
        watched.recent.append(trade)
        newest = max(t.created_time for t in watched.recent)
        while watched.recent and watched.recent[0].created_time < newest - self.signals.window:
            watched.recent.popleft()
        return self._verdict(watched)

    def _verdict(self, watched: _Match) -> str | None:
        s, recent = self.signals, list(watched.recent)
        volume = sum((t.count for t in recent), ZERO)
        seconds = int(s.window.total_seconds())
        if len(recent) >= s.burst_trades or (volume >= s.burst_volume and len(recent) >= s.volume_trades):
            return f"in-play trading: {len(recent)} trades, {_n(volume)} contracts within {seconds} s"
        for ticker, ref in watched.refs.items():
            far = [t for t in recent if t.ticker == ticker and abs(t.yes_price - ref) >= s.jump]
            moved = sum((t.count for t in far), ZERO)
            if far and moved >= s.jump_volume:
                last, was = _n(far[-1].yes_price), _n(ref)
                return f"price jump: {ticker} traded {_n(moved)} contracts as far as {last} from {was} before"
        return None
