"""Tennis vocabulary shared by the data, model, markets and backtest packages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum


class Tour(StrEnum):
    ATP = "atp"  # men: ATP tour, Challenger, ITF men
    WTA = "wta"  # women: WTA tour, WTA 125, ITF women


class Surface(StrEnum):
    HARD = "Hard"
    CLAY = "Clay"
    GRASS = "Grass"
    CARPET = "Carpet"


class Level(StrEnum):
    """Competition level, normalised across tours and sources."""

    GRAND_SLAM = "grand_slam"
    TOUR_FINALS = "tour_finals"
    MASTERS = "masters"  # ATP Masters 1000 / WTA 1000
    TOUR_500 = "tour_500"
    TOUR_250 = "tour_250"  # ATP 250 / WTA 250 (and older tiers below 500)
    TEAM = "team"  # Davis Cup, BJK Cup, United Cup
    OLYMPICS = "olympics"
    CHALLENGER = "challenger"  # ATP Challenger / WTA 125
    ITF = "itf"
    QUALIFYING = "qualifying"  # tour-level qualifying


def player_key(tour: Tour | str, sackmann_id: int | str) -> str:
    """The global player key, e.g. 'atp:104925' (ATP and WTA id spaces are separate)."""
    return f"{Tour(tour).value}:{int(sackmann_id)}"


@dataclass(frozen=True, slots=True)
class PlayerRef:
    """A resolved player: global key plus display name."""

    key: str
    name: str

    @property
    def tour(self) -> Tour:
        return Tour(self.key.split(":", 1)[0])


@dataclass(frozen=True, slots=True)
class MatchContext:
    """What is known of a match before it starts, for the model."""

    tour: Tour
    match_date: date
    surface: Surface | None = None
    level: Level | None = None
    round: str | None = None  # Sackmann round code: R128..R16, QF, SF, F, RR, Q1..Q3, BR
    best_of: int = 3
    tourney_name: str | None = None
    indoor: bool | None = None
    country: str | None = None  # IOC code of the host country, for home advantage
    # When the surface is unknown: the surfaces it may be and their probabilities (from the calendar);
    # the predictor then prices the blend, sum of P(surface) x P(A wins on that surface).
    surface_prior: tuple[tuple[Surface, float], ...] = ()


@dataclass(frozen=True, slots=True)
class Prediction:
    """P(player A beats player B) with the main contributions behind it (log-odds terms)."""

    p_a: float
    contributions: dict[str, float] = field(default_factory=dict)
    model_version: str = ""
    notes: tuple[str, ...] = ()  # e.g. "surface unknown: blend of Hard 0.60, Clay 0.40"

    @property
    def p_b(self) -> float:
        return 1.0 - self.p_a


# The singles match-winner series (kalshi-api.md §5.1): one event per match, one market per player.
MATCH_WINNER_SERIES: tuple[str, ...] = (
    "KXATPMATCH",
    "KXWTAMATCH",
    "KXATPCHALLENGERMATCH",
    "KXWTACHALLENGERMATCH",
    "KXITFMATCH",
    "KXITFWMATCH",
)
