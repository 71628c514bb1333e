"""As-of match features, built in one chronological pass and exactly antisymmetric in (A, B).

Each feature is a per-player value computed from the state before the round (form, fatigue,
rest, ranking, physique, head-to-head) and enters the learner as the difference A - B, so
swapping the players negates every difference exactly (IEEE subtraction is antisymmetric).
Symmetric context (surface, level, round, best-of) is kept apart and never negated.
The same `FeatureState` serves the training pass, live prediction and roll-forward.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import numpy as np

from courtside.model.ratings import odd_logit

DIFF_NAMES: tuple[str, ...] = (
    "elo_logit",
    "dominance",
    "elo_all",
    "elo_surf",
    "log_rank",
    "log_points",
    "unranked",
    "log_matches",
    "form_winrate",
    "form_residual",
    "event_matches",
    "event_minutes",
    "prev_minutes",
    "recent_matches",
    "log_rest_days",
    "left_handed",
    "age",
    "height",
    "home",
    "h2h",
)
CONTEXT_NAMES: tuple[str, ...] = (
    "best_of",
    "level_code",
    "round_order",
    "surface",
    "tour_wta",
    "h2h_n",
    "elo_mean",
)
LEVEL_CODES: dict[str, int] = {
    "grand_slam": 0,
    "tour_finals": 1,
    "masters": 2,
    "tour_500": 3,
    "tour_250": 4,
    "olympics": 5,
    "team": 6,
    "challenger": 7,
    "qualifying": 8,
    "itf": 9,
}
UNRANKED = 2000.0

FORM_WINDOW = 20
RESIDUAL_ALPHA = 0.1
MINUTES_PER_GAME = 6.0
_LOG10_OVER_400 = math.log(10.0) / 400.0


@dataclass(slots=True)
class PlayerForm:
    """What the features remember of one player between matches."""

    results: deque[int] = field(default_factory=lambda: deque(maxlen=FORM_WINDOW))
    residual: float = 0.0
    days: deque[int] = field(default_factory=lambda: deque(maxlen=16))
    last_event: str = ""
    last_event_day: int = -(10**6)
    prev_event_day: int = -(10**6)
    event_matches: int = 0
    event_minutes: float = 0.0
    last_minutes: float = 0.0
    rank: float = math.nan
    points: float = math.nan
    hand: str = ""
    height: float = math.nan
    ioc: str = ""
    age: float = math.nan
    age_day: int = 0


_SCALARS = tuple(n for n in PlayerForm.__dataclass_fields__ if n not in ("results", "days"))


def _unpack(row: tuple[object, ...]) -> PlayerForm:
    results, days, *scalars = row
    form = PlayerForm(deque(results, maxlen=FORM_WINDOW), 0.0, deque(days, maxlen=16))  # type: ignore[call-overload]
    for name, value in zip(_SCALARS, scalars, strict=True):
        setattr(form, name, value)
    return form


@dataclass(frozen=True, slots=True)
class Side:
    """One player's facts at the start of a match that the state does not track."""

    key: str
    rank: float
    points: float
    hand: str
    height: float
    ioc: str
    age: float


@dataclass(frozen=True, slots=True)
class Occasion:
    """The match being predicted: event identity, day number and context."""

    event: str
    day: int
    country: str
    best_of: int
    level: str
    round_order: int
    surface: int
    tour_wta: int
    name: str = ""  # tournament name, so live prediction can tell a later round from a new event


class FeatureState:
    """Form, fatigue and head-to-head of every player, updated after each round."""

    def __init__(self) -> None:
        self.players: dict[str, PlayerForm] = {}
        self.h2h: dict[tuple[str, str], int] = {}
        self.event_names: dict[str, str] = {}

    def __getstate__(self) -> dict[str, object]:
        """Columnar form for pickling: loads in a fraction of the per-object time (artifact < 2 s)."""
        keys = list(self.players)
        index = {k: i for i, k in enumerate(keys)}
        rows = [
            (list(f.results), list(f.days), *(getattr(f, n) for n in _SCALARS)) for f in self.players.values()
        ]
        for a, b in self.h2h:
            for k in (a, b):
                if k not in index:
                    index[k] = len(keys)
                    keys.append(k)
        pairs = np.array([(index[a], index[b], n) for (a, b), n in self.h2h.items()], dtype=np.int64)
        packed = {"keys": keys, "rows": rows, "h2h": pairs.reshape(-1, 3), "events": self.event_names}
        return packed

    def __setstate__(self, packed: dict[str, object]) -> None:
        keys: list[str] = packed["keys"]  # type: ignore[assignment]
        rows: list[tuple[object, ...]] = packed["rows"]  # type: ignore[assignment]
        self.players = {k: _unpack(row) for k, row in zip(keys, rows, strict=False)}
        pairs: np.ndarray = packed["h2h"]  # type: ignore[assignment]
        self.h2h = {(keys[a], keys[b]): n for a, b, n in pairs.tolist()}
        self.event_names = packed["events"]  # type: ignore[assignment]

    def form(self, key: str) -> PlayerForm:
        state = self.players.get(key)
        if state is None:
            state = PlayerForm()
            self.players[key] = state
        return state

    def side_values(self, side: Side, occ: Occasion, elo_n: float) -> list[float]:
        """Per-player values in DIFF_NAMES order, minus the rating ones filled by the caller."""
        st = self.form(side.key)
        rank = side.rank if side.rank > 0 else (st.rank if st.rank > 0 else math.nan)
        points = side.points if side.points >= 0 else st.points
        in_event = st.last_event == occ.event
        last_day = st.prev_event_day if in_event else st.last_event_day
        n_form = len(st.results)
        recent = sum(1 for d in st.days if occ.day - 14 <= d < occ.day)
        age = (
            side.age
            if side.age > 0
            else (st.age + (occ.day - st.age_day) / 365.25 if st.age > 0 else math.nan)
        )
        height = side.height if side.height > 0 else st.height
        ioc = side.ioc or st.ioc
        hand = side.hand or st.hand
        return [
            math.log(rank if rank > 0 else UNRANKED),
            math.log1p(points) if points >= 0 else 0.0,
            0.0 if rank > 0 else 1.0,
            math.log1p(elo_n),
            (sum(st.results) + 1.0) / (n_form + 2.0),
            st.residual,
            float(st.event_matches if in_event else 0),
            st.event_minutes if in_event else 0.0,
            st.last_minutes if in_event else 0.0,
            float(recent),
            math.log1p(min(max(occ.day - last_day, 0), 400)),
            1.0 if hand == "L" else 0.0,
            age,
            height,
            1.0 if occ.country and ioc == occ.country else 0.0,
        ]

    def pair(self, a: Side, b: Side, occ: Occasion, pre: np.ndarray) -> tuple[list[float], list[float]]:
        """(differences A - B in DIFF_NAMES order, context in CONTEXT_NAMES order)."""
        a_all, b_all, a_surf, b_surf, a_n, b_n, _, diff, dom = (float(x) for x in pre)
        va = self.side_values(a, occ, a_n)
        vb = self.side_values(b, occ, b_n)
        diffs = [odd_logit(diff, occ.best_of), dom, a_all - b_all, a_surf - b_surf]
        diffs.extend(x - y for x, y in zip(va, vb, strict=True))
        wins_a = self.h2h.get((a.key, b.key), 0)
        wins_b = self.h2h.get((b.key, a.key), 0)
        diffs.append((wins_a - wins_b) / (wins_a + wins_b + 2.0))
        context = [
            float(occ.best_of),
            float(LEVEL_CODES.get(occ.level, 10)),
            float(occ.round_order),
            float(occ.surface),
            float(occ.tour_wta),
            math.log1p(wins_a + wins_b),
            0.5 * (a_all + b_all),
        ]
        return diffs, context

    def record(self, winner: Side, loser: Side, occ: Occasion, result: MatchResult) -> None:
        """Fold one finished match into both players' state (walkovers only mark presence)."""
        for side, won in ((winner, 1), (loser, 0)):
            st = self.form(side.key)
            if st.last_event != occ.event:
                self.event_names[occ.event] = occ.name
                st.prev_event_day = st.last_event_day
                st.last_event, st.last_event_day = occ.event, occ.day
                st.event_matches, st.event_minutes = 0, 0.0
            _remember_static(st, side, occ.day)
            if not result.played:
                continue
            st.event_matches += 1
            st.event_minutes += result.minutes
            st.last_minutes = result.minutes
            st.days.append(occ.day)
            st.results.append(won)
            expected = result.p_winner if won else 1.0 - result.p_winner
            st.residual += RESIDUAL_ALPHA * (won - expected - st.residual)
        if result.played:
            self.h2h[(winner.key, loser.key)] = self.h2h.get((winner.key, loser.key), 0) + 1


@dataclass(frozen=True, slots=True)
class MatchResult:
    """How a match ended, for the state: played at all, its length and the pre-match Elo view."""

    played: bool
    minutes: float
    p_winner: float


def _remember_static(st: PlayerForm, side: Side, day: int) -> None:
    if side.rank > 0:
        st.rank = side.rank
        st.points = side.points
    if side.hand:
        st.hand = side.hand
    if side.height > 0:
        st.height = side.height
    if side.ioc:
        st.ioc = side.ioc
    if side.age > 0:
        st.age, st.age_day = side.age, day
