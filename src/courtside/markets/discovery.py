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
from datetime import date, datetime
from typing import TYPE_CHECKING, Protocol

from courtside.domain.errors import DataError
from courtside.domain.market import Event, MalformedEvent, MalformedSeries, Series
from courtside.domain.tennis import MATCH_WINNER_SERIES, PlayerRef, Tour
from courtside.markets.match import Side, Skip, TennisMatch, parse_match
from courtside.venue.port import MarketData

if TYPE_CHECKING:  # the registry pulls in pandas; the journal commands never need it
    from courtside.data.registry import Resolution

log = logging.getLogger("courtside.markets")
DEFAULT_SERIES: tuple[str, ...] = MATCH_WINNER_SERIES  # traded by default (kalshi-api.md §5.1)
CONFLICT = "conflict"  # an Unmatched status: the competitor id names another player than the name
Listed = Series | MalformedSeries

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
    series: list[Listed] = field(default_factory=list)
    events: int = 0
    matches: list[TennisMatch] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    unmatched: list[Unmatched] = field(default_factory=list)


def wanted_series(listed: Sequence[Listed], wanted: Sequence[str]) -> list[Listed]:
    """Keep the configured match-winner series; doubles, sets, games, futures, table tennis and
    pickleball never pass, even when configured by mistake. A malformed series is kept when wanted, so
    its matches are reported as skipped with its reason."""
    allowed = {w.upper() for w in wanted}
    return [s for s in listed if s.ticker.upper() in allowed and not NOT_SINGLES_WINNER.search(s.ticker)]


class Identifier:
    """Players by name through the registry: the name is what the market pays on (its rules text and
    titles are checked against it). Kalshi's competitor id is only cross-checked: an id seen before for
    another player contradicts the name, so the match is reported (unmatched, status "conflict") and
    skipped instead of being priced on a player the market does not name. An id is bound to the player
    its first consistent match named, for the life of the process."""

    def __init__(self, resolver: PlayerResolver) -> None:
        self.resolver = resolver
        self._by_uuid: dict[str, PlayerRef] = {}

    def _one(self, side: Side, match: TennisMatch) -> PlayerRef | Unmatched:
        res = self.resolver.resolve(side.name, match.tour, active_on=match.start.date())
        uuid = side.competitor_id or ""
        if res.status != "ok" or res.player is None:
            detail = res.reason or ", ".join(c.name for c in res.candidates)
            return Unmatched(side.name, match.tour.value, res.status, uuid, match.event_ticker, detail)
        known = self._by_uuid.get(uuid) if uuid else None
        if known is not None and known.key != res.player.key:
            detail = (
                f"competitor id {uuid} was {known.name} ({known.key}) before; "
                f"the name says {res.player.name} ({res.player.key})"
            )
            return Unmatched(side.name, match.tour.value, CONFLICT, uuid, match.event_ticker, detail)
        return res.player

    def identify(self, match: TennisMatch) -> TennisMatch | list[Unmatched]:
        a, b = self._one(match.a, match), self._one(match.b, match)
        misses = [x for x in (a, b) if isinstance(x, Unmatched)]
        if misses:
            return misses
        assert isinstance(a, PlayerRef)
        assert isinstance(b, PlayerRef)
        if a.key == b.key:
            detail = f"both players resolve to {a.key}"
            return [Unmatched(match.a.name, match.tour.value, "ambiguous", "", match.event_ticker, detail)]
        for side, player in ((match.a, a), (match.b, b)):
            if side.competitor_id:
                self._by_uuid.setdefault(side.competitor_id, player)
        return match.with_players(a, b)


async def discover(
    data: MarketData, wanted: Sequence[str], identifier: Identifier, now: datetime
) -> Discovery:
    """Every open event of the wanted series, parsed and identified, or skipped with its reason."""
    out = Discovery(series=wanted_series(await data.tennis_series(), wanted))
    for series in out.series:
        async for event in data.open_events(series.ticker):
            out.events += 1
            if isinstance(event, MalformedEvent):
                out.skipped.append(Skipped(event.event_ticker, event.reason))
            elif isinstance(series, MalformedSeries):
                out.skipped.append(_skip(event, series.reason))
            else:
                _add(out, event, series, identifier, now)
    return out


def _skip(event: Event, reason: str) -> Skipped:
    tickers = tuple(m.ticker for m in event.markets)
    return Skipped(event.event_ticker, reason, tickers, tuple(m.yes_sub_title for m in event.markets))


def skipped(match: TennisMatch, reason: str) -> Skipped:
    """A match found but not to be traded (its book is broken, say), as discovery reports skips."""
    return Skipped(match.event_ticker, reason, match.tickers, (match.a.name, match.b.name))


def schedule_problem(match: TennisMatch, now: datetime) -> str | None:
    """An open market whose close_time has passed is not one to trade (kalshi-api.md §5.3)."""
    for side in (match.a, match.b):
        close = side.market.close_time
        if close is None or close <= now:
            return f"{side.market.ticker}: close_time {close} is not in the future"
    return None


def _add(out: Discovery, event: Event, series: Series, identifier: Identifier, now: datetime) -> None:
    """Parse and identify one event into `out`: a match, or a skip with its reason."""
    if event.series_ticker != series.ticker:
        out.skipped.append(
            _skip(event, f"listed under {series.ticker} but its series is {event.series_ticker}")
        )
        return
    try:
        match = parse_match(event, series)
    except DataError as e:
        out.skipped.append(_skip(event, e.reason if isinstance(e, Skip) else str(e)))
        return
    problem = schedule_problem(match, now)
    if problem is not None:
        out.skipped.append(_skip(event, problem))
        return
    found = identifier.identify(match)
    if isinstance(found, list):
        out.unmatched.extend(found)
        names = "; ".join(
            f"{u.name} ({u.status}: {u.detail})" if u.status == CONFLICT else f"{u.name} ({u.status})"
            for u in found
        )
        out.skipped.append(_skip(event, f"player not identified: {names}"))
        return
    out.matches.append(found)
