"""Discovery: the singles match-winner series (by tag, from a configurable list), their open events
with both markets (every page), parsed into TennisMatch objects whose players the registry knows.

Anything malformed, incomplete or unidentified is skipped with a reason, never priced with a default.
Loop as recommended in kalshi-api.md §5.5.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Protocol

from courtside.domain.errors import DataError
from courtside.domain.market import Event, MalformedEvent, Series
from courtside.domain.tennis import MATCH_WINNER_SERIES, PlayerRef, Tour
from courtside.markets.match import Side, Skip, TennisMatch, parse_match
from courtside.venue.port import MarketData

if TYPE_CHECKING:  # the registry pulls in pandas; the journal commands never need it
    from courtside.data.registry import Resolution

log = logging.getLogger("courtside.markets")
DEFAULT_SERIES: tuple[str, ...] = MATCH_WINNER_SERIES  # traded by default (kalshi-api.md §5.1)

NOT_SINGLES_WINNER = re.compile(
    r"DOUBLES|SETWINNER|GTOTAL|GSPREAD|SSPREAD|TOTALSETS|EXACT|ADVANCE|STAGE|GRANDSLAM|TOURNWIN"
    r"|FINALSQUAL|1RANK|^KXTT|TABLETENNIS|PICKLEBALL",
    re.I,
)


class PlayerResolver(Protocol):
    def resolve(
        self, name: str, tour: Tour | str | None = None, *, active_on: date | None = None
    ) -> Resolution: ...


@dataclass(frozen=True, slots=True)
class Skipped:
    event_ticker: str
    reason: str
    tickers: tuple[str, ...] = ()
    players: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Unmatched:
    name: str
    tour: str
    status: str
    competitor_id: str
    event_ticker: str
    detail: str


@dataclass
class Discovery:
    series: list[Series] = field(default_factory=list)
    events: int = 0
    matches: list[TennisMatch] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)


def wanted_series(listed: Sequence[Series], wanted: Sequence[str]) -> list[Series]:
    """Keep the configured match-winner series; doubles, sets, games, futures, table tennis and
    pickleball never pass, even when configured by mistake."""
    allowed = {w.upper() for w in wanted}
    return [s for s in listed if s.ticker.upper() in allowed and not NOT_SINGLES_WINNER.search(s.ticker)]


class Identifier:
    """Players through the registry, cached per Kalshi competitor uuid for the life of the process."""

    def __init__(self, resolver: PlayerResolver) -> None:
        self.resolver = resolver
        self._by_uuid: dict[str, PlayerRef] = {}

    def _one(self, side: Side, match: TennisMatch) -> PlayerRef | Unmatched:
        if side.competitor_id and side.competitor_id in self._by_uuid:
            return self._by_uuid[side.competitor_id]
        res = self.resolver.resolve(side.name, match.tour, active_on=match.start.date())
        if res.status == "ok" and res.player is not None:
            if side.competitor_id:
                self._by_uuid[side.competitor_id] = res.player
            return res.player
        detail = res.reason or ", ".join(c.name for c in res.candidates)
        uuid = side.competitor_id or ""
        return Unmatched(side.name, match.tour.value, res.status, uuid, match.event_ticker, detail)

    def identify(self, match: TennisMatch) -> TennisMatch | list[Unmatched]:
        a, b = self._one(match.a, match), self._one(match.b, match)
        misses = [x for x in (a, b) if isinstance(x, Unmatched)]
        if misses:
            return misses
        assert isinstance(a, PlayerRef)
        assert isinstance(b, PlayerRef)
        if a.key == b.key:
            return [
                Unmatched(
                    match.a.name,
                    match.tour.value,
                    "ambiguous",
                    "",
                    match.event_ticker,
                    f"both players resolve to {a.key}",
                )
            ]
        return match.with_players(a, b)


async def discover(data: MarketData, wanted: Sequence[str], identifier: Identifier) -> Discovery:
    """Every open event of the wanted series, parsed and identified, or skipped with its reason."""
    out = Discovery(series=wanted_series(await data.tennis_series(), wanted))
    for series in out.series:
        async for event in data.open_events(series.ticker):
            out.events += 1
            if isinstance(event, MalformedEvent):
                out.skipped.append(Skipped(event.event_ticker, event.reason))
                continue
            _add(out, event, series, identifier)
    return out


def _add(out: Discovery, event: Event, series: Series, identifier: Identifier) -> None:
    """Parse and identify one event into `out`: a match, or a skip with its reason."""
    tickers = tuple(m.ticker for m in event.markets)
    players = tuple(m.yes_sub_title for m in event.markets)
    try:
        match = parse_match(event, series)
    except DataError as e:
        reason = e.reason if isinstance(e, Skip) else str(e)
        out.skipped.append(Skipped(event.event_ticker, reason, tickers, players))
        return
    found = identifier.identify(match)
    if isinstance(found, list):
        out.unmatched.extend(found)
        names = ", ".join(f"{u.name} ({u.status})" for u in found)
        out.skipped.append(Skipped(event.event_ticker, f"player not identified: {names}", tickers, players))
        return
    out.matches.append(found)
