"""Builders of domain Series/Event/Market/OrderBook objects for the trader's tests (no wire dicts)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from courtside.domain.errors import NotFoundError
from courtside.domain.live import MatchState, MatchStatus
from courtside.domain.market import (
    Event,
    ExchangeStatus,
    FeeSchedule,
    Level,
    MalformedEvent,
    Market,
    MarketStatus,
    OrderBook,
    Series,
    Trade,
)
from courtside.domain.money import TickGrid

D = Decimal
NOW = datetime(2026, 9, 8, 12, 0, tzinfo=UTC)
START = NOW + timedelta(hours=6)


def series(ticker: str = "KXATPMATCH", fees: FeeSchedule | None = None) -> Series:
    return Series(ticker, "ATP Tennis Match", "Sports", ("Tennis",), fees or FeeSchedule(), 3)


def market(
    event_ticker: str,
    code: str,
    name: str,
    a: str,
    b: str,
    *,
    tournament: str = "US Open Men Singles",
    round_: str = "Quarterfinal",
    title: str | None = None,
    start: datetime | None = START,
    volume: str = "5000",
    status: MarketStatus = MarketStatus.ACTIVE,
    competitor: str | None = None,
) -> Market:
    rules = (
        f"If {name} wins the {a} vs {b} professional tennis match in the 2026 {tournament} {round_} "
        "after a ball has been played, then the market resolves to Yes."
    )
    return Market(
        ticker=f"{event_ticker}-{code}",
        event_ticker=event_ticker,
        status=status,
        yes_sub_title=name,
        title=title if title is not None else f"{name} wins",
        rules_primary=rules,
        rules_secondary="",
        yes_bid=D("0.50"),
        yes_ask=D("0.52"),
        yes_bid_size=D(100),
        yes_ask_size=D(100),
        last_price=D("0.51"),
        volume=D(volume),
        volume_24h=D(volume),
        open_interest=D(100),
        tick_grid=TickGrid(),
        open_time=NOW - timedelta(days=1),
        close_time=START + timedelta(days=14),
        occurrence_time=start,
        competitor_id=competitor or f"uuid-{code.lower()}",
        exchange_index=3,
    )


def event(
    a_name: str = "Alexander Zverev",
    a_code: str = "ZVE",
    a_surname: str = "Zverev",
    b_name: str = "Botic van de Zandschulp",
    b_code: str = "VAN",
    b_surname: str = "Van de Zandschulp",
    *,
    series_ticker: str = "KXATPMATCH",
    event_ticker: str | None = None,
    competition: str | None = "US Open Men Singles",
    tournament: str = "US Open Men Singles",
    round_: str = "Quarterfinal",
    old_titles: bool = False,
    **kw: object,
) -> Event:
    et = event_ticker or f"{series_ticker}-26SEP08{a_code}{b_code}"

    def title(name: str) -> str | None:
        if not old_titles:
            return None
        return f"Will {name} win the {a_surname} vs {b_surname}: {round_} match?"

    markets = tuple(
        market(
            et,
            code,
            name,
            a_surname,
            b_surname,
            tournament=tournament,
            round_=round_,
            title=title(name),
            **kw,
        )  # type: ignore[arg-type]
        for code, name in ((a_code, a_name), (b_code, b_name))
    )
    return Event(
        event_ticker=et,
        series_ticker=series_ticker,
        title=f"{a_surname} vs {b_surname}",
        sub_title=f"{a_surname} vs {b_surname} (Sep 08)",
        competition=competition,
        mutually_exclusive=True,
        markets=markets,
        exchange_index=3,
    )


def book(
    ticker: str, yes: list[tuple[str, str]] = (), no: list[tuple[str, str]] = (), ts: datetime | None = NOW
) -> OrderBook:  # type: ignore[assignment]
    """Bids as (price, size); best first is worked out here."""
    yb = tuple(sorted((Level(D(p), D(s)) for p, s in yes), key=lambda lv: lv.price, reverse=True))
    nb = tuple(sorted((Level(D(p), D(s)) for p, s in no), key=lambda lv: lv.price, reverse=True))
    return OrderBook(ticker, yb, nb, ts)


def two_books(tickers: tuple[str, str]) -> dict[str, OrderBook]:
    """A match's two books: YES on A bid at 0.50 (ask 0.52 from NO bids 0.48/0.47), YES on B bid at
    0.44 (ask 0.46): the shared fixture of the strategy tests."""
    a, b = tickers
    return {
        a: book(a, yes=[("0.50", "100")], no=[("0.48", "20"), ("0.47", "50")]),
        b: book(b, yes=[("0.44", "30")], no=[("0.54", "40")]),
    }


class FakeData:
    """An in-memory MarketData port (venue/port.py): the books, markets and events a test sets."""

    def __init__(self) -> None:
        from courtside.domain.market import ExchangeStatus, ShardStatus

        self.books: dict[str, OrderBook] = {}
        self.markets: dict[str, Market] = {}
        self.events: list[tuple[Series, Event]] = []
        self.exchange_status = ExchangeStatus(True, True, (ShardStatus(3, True, True),))
        self.statuses: dict[str, MatchStatus] = {}  # event -> what the venue says of its start
        self.tape: list[Trade] = []  # public trades, oldest first

    async def status(self) -> ExchangeStatus:
        return self.exchange_status

    async def tennis_series(self) -> list[Series]:
        seen: dict[str, Series] = {}
        for s, _ in self.events:
            seen[s.ticker] = s
        return list(seen.values())

    async def series(self, series_ticker: str) -> Series:
        for s, _ in self.events:
            if s.ticker == series_ticker:
                return s
        raise NotFoundError(f"no series {series_ticker}", status=404, code="not_found")

    async def open_events(self, series_ticker: str) -> AsyncIterator[Event | MalformedEvent]:
        for s, e in self.events:
            if s.ticker == series_ticker:
                yield e

    async def orderbooks(self, tickers: Sequence[str]) -> dict[str, OrderBook]:
        return {t: self.books[t] for t in tickers if t in self.books}

    async def market(self, ticker: str) -> Market:
        return self.markets[ticker]

    async def match_status(self, event_tickers: Sequence[str]) -> dict[str, MatchStatus]:
        unknown = "no milestone listed"
        return {e: self.statuses.get(e, MatchStatus(e, MatchState.UNKNOWN, unknown)) for e in event_tickers}

    async def trades(self, ticker: str, *, since: datetime) -> list[Trade]:
        return [t for t in reversed(self.tape) if t.ticker == ticker and t.created_time >= since]
