"""A Kalshi match-winner event -> a TennisMatch with both players, or a reason to skip it.

Players come from the market's `yes_sub_title`, the event title "A vs B", the rules text and the
old/new market titles, all checked against each market's ticker suffix (ticker minus event ticker;
never by halving the event code). Sources and formats: kalshi-api.md §5.2-5.3.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from courtside.domain.errors import DataError
from courtside.domain.market import Event, FeeSchedule, Market, MarketStatus, Series
from courtside.domain.tennis import Level, MatchContext, PlayerRef, Surface, Tour
from courtside.markets.inference import Provenance, TournamentResolver, default_resolver, describe
from courtside.markets.tournaments import fold, split_round

RULES = re.compile(
    r"the\s+(?P<a>.+?)\s+vs\.?\s+(?P<b>.+?)\s+professional tennis match in the (?P<year>\d{4}) "
    r"(?P<rest>.+?) after a ball",
    re.S,
)
RULES_PLAYER = re.compile(r"^If\s+(?P<name>.+?)\s+wins the\s", re.S)
OLD_TITLE = re.compile(
    r"^Will\s+(?P<name>.+?)\s+win the\s+(?P<a>.+?)\s+vs\.?\s+(?P<b>.+?)(?:\s*:.*)?\s+match\?$"
)
NEW_TITLE = re.compile(r"^(?P<name>.+?)\s+wins$")
EVENT_TITLE = re.compile(r"^(?:.*?:\s*)?(?P<a>.+?)\s+vs\.?\s+(?P<b>.+?)(?:\s*[:(].*)?$")

SERIES_TOUR: dict[str, Tour] = {
    "KXATPMATCH": Tour.ATP,
    "KXWTAMATCH": Tour.WTA,
    "KXATPCHALLENGERMATCH": Tour.ATP,
    "KXWTACHALLENGERMATCH": Tour.WTA,
    "KXITFMATCH": Tour.ATP,
    "KXITFWMATCH": Tour.WTA,
}


class Skip(DataError):
    """This event cannot be traded; `reason` says why (logged and journalled, never raised further)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Side:
    """One player of a match and the market that pays if they win."""

    name: str  # full name from yes_sub_title
    surname: str  # as written in the event title ("Van de Zandschulp")
    market: Market
    competitor_id: str | None
    player: PlayerRef | None = None


@dataclass(frozen=True, slots=True)
class TennisMatch:
    """One singles match with both players and what the model needs about it."""

    event_ticker: str
    series_ticker: str
    title: str
    tour: Tour
    a: Side
    b: Side
    tournament: str
    level: Level
    surface: Surface | None
    round: str | None
    best_of: int
    country: str | None
    indoor: bool | None
    start: datetime
    fees: FeeSchedule
    exchange_index: int | None
    # How level, surface and best-of were obtained (table / series / inferred from ...); None when the
    # match was built from known facts (the backtest). `inference_note()` is the line to log.
    provenance: Provenance | None = None

    @property
    def tickers(self) -> tuple[str, str]:
        return self.a.market.ticker, self.b.market.ticker

    def context(self) -> MatchContext:
        return MatchContext(
            tour=self.tour,
            match_date=self.start.date(),
            surface=self.surface,
            level=self.level,
            round=self.round,
            best_of=self.best_of,
            tourney_name=self.tournament,
            indoor=self.indoor,
            country=self.country,
            surface_prior=self.provenance.surface_prior if self.provenance else (),
        )

    @property
    def inferred(self) -> bool:
        """Level or surface did not come from the tournament table or the series."""
        return self.provenance is not None and self.provenance.inferred

    def inference_note(self) -> str | None:
        """'tournament 'WTA Guangzhou' priced by inference: level tour_250 from history (...), surface ...'
        for a match priced by inference; None when the table and the series gave everything."""
        if self.provenance is None or not self.provenance.inferred:
            return None
        return describe(self.tournament, self.level, self.surface, self.best_of, self.provenance)

    def with_players(self, a: PlayerRef, b: PlayerRef) -> TennisMatch:
        from dataclasses import replace

        return replace(self, a=replace(self.a, player=a), b=replace(self.b, player=b))


def _compact(text: str) -> str:
    return re.sub(r"[^a-z]", "", fold(text))


def code_matches(code: str, surname: str, full_name: str) -> bool:
    """The ticker suffix (e.g. 'LEP', 'KIM2', 'VAN') is an abbreviation of this player's name."""
    letters = _compact(re.sub(r"\d+$", "", code))
    if not letters:
        return False
    words = [_compact(w) for w in fold(surname).replace("-", " ").split()]
    candidates = {_compact(surname), _compact(full_name), *words}
    return any(c.startswith(letters) for c in candidates if c)


def _ends_with_surname(full_name: str, surname: str) -> bool:
    full, last = fold(full_name).replace("-", " "), fold(surname).replace("-", " ")
    return full == last or full.endswith(" " + last)


def event_players(event: Event) -> tuple[str, str]:
    """The two surnames, from the event title, checked against the rules text when both are present."""
    found = EVENT_TITLE.match(event.title.strip())
    if found is None:
        raise Skip(f"event title {event.title!r} is not 'A vs B'")
    a, b = found.group("a").strip(), found.group("b").strip()
    for market in event.markets:
        rules = RULES.search(market.rules_primary)
        if rules and {fold(rules.group("a")), fold(rules.group("b"))} != {fold(a), fold(b)}:
            raise Skip(f"rules text names {rules.group('a')} vs {rules.group('b')}, title {a} vs {b}")
    return a, b


def _check_market_names(market: Market) -> None:
    """Every place that names the YES player must agree with yes_sub_title."""
    name = fold(market.yes_sub_title)
    title = market.title.strip()
    for pattern in (OLD_TITLE, NEW_TITLE):
        hit = pattern.match(title)
        if hit and fold(hit.group("name")) != name:
            raise Skip(f"{market.ticker}: title names {hit.group('name')!r}, not {market.yes_sub_title!r}")
    rule = RULES_PLAYER.match(market.rules_primary.strip())
    if rule and fold(rule.group("name")) != name:
        raise Skip(f"{market.ticker}: rules name {rule.group('name')!r}, not {market.yes_sub_title!r}")


def _side_for(market: Market, a: str, b: str) -> tuple[str, Side]:
    """Which title surname this market's player is, confirmed by the ticker suffix."""
    if not market.yes_sub_title.strip():
        raise Skip(f"{market.ticker}: yes_sub_title is empty")
    code = market.code
    if not code:
        raise Skip(f"{market.ticker}: ticker does not extend its event ticker {market.event_ticker}")
    _check_market_names(market)
    hits = [s for s in (a, b) if _ends_with_surname(market.yes_sub_title, s)]
    if len(hits) != 1:
        hits = [s for s in (a, b) if code_matches(code, s, market.yes_sub_title)]
    if len(hits) != 1:
        raise Skip(f"{market.ticker}: cannot tell whether {market.yes_sub_title!r} is {a} or {b}")
    surname = hits[0]
    if not code_matches(code, surname, market.yes_sub_title):
        raise Skip(f"{market.ticker}: suffix {code} does not abbreviate {market.yes_sub_title!r}")
    return surname, Side(market.yes_sub_title.strip(), surname, market, market.competitor_id)


def _suffix_number(code: str) -> int:
    digits = re.search(r"\d+$", code)
    return int(digits.group()) if digits else 1


def _same_surname_sides(event: Event, surname: str) -> tuple[Side, Side]:
    """'Cerundolo vs Cerundolo': each market's full name says who it pays on, its suffix (CER, CER2)
    must abbreviate that surname; the unnumbered suffix is the player named first, as the event code
    CERCER2 reads (kalshi-api.md §5.2). Identical names or suffixes cannot be told apart."""
    sides = []
    for market in event.markets:
        if not market.yes_sub_title.strip() or not market.code:
            raise Skip(f"{market.ticker}: no player name or ticker suffix to tell the two {surname}s apart")
        _check_market_names(market)
        name = market.yes_sub_title.strip()
        if not _ends_with_surname(name, surname) or not code_matches(market.code, surname, name):
            raise Skip(f"{market.ticker}: {name!r} with suffix {market.code} is not one of the {surname}s")
        sides.append(Side(name, surname, market, market.competitor_id))
    first, second = sorted(sides, key=lambda s: _suffix_number(s.market.code))
    if fold(first.name) == fold(second.name) or _suffix_number(first.market.code) == _suffix_number(
        second.market.code
    ):
        raise Skip(f"{event.event_ticker}: cannot tell the two {surname}s apart")
    return first, second


def match_sides(event: Event) -> tuple[Side, Side]:
    """Both sides in event-title order, or Skip."""
    if len(event.markets) != 2:
        raise Skip(f"{event.event_ticker}: {len(event.markets)} markets, a match has 2")
    a, b = event_players(event)
    if fold(a) == fold(b):
        side_a, side_b = _same_surname_sides(event, a)
    else:
        first, second = (_side_for(m, a, b) for m in event.markets)
        if first[0] == second[0]:
            raise Skip(f"{event.event_ticker}: both markets name {first[0]}")
        by_surname = dict((first, second))
        side_a, side_b = by_surname[a], by_surname[b]
    if side_a.competitor_id and side_a.competitor_id == side_b.competitor_id:
        raise Skip(f"{event.event_ticker}: both markets carry competitor {side_a.competitor_id}")
    return side_a, side_b


def _competition(event: Event) -> tuple[str, str | None]:
    """(tournament name, round code) from product_metadata.competition and the rules text."""
    rest: str | None = None
    for market in event.markets:
        rules = RULES.search(market.rules_primary)
        if rules:
            rest = " ".join(rules.group("rest").split())
            break
    tournament, round_ = split_round(rest) if rest else (None, None)
    name = (event.competition or "").strip() or tournament
    if not name:
        raise Skip(f"{event.event_ticker}: no competition in product_metadata or the rules text")
    return name, round_


def _start(event: Event) -> datetime:
    starts = {m.occurrence_time for m in event.markets}
    if None in starts:
        raise Skip(f"{event.event_ticker}: no occurrence_datetime (scheduled start)")
    if len(starts) != 1:
        raise Skip(f"{event.event_ticker}: the two markets disagree on the start time")
    start = starts.pop()
    assert start is not None
    return start


def parse_match(event: Event, series: Series, resolver: TournamentResolver | None = None) -> TennisMatch:
    """The match behind a match-winner event; raises Skip with the reason when anything is off."""
    not_active = [m.ticker for m in event.markets if m.status is not MarketStatus.ACTIVE]
    if SERIES_TOUR.get(series.ticker) is not None and not_active:
        raise Skip(f"{event.event_ticker}: markets not active: {', '.join(not_active)}")
    return describe_match(event, series, resolver)


def describe_match(event: Event, series: Series, resolver: TournamentResolver | None = None) -> TennisMatch:
    """Players, tournament, level, round and start of a match-winner event in any status: what
    `parse_match` reads for open markets and the results reader for settled ones. Level, surface and
    best-of come from the tournament table, or are inferred (see markets.inference)."""
    tour = SERIES_TOUR.get(series.ticker)
    if tour is None:
        raise Skip(f"{series.ticker} is not a singles match-winner series")
    side_a, side_b = match_sides(event)
    name, round_ = _competition(event)
    start = _start(event)
    facts = (resolver or default_resolver()).resolve(name, series.ticker, tour, round_, start.date())
    return TennisMatch(
        event_ticker=event.event_ticker,
        series_ticker=series.ticker,
        title=event.title,
        tour=tour,
        a=side_a,
        b=side_b,
        tournament=facts.name,
        level=facts.level,
        surface=facts.surface,
        round=round_,
        best_of=facts.best_of,
        country=facts.country,
        indoor=facts.indoor,
        start=start,
        fees=event.fees_override or series.fees,
        exchange_index=series.exchange_index if event.exchange_index is None else event.exchange_index,
        provenance=facts.how,
    )
