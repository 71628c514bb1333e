"""Level, surface and best-of for any competition Kalshi lists, and how each was obtained.

The hand-kept table (`tournaments.csv`) answers first. For a competition it does not know, the facts
are derived from what Kalshi gives: the level from the series ticker (KXATPCHALLENGERMATCH, KXITFMATCH,
...) and the name ("M25", "W35", "WTA 125K", "Challenger", "... Men Singles"); the surface from the
name, then the history of the same city around the same week in the match data
(`tournament_history.json`), then the calendar (what is usually played at that level that week).
Kalshi's event metadata carries only `competition` and `competition_scope` (no surface), so there is
nothing more to read there. When the surface stays unknown the match is priced on the blend of the
surfaces the calendar allows (`surface_prior`), and the provenance says so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache

from courtside.domain.tennis import Level, Surface, Tour
from courtside.markets.history import (
    TournamentHistory,
    category_of,
    city_key,
    season_week,
    shipped_history,
    us_state,
)
from courtside.markets.tournaments import (
    TOUR_LEVELS,
    Tournament,
    best_of,
    fold,
    is_qualifying,
    lower_level,
    table_entry,
)

SERIES_LEVEL: dict[str, Level] = {
    "KXATPCHALLENGERMATCH": Level.CHALLENGER,
    "KXWTACHALLENGERMATCH": Level.CHALLENGER,
    "KXITFMATCH": Level.ITF,
    "KXITFWMATCH": Level.ITF,
}
# The calendar names the surface only when it is this sure; below, the match is priced on the blend.
# benchmarks/eval_tournaments.py measures how often the calendar's pick is right at each share.
CALENDAR_DECIDES = 0.8
# Names that give the level of a tour-level event the table does not know (Kalshi's spellings, §5.2).
_NAME_LEVELS: tuple[tuple[re.Pattern[str], Level, str], ...] = (
    (re.compile(r"\bOlympic", re.I), Level.OLYMPICS, "'Olympic'"),
    (re.compile(r"^(?:ATP|WTA)\s+Finals$", re.I), Level.TOUR_FINALS, "'ATP/WTA Finals'"),
    (re.compile(r"\s(?:Men|Women)'?s?\s+Singles$", re.I), Level.GRAND_SLAM, "'... Men/Women Singles'"),
)
_SURFACE_WORD = re.compile(r"\b(clay|grass|hard|carpet)\b")


class Source(StrEnum):
    """Where a fact about the tournament came from."""

    TABLE = "table"  # markets/tournaments.csv
    SERIES = "series"  # the series ticker: KXITFMATCH is ITF, KXATPCHALLENGERMATCH Challenger
    NAME = "name"  # the competition name or rules text: "M25", "125K", "Challenger", "Men Singles"
    HISTORY = "history"  # the same city around the same week in the match data
    CALENDAR = "calendar"  # the surface usually played at this level in this week
    DEFAULT = "default"  # a tour-level series and nothing else known: a 250
    RULE = "rule"  # best-of from the level and the round
    UNKNOWN = "unknown"  # the surface: priced on the blend of the calendar's surfaces


KNOWN = frozenset({Source.TABLE, Source.SERIES, Source.RULE})


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact's source and the evidence, e.g. (history, 'guangzhou week 38 (wta tour, 4 editions ...)')."""

    source: Source
    detail: str = ""

    def __str__(self) -> str:
        return f"{self.source.value} ({self.detail})" if self.detail else self.source.value


@dataclass(frozen=True, slots=True)
class Provenance:
    """How the level, surface and best-of of a match were obtained; the surface blend when unknown."""

    level: Fact
    surface: Fact
    best_of: Fact
    surface_prior: tuple[tuple[Surface, float], ...] = ()

    @property
    def inferred(self) -> bool:
        """True when the table and the series did not give both the level and the surface."""
        return self.level.source not in KNOWN or self.surface.source not in KNOWN

    @property
    def surface_unknown(self) -> bool:
        return self.surface.source is Source.UNKNOWN


@dataclass(frozen=True, slots=True)
class TournamentFacts:
    """What the model needs about the tournament, with the provenance of each fact."""

    name: str
    level: Level
    surface: Surface | None
    best_of: int
    country: str | None
    indoor: bool | None
    how: Provenance

    def describe(self) -> str:
        return describe(self.name, self.level, self.surface, self.best_of, self.how)


def describe(name: str, level: Level, surface: Surface | None, sets: int, how: Provenance) -> str:
    """One log line: "tournament 'WTA Guangzhou' priced by inference: level tour_250 from history (...),
    surface Hard from history (...), best of 3"."""
    verb = "priced by inference" if how.inferred else "from the table"
    shown = surface.value if surface else "unknown"
    return (
        f"tournament {name!r} {verb}: level {level.value} from {how.level}, "
        f"surface {shown} from {how.surface}, best of {sets}"
    )


def _prior_text(prior: dict[Surface, float]) -> str:
    return ", ".join(f"{s.value} {w:.2f}" for s, w in prior.items())


@dataclass(frozen=True)
class TournamentResolver:
    """Resolves a competition name to TournamentFacts: table first, then inference. Either source can be
    switched off, so the benchmark measures the inference alone."""

    use_table: bool = True
    history: TournamentHistory | None = field(default_factory=shipped_history)
    calendar_decides: float = CALENDAR_DECIDES

    def resolve(
        self, competition: str, series: str, tour: Tour, round_: str | None, day: date
    ) -> TournamentFacts:
        """The facts of this competition for a match on `day` (its week of the year matters)."""
        text = " ".join(competition.split())
        hint = self._lower_hint(text, series)
        entry = self._entry(text, tour, hint)
        level, how_level = self._level(text, series, tour, day, hint, entry)
        surface, how_surface, prior = self._surface(text, tour, level, day, entry)
        main_level = level
        if level in TOUR_LEVELS and is_qualifying(round_):
            level, how_level = Level.QUALIFYING, Fact(how_level.source, f"{how_level.detail}; round {round_}")
        sets = best_of(tour, main_level, round_)
        how_best_of = Fact(Source.RULE, f"{main_level.value}, round {round_ or 'unknown'}")
        name = entry.name if entry is not None and hint is None else text
        return TournamentFacts(
            name=name,
            level=level,
            surface=surface,
            best_of=sets,
            country=self._country(text, tour, level, day, entry),
            indoor=entry.indoor if entry is not None else None,
            how=Provenance(how_level, how_surface, how_best_of, prior),
        )

    @staticmethod
    def _lower_hint(text: str, series: str) -> tuple[Level, Fact] | None:
        """ITF or Challenger from the series ticker, else from the name."""
        if series in SERIES_LEVEL:
            return SERIES_LEVEL[series], Fact(Source.SERIES, series)
        lower = lower_level(text)
        if lower is not None:
            return lower[0], Fact(Source.NAME, repr(lower[1]))
        return None

    def _entry(self, text: str, tour: Tour, hint: tuple[Level, Fact] | None) -> Tournament | None:
        """The table's row, if it describes this tournament: an ITF or Challenger name takes only a row of
        an ITF or Challenger event in that city (a tour event there is another tournament)."""
        if not self.use_table:
            return None
        entry = table_entry(text, tour)
        if entry is not None and hint is not None and entry.level not in (Level.CHALLENGER, Level.ITF):
            return None
        return entry

    def _level(
        self,
        text: str,
        series: str,
        tour: Tour,
        day: date,
        hint: tuple[Level, Fact] | None,
        entry: Tournament | None,
    ) -> tuple[Level, Fact]:
        if hint is not None:
            return hint
        if entry is not None:
            return entry.level, Fact(Source.TABLE, entry.name)
        for pattern, level, marker in _NAME_LEVELS:
            if pattern.search(text):
                return level, Fact(Source.NAME, marker)
        if self.history is not None:
            played = self.history.tour_level(city_key(text), tour, _week(day))
            if played is not None:
                return played.level, Fact(Source.HISTORY, played.describe())
        return Level.TOUR_250, Fact(Source.DEFAULT, f"tour-level series {series}, no other clue")

    def _surface(
        self, text: str, tour: Tour, level: Level, day: date, entry: Tournament | None
    ) -> tuple[Surface | None, Fact, tuple[tuple[Surface, float], ...]]:
        if entry is not None and entry.surface is not None:
            return entry.surface, Fact(Source.TABLE, entry.name), ()
        word = _SURFACE_WORD.search(fold(text))
        if word:
            return Surface(word.group(1).capitalize()), Fact(Source.NAME, repr(word.group(1))), ()
        if self.history is None:
            return None, Fact(Source.UNKNOWN, "no table row and no history"), ()
        city, category, week = city_key(text), category_of(level), _week(day)
        played = self.history.near(city, tour, category, week)
        if played is not None:
            return (
                played.surface,
                Fact(Source.HISTORY, f"same city near week {week}: {played.describe()}"),
                (),
            )
        played = self.history.one_surface(city, tour, category)
        if played is not None:
            detail = (
                f"every {played.category} event in the city on {played.surface.value}: {played.describe()}"
            )
            return played.surface, Fact(Source.HISTORY, detail), ()
        prior = self.history.calendar(tour, category, week)
        top = next(iter(prior.items()), None)
        where = f"{tour.value} {category} week {week}: {_prior_text(prior)}"
        if top is not None and top[1] >= self.calendar_decides:
            return top[0], Fact(Source.CALENDAR, where), ()
        return None, Fact(Source.UNKNOWN, f"priced on the surface blend, {where}"), tuple(prior.items())

    def _country(
        self, text: str, tour: Tour, level: Level, day: date, entry: Tournament | None
    ) -> str | None:
        if entry is not None and entry.country:
            return entry.country
        if self.history is not None:
            played = self.history.near(city_key(text), tour, category_of(level), _week(day))
            if played is not None and played.country:
                return played.country
        return "USA" if us_state(text) else None


def _week(day: date) -> int:
    return season_week(day.isocalendar().week)


@lru_cache(maxsize=1)
def default_resolver() -> TournamentResolver:
    """The table and the shipped history, loaded once."""
    return TournamentResolver()


class InferredTournaments:
    """Which tournaments priced by inference this run has already logged: the trader logs each once."""

    def __init__(self) -> None:
        self._seen: set[str] = set()

    def first_time(self, tournament: str, how: Provenance | None) -> bool:
        """True the first time a tournament priced by inference is seen (then log `facts.describe()`)."""
        if how is None or not how.inferred or tournament in self._seen:
            return False
        self._seen.add(tournament)
        return True
