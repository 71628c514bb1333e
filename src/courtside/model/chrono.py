"""The normalised match frame as plain arrays, cut into rounds that are played simultaneously.

The frame comes from `courtside.data.sources.load_matches`, sorted by (tourney_date, tourney_id,
round order, match_num). A round of one event is the unit of time: everything in it is predicted
from the state before the round, then the whole round updates the state.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from courtside.domain.errors import ModelError
from courtside.domain.tennis import Surface

REQUIRED = (
    "tour",
    "tourney_id",
    "tourney_date",
    "round",
    "round_order",
    "match_num",
    "surface",
    "level",
    "best_of",
    "winner_key",
    "loser_key",
    "score",
    "outcome",
)
EPOCH = pd.Timestamp("1970-01-01")
SURFACES: tuple[str, ...] = (
    Surface.HARD.value,
    Surface.CLAY.value,
    Surface.GRASS.value,
    Surface.CARPET.value,
)
SURFACE_INDEX: dict[str, int] = {s: i for i, s in enumerate(SURFACES)}
NO_SURFACE = len(SURFACES)
_GAMES_RE = re.compile(r"(\d+)-(\d+)")


def games_share(scores: Sequence[str] | pd.Series) -> np.ndarray:
    """Winner's share of games from Sackmann score strings (NaN when no games are listed)."""
    cache: dict[str, float] = {}
    out = np.full(len(scores), np.nan)
    for i, raw in enumerate(scores):
        text = raw if isinstance(raw, str) else ""
        share = cache.get(text)
        if share is None:
            won = lost = 0
            for a, b in _GAMES_RE.findall(text.split("(")[0] if "[" in text else text):
                won += int(a)
                lost += int(b)
            share = won / (won + lost) if won + lost > 0 else math.nan
            cache[text] = share
        out[i] = share
    return out


@dataclass(frozen=True, slots=True)
class MatchArrays:
    """Column arrays of a match frame, in chronological order, with round boundaries."""

    winner: list[str]
    loser: list[str]
    surface: list[int]
    best_of: list[int]
    level: list[str]
    day: list[int]
    share: list[float]
    dominance: list[float]
    outcome: list[str]
    winner_rank: list[float]
    loser_rank: list[float]
    round_starts: np.ndarray  # index of the first row of each round, plus len at the end

    def __len__(self) -> int:
        return len(self.winner)

    def rounds(self) -> Iterator[tuple[int, int]]:
        """(start, stop) row ranges of consecutive rows forming one round of one event."""
        starts = self.round_starts
        for i in range(len(starts) - 1):
            yield int(starts[i]), int(starts[i + 1])


def check_frame(matches: pd.DataFrame) -> None:
    """Refuse a frame that lacks the columns of the shared contract."""
    missing = [c for c in REQUIRED if c not in matches.columns]
    if missing:
        raise ModelError(f"match frame lacks columns {missing}: load it with courtside.data.sources")


def day_numbers(dates: pd.Series) -> np.ndarray:
    """Days since 1970-01-01 of the event Mondays."""
    return ((pd.to_datetime(dates) - EPOCH) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)


def to_arrays(matches: pd.DataFrame) -> MatchArrays:
    """Convert a sorted match frame to arrays; retirements and walkovers get no games share."""
    check_frame(matches)
    surf = matches["surface"].map(
        lambda s: SURFACE_INDEX.get(s, NO_SURFACE) if isinstance(s, str) else NO_SURFACE
    )
    share = games_share(matches["score"].tolist())
    share[matches["outcome"].to_numpy() != "completed"] = np.nan
    key = (
        matches["tour"].astype(str)
        + "|"
        + matches["tourney_id"].astype(str)
        + "|"
        + matches["tourney_date"].astype(str)
        + "|"
        + matches["round"].astype(str)
    ).to_numpy()
    change = np.ones(len(key), dtype=bool)
    if len(key) > 1:
        change[1:] = key[1:] != key[:-1]
    starts = np.append(np.flatnonzero(change), len(key))
    best_of = pd.to_numeric(matches["best_of"], errors="coerce").fillna(3).astype(int)
    return MatchArrays(
        winner=matches["winner_key"].astype(str).tolist(),
        loser=matches["loser_key"].astype(str).tolist(),
        surface=surf.astype(int).tolist(),
        best_of=best_of.tolist(),
        level=matches["level"].astype(str).tolist(),
        day=day_numbers(matches["tourney_date"]).tolist(),
        share=share.tolist(),
        dominance=dominance(matches, share).tolist(),
        outcome=matches["outcome"].astype(str).tolist(),
        winner_rank=_floats(matches, "winner_rank"),
        loser_rank=_floats(matches, "loser_rank"),
        round_starts=starts,
    )


def _floats(matches: pd.DataFrame, column: str) -> list[float]:
    if column not in matches.columns:
        return [math.nan] * len(matches)
    return [float(x) for x in pd.to_numeric(matches[column], errors="coerce").to_numpy(dtype=float)]


def dominance(matches: pd.DataFrame, share: np.ndarray) -> np.ndarray:
    """Winner's share of points won mapped to [0, 1] (x6 around 0.5); games share (x3) when no stats."""
    cols = ("w_svpt", "w_1stWon", "w_2ndWon", "l_svpt", "l_1stWon", "l_2ndWon")
    if all(c in matches.columns for c in cols):
        w_svpt, w_1, w_2, l_svpt, l_1, l_2 = (matches[c].to_numpy(dtype=float) for c in cols)
        won = w_1 + w_2 + (l_svpt - l_1 - l_2)
        total = w_svpt + l_svpt
        with np.errstate(invalid="ignore", divide="ignore"):
            points = np.where(total > 20, won / total, np.nan)
    else:
        points = np.full(len(matches), np.nan)
    mapped = np.where(np.isfinite(points), 0.5 + (points - 0.5) * 6.0, 0.5 + (share - 0.5) * 3.0)
    return np.clip(mapped, 0.02, 0.98)
