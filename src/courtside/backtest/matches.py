"""The historical matches a backtest walks through: one per tennis-data row with usable closing odds.

Player A is the alphabetically first of the two names, never "the winner", so nothing downstream
can learn the result from the orientation. Each match gets synthetic Kalshi tickers in the real
format (`KXATPMATCH-22JAN03KWONIS`, market = event + '-' + player code; kalshi-api.md §5.2).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pandas as pd

from courtside.backtest.books import MarketSource, fair_probability
from courtside.backtest.settle import TENNIS_SERIES, MatchResult
from courtside.domain.errors import DataError
from courtside.domain.tennis import Level, Surface, Tour

_LEVELS = {
    "grand slam": Level.GRAND_SLAM,
    "masters 1000": Level.MASTERS,
    "wta1000": Level.MASTERS,
    "masters cup": Level.TOUR_FINALS,
    "tour championships": Level.TOUR_FINALS,
    "atp500": Level.TOUR_500,
    "wta500": Level.TOUR_500,
    "premier": Level.TOUR_500,
}
_MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")


@dataclass(frozen=True, slots=True)
class MatchSpec:
    """A match as the backtest sees it before play, plus its result for settlement afterwards."""

    row: int  # index of the odds row
    day: date
    tour: Tour
    tournament: str
    level: Level
    surface: Surface | None
    round: str
    best_of: int
    player_a: str
    player_b: str
    odds_a: float
    odds_b: float
    a_won: bool
    result: MatchResult
    event_ticker: str
    ticker_a: str
    ticker_b: str

    @property
    def fair_a(self) -> float:
        """Shin de-vigged closing probability that A wins."""
        return fair_probability(self.odds_a, self.odds_b)

    @property
    def winner(self) -> str:
        return self.player_a if self.a_won else self.player_b

    @property
    def title(self) -> str:
        return f"{self.player_a} vs {self.player_b}"


def level_of(series: str) -> Level:
    """tennis-data Series/Tier to a Level (WTA2xx numbered tiers and 'International' are 250s)."""
    return _LEVELS.get(series.strip().lower(), Level.TOUR_250)


def _code(name: str) -> str:
    letters = "".join(ch for ch in name.split(" ")[0].upper() if ch.isalpha())
    return (letters or "X")[:3]


def tickers(tour: Tour, day: date, player_a: str, player_b: str) -> tuple[str, str, str]:
    """(event, market A, market B) tickers; a same-surname pair gets a '2' on B's code."""
    code_a, code_b = _code(player_a), _code(player_b)
    if code_b == code_a:
        code_b += "2"
    event = f"{TENNIS_SERIES[tour.value]}-{day:%y}{_MONTHS[day.month - 1]}{day:%d}{code_a}{code_b}"
    return event, f"{event}-{code_a}", f"{event}-{code_b}"


def _surface(value: Any) -> Surface | None:
    try:
        return Surface(str(value).strip().title())
    except ValueError:
        return None


def spec_of(row: int, rec: dict[str, Any], source: MarketSource) -> MatchSpec:
    """One odds record (load_odds contract) as a MatchSpec; DataError when it cannot be traded."""
    col_w, col_l = source.columns
    odds_w, odds_l = float(rec[col_w]), float(rec[col_l])
    if not (math.isfinite(odds_w) and math.isfinite(odds_l) and odds_w > 1.0 and odds_l > 1.0):
        raise DataError(f"no {source.value} odds")
    winner, loser = str(rec["winner"]).strip(), str(rec["loser"]).strip()
    if not winner or not loser or winner == loser:
        raise DataError("missing player names")
    a_won = winner <= loser
    tour = Tour(str(rec["tour"]).lower())
    day = pd.Timestamp(rec["date"]).date()
    player_a, player_b = (winner, loser) if a_won else (loser, winner)
    event, ticker_a, ticker_b = tickers(tour, day, player_a, player_b)
    best_of = rec.get("best_of")
    return MatchSpec(
        row=row,
        day=day,
        tour=tour,
        tournament=str(rec.get("tournament", "")),
        level=level_of(str(rec.get("series", ""))),
        surface=_surface(rec.get("surface")),
        round=str(rec.get("round", "")),
        best_of=int(best_of) if best_of is not None and math.isfinite(float(best_of)) else 3,
        player_a=player_a,
        player_b=player_b,
        odds_a=odds_w if a_won else odds_l,
        odds_b=odds_l if a_won else odds_w,
        a_won=a_won,
        result=MatchResult.parse(str(rec.get("comment", "Completed"))),
        event_ticker=event,
        ticker_a=ticker_a,
        ticker_b=ticker_b,
    )


def match_specs(
    odds: pd.DataFrame, source: MarketSource, start: date, end: date
) -> tuple[list[MatchSpec], Counter[str]]:
    """Tradeable matches dated in [start, end], in date order, and the count of skipped rows by reason."""
    specs: list[MatchSpec] = []
    skipped: Counter[str] = Counter()
    days = pd.to_datetime(odds["date"]).dt.date
    window = odds.loc[(days >= start) & (days <= end)]
    for pos, rec in zip(window.index, window.to_dict("records"), strict=True):
        try:
            specs.append(spec_of(int(pos), {str(k): v for k, v in rec.items()}, source))
        except (DataError, ValueError, TypeError) as e:
            skipped[str(e).split(":")[0] or type(e).__name__] += 1
    specs.sort(key=lambda s: (s.day, s.row))
    return _unique_tickers(specs), skipped


def _unique_tickers(specs: list[MatchSpec]) -> list[MatchSpec]:
    """Two matches of one day with the same player codes get event tickers ...2, ...3 (in row order)."""
    seen: Counter[str] = Counter()
    out: list[MatchSpec] = []
    for spec in specs:
        seen[spec.event_ticker] += 1
        n = seen[spec.event_ticker]
        if n > 1:
            event = f"{spec.event_ticker}{n}"
            spec = replace(
                spec,
                event_ticker=event,
                ticker_a=event + spec.ticker_a.removeprefix(spec.event_ticker),
                ticker_b=event + spec.ticker_b.removeprefix(spec.event_ticker),
            )
        out.append(spec)
    return out
