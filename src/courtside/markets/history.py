"""Where and when tournaments were played: the surface and level of a city's event in a given week.

The table (`tournament_history.json`, next to this module) is generated from the match history by
`scripts/build_tournament_history.py` (courtside.data.tournament_history) and shipped with the
package, because the trader has no data folder at run time. It answers two questions for a
competition that is not in the hand-kept tournament table: what was played in this city around this
week of the year, and, failing that, what is usually played at this level in this week (the calendar).
Derived from Jeff Sackmann's match files (Tennis Abstract, CC BY-NC-SA 4.0).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from courtside.domain.errors import ConfigError
from courtside.domain.tennis import Level, Surface, Tour
from courtside.markets.tournaments import fold

SCHEMA = 1
FILE = "tournament_history.json"
ROW_COLUMNS = ("tour", "category", "city", "week", "surface", "level", "country", "first", "last", "editions")
CALENDAR_COLUMNS = ("tour", "category", "week", "surface", "editions")
CATEGORIES = ("tour", "challenger", "itf")
NEAR_WEEKS = 3  # a tournament moves by a week or two between seasons; the next one in town is further
CALENDAR_SPREAD = 1  # the calendar counts the weeks either side too

_STRIP = re.compile(
    r"\$\d+k\b|(?<![a-z])[mw]\d+(?:\+h)?(?![a-z])|\b(?:atp|wta|itf|challenger|ch|masters|\d+k?|"
    r"men'?s?|women'?s?|ladies|singles)\b"
)
_STATE_CODES = (
    "al ak az ar ca co ct de fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj nm ny nc "
    "nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy dc"
)
US_STATES = frozenset(_STATE_CODES.split(" "))


CalendarCell = tuple[Tour, str, int, Surface, int]  # tour, category, week, surface, editions


def category_of(level: Level) -> str:
    """The three worlds a city's events are compared in: tour (incl. qualifying), challenger, itf."""
    if level is Level.CHALLENGER:
        return "challenger"
    return "itf" if level is Level.ITF else "tour"


def us_state(text: str) -> bool:
    """'M25 Edwardsville IL': the name ends with a US state code, as ITF names in the USA do."""
    words = fold(text).split()
    return len(words) > 1 and words[-1] in US_STATES


def city_key(name: str) -> str:
    """The city in a competition name, letters only: 'W60+H Charlottesville VA' and 'M25 Charlottesville'
    -> 'charlottesville', 'Madrid Masters' and 'ATP Madrid' -> 'madrid', 'Tampere CH' -> 'tampere'."""
    words = _STRIP.sub(" ", fold(name)).split()
    if len(words) > 1 and words[-1] in US_STATES:
        words = words[:-1]
    return re.sub(r"[^a-z]", "", "".join(words))


@dataclass(frozen=True, slots=True)
class Played:
    """One city's event in one week of the year, as far back as `first` and as late as `last`."""

    tour: Tour
    category: str
    city: str
    week: int
    surface: Surface
    level: Level
    country: str | None
    first: int
    last: int
    editions: int

    def describe(self) -> str:
        years = str(self.last) if self.first == self.last else f"{self.first}-{self.last}"
        plural = "s" if self.editions > 1 else ""
        kind = f"{self.tour.value} {self.category}"
        return f"{self.city} week {self.week} ({kind}, {self.editions} edition{plural} {years})"


def season_week(week: int) -> int:
    """ISO week folded onto 1..52: week 53 (an event starting in the last days of December) is week 1."""
    return (week - 1) % 52 + 1


def week_gap(a: int, b: int) -> int:
    """Weeks apart on the circle of the year (week 52 and week 1 are one week apart)."""
    d = abs(a - b) % 52
    return min(d, 52 - d)


class TournamentHistory:
    """Lookups over the generated table: the city near the same week, the city at any time, the calendar."""

    def __init__(self, rows: Iterable[Played], calendar: Iterable[CalendarCell]) -> None:
        self.by_city: dict[str, list[Played]] = {}
        for row in rows:
            self.by_city.setdefault(row.city, []).append(row)
        self.weeks: dict[tuple[Tour, str, int], Counter[Surface]] = {}
        for tour, category, week, surface, editions in calendar:
            self.weeks.setdefault((tour, category, week), Counter())[surface] += editions

    def __len__(self) -> int:
        return sum(len(rows) for rows in self.by_city.values())

    def _scoped(self, city: str, tour: Tour, category: str) -> list[list[Played]]:
        """The city's events, nearest kind first: same tour and level, other tour, any level."""
        rows = self.by_city.get(city, [])
        return [
            [r for r in rows if r.tour is tour and r.category == category],
            [r for r in rows if r.tour is not tour and r.category == category],
            [r for r in rows if r.tour is tour and r.category != category],
            [r for r in rows if r.tour is not tour and r.category != category],
        ]

    def near(self, city: str, tour: Tour, category: str, week: int) -> Played | None:
        """The event played in this city closest to this week (within NEAR_WEEKS), nearest kind first."""
        for rows in self._scoped(city, tour, category):
            close = [r for r in rows if week_gap(r.week, week) <= NEAR_WEEKS]
            if close:
                return min(close, key=lambda r: (week_gap(r.week, week), -r.last, -r.editions))
        return None

    def one_surface(self, city: str, tour: Tour, category: str) -> Played | None:
        """The city's latest event when every event of the nearest kind held there was on one surface."""
        for rows in self._scoped(city, tour, category)[:2]:
            if rows:
                surfaces = {r.surface for r in rows}
                return max(rows, key=lambda r: (r.last, r.editions)) if len(surfaces) == 1 else None
        return None

    def tour_level(self, city: str, tour: Tour, week: int) -> Played | None:
        """The tour-level event in this city: the one near this week, or the only level ever held there."""
        rows = [r for r in self.by_city.get(city, []) if r.tour is tour and r.category == "tour"]
        close = [r for r in rows if week_gap(r.week, week) <= NEAR_WEEKS]
        if close:
            return min(close, key=lambda r: (week_gap(r.week, week), -r.last))
        return rows[0] if rows and len({r.level for r in rows}) == 1 else None

    def calendar(self, tour: Tour, category: str, week: int) -> dict[Surface, float]:
        """Share of each surface among events of this level in this week (and the weeks either side);
        the other tour's calendar when this one has none (men's ITF is not in the match data)."""
        for t in (tour, Tour.WTA if tour is Tour.ATP else Tour.ATP):
            counts: Counter[Surface] = Counter()
            for w in range(week - CALENDAR_SPREAD, week + CALENDAR_SPREAD + 1):
                counts.update(self.weeks.get((t, category, season_week(w)), Counter()))
            total = sum(counts.values())
            if total:
                return {s: n / total for s, n in counts.most_common()}
        return {}


def _played(row: list[Any]) -> Played:
    tour, category, city, week, surface, level, country, first, last, editions = row
    if category not in CATEGORIES:
        raise ConfigError(f"{FILE}: unknown category {category!r}")
    return Played(
        Tour(tour), category, city, int(week), Surface(surface), Level(level), country or None,
        int(first), int(last), int(editions),
    )  # fmt: skip


def parse_history(data: dict[str, Any]) -> TournamentHistory:
    """The table from its JSON form; a wrong schema or column list is a packaging error, said plainly."""
    if data.get("schema") != SCHEMA:
        raise ConfigError(f"{FILE}: schema {data.get('schema')!r}, this code reads {SCHEMA}: regenerate it")
    if tuple(data.get("columns", ())) != ROW_COLUMNS or tuple(data.get("calendar_columns", ())) != (
        CALENDAR_COLUMNS
    ):
        raise ConfigError(f"{FILE}: unexpected columns: run scripts/build_tournament_history.py")
    calendar = [(Tour(t), c, int(w), Surface(s), int(n)) for t, c, w, s, n in data["calendar"]]
    return TournamentHistory((_played(r) for r in data["rows"]), calendar)


@lru_cache(maxsize=1)
def shipped_history() -> TournamentHistory:
    """The table shipped with the package."""
    text = resources.files("courtside.markets").joinpath(FILE).read_text(encoding="utf-8")
    return parse_history(json.loads(text))
