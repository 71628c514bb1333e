"""Competition name -> tournament facts (surface, level, country, best-of), from a maintained table.

Kalshi names a match's competition in `product_metadata.competition` ("ATP Bastad", "US Open Men
Singles", "WTA 125K Modena") and in the rules text ("... in the 2026 M25 Edwardsville IL Round of 16
after a ball ..."; kalshi-api.md §5.2-5.3). The table lives next to this module (tournaments.csv).
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from courtside.domain.tennis import Level, Surface, Tour

TOUR_LEVELS = frozenset(
    {Level.GRAND_SLAM, Level.TOUR_FINALS, Level.MASTERS, Level.TOUR_500, Level.TOUR_250, Level.OLYMPICS}
)
_ITF = re.compile(
    r"^(?:ITF\s+)?(?P<sex>[MW])(?P<prize>15|25|35|40|50|60|75|80|100|110)K?\s+(?P<city>.+)$", re.I
)
_WTA125 = re.compile(r"^WTA\s*125K?\s+(?P<city>.+)$", re.I)
_CHALLENGER = re.compile(r"^(?:ATP\s+)?Challenger\s+(?P<city>.+)$", re.I)
_PREFIX = re.compile(r"^(?:ATP|WTA)\s+", re.I)
_SUFFIX = re.compile(r"\s+(?:Men'?s?|Women'?s?|Ladies)\s+Singles$|\s+Singles$", re.I)

_ROUNDS: tuple[tuple[str, str], ...] = (
    (r"Round\s+Of\s+128|First\s+Round|Round\s+1", "R128"),
    (r"Round\s+Of\s+64", "R64"),
    (r"Round\s+Of\s+32", "R32"),
    (r"Round\s+Of\s+16", "R16"),
    (r"Quarter-?finals?", "QF"),
    (r"Semi-?finals?", "SF"),
    (r"Qualification\s+Round\s+1|Qualifying\s+Round\s+1", "Q1"),
    (r"Qualification\s+Round\s+2|Qualifying\s+Round\s+2", "Q2"),
    (r"Qualification\s+Round\s+3|Qualifying\s+Round\s+3|Qualification\s+Final|Qualifying\s+Final", "Q3"),
    (r"Group\s+\w+|Round\s+Robin", "RR"),
    (r"Bronze(?:\s+Medal)?(?:\s+Match)?", "BR"),
    (r"Finals?", "F"),
)
_ROUND_AT_END = re.compile(
    r"\s+(?P<round>" + "|".join(f"(?:{pattern})" for pattern, _ in _ROUNDS) + r")\s*$", re.I
)


@dataclass(frozen=True, slots=True)
class Tournament:
    """What the table knows of one tournament; surface may be unknown for small ITF events."""

    name: str
    level: Level
    surface: Surface | None
    country: str | None
    indoor: bool | None


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced: the key for every name comparison."""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(ascii_only.replace("’", "'").lower().split())


@lru_cache(maxsize=1)
def _table() -> dict[str, list[tuple[Tournament, str]]]:
    """Folded name or alias -> [(tournament, tour tag atp|wta|both)]: a city may hold an ATP and a WTA
    event that differ (Stuttgart: men on grass, women on clay). A blank surface or indoor flag means it
    varies (two events a season in the city, or the Olympics moving): the inference decides by week."""
    out: dict[str, list[tuple[Tournament, str]]] = {}
    text = resources.files("courtside.markets").joinpath("tournaments.csv").read_text(encoding="utf-8")
    for row in csv.DictReader(text.splitlines()):
        tour = Tournament(
            name=row["name"],
            level=Level(row["level"]),
            surface=Surface(row["surface"]) if row["surface"] else None,
            country=row["country"] or None,
            indoor=row["indoor"] == "1" if row["indoor"] else None,
        )
        for key in [row["name"], *filter(None, row["aliases"].split("|"))]:
            out.setdefault(fold(key), []).append((tour, row["tour"]))
    return out


def round_code(text: str) -> str | None:
    """'Round Of 16' -> 'R16', 'Qualification Final' -> 'Q3', 'Group E' -> 'RR' (Sackmann codes)."""
    for pattern, code in _ROUNDS:
        if re.fullmatch(pattern, text.strip(), re.I):
            return code
    return None


def split_round(rest: str) -> tuple[str, str | None]:
    """'ATP Bastad Qualification Final' -> ('ATP Bastad', 'Q3'); the round may be absent."""
    found = _ROUND_AT_END.search(rest)
    if found is None:
        return rest.strip(), None
    return rest[: found.start()].strip(), round_code(found.group("round"))


def _lookup(name: str, tour: Tour) -> Tournament | None:
    for found, tag in _table().get(fold(name), []):
        if tag in ("both", tour.value):
            return found
    return None


LOWER_LEVEL_PATTERNS: tuple[tuple[re.Pattern[str], Level], ...] = (
    (_ITF, Level.ITF),
    (_WTA125, Level.CHALLENGER),
    (_CHALLENGER, Level.CHALLENGER),
)


def lower_level(competition: str) -> tuple[Level, str, str] | None:
    """(level, marker, city) when the name says ITF ('M25 ...', 'W35 ...'), WTA 125 ('WTA 125K ...')
    or Challenger ('Challenger ...'); None for any other name."""
    text = " ".join(competition.split())
    for pattern, level in LOWER_LEVEL_PATTERNS:
        found = pattern.match(text)
        if found:
            city = found.group("city")
            return level, text[: found.start("city")].strip(), city
    return None


def table_entry(competition: str, tour: Tour) -> Tournament | None:
    """The table's row for this name: the whole name, the name without 'ATP'/'WTA' and 'Men Singles',
    or, for an ITF / WTA 125 / Challenger name, the row of its city (which may be another event there)."""
    text = " ".join(competition.split())
    lower = lower_level(text)
    if lower is not None:
        return _lookup(lower[2], tour)
    bare = _SUFFIX.sub("", _PREFIX.sub("", text))
    return _lookup(text, tour) or _lookup(bare, tour)


def lookup(competition: str, tour: Tour) -> Tournament | None:
    """The tournament behind a competition name, or None when the table does not know it. An ITF,
    WTA 125 or Challenger name takes its city's surface only from a row of that world (a tour event
    in the same city is another tournament)."""
    text = " ".join(competition.split())
    lower = lower_level(text)
    if lower is None:
        return table_entry(text, tour)
    known = table_entry(text, tour)
    if known is not None and known.level not in (Level.CHALLENGER, Level.ITF):
        known = None
    surface = known.surface if known else None
    return Tournament(text, lower[0], surface, known.country if known else None, None)


def best_of(tour: Tour, level: Level, round_: str | None) -> int:
    """Five sets only in men's Grand Slam main draws (qualifying is best of three since 2023)."""
    main_draw = not is_qualifying(round_)
    return 5 if tour is Tour.ATP and level is Level.GRAND_SLAM and main_draw else 3


def is_qualifying(round_: str | None) -> bool:
    """Q1..Q3 (not QF)."""
    return round_ in ("Q1", "Q2", "Q3")
