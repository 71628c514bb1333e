"""A surface-aware Elo family, updated per round and strictly as-of (tennis-modelling.md §3).

K = a/(n + b)^c by experience (FiveThirtyEight / Kovalchik), overall and per-surface ratings
blended, a margin-of-victory multiplier from the games share, experience that decays during
long breaks (so K grows again after inactivity), level multipliers on K, best-of-5 probabilities
derived from the best-of-3 one through the set probability, and newcomers seeded from their
ranking at first appearance, or without one from the newcomer rating of the level they first played at
(qualifying, Challenger and ITF history rate them before the tour).
The state lives in flat Python lists indexed by player so a 1990-2023 build takes seconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np

from courtside.domain.tennis import Level
from courtside.model.chrono import NO_SURFACE, SURFACES, MatchArrays

_LOG10 = math.log(10.0)
TOUR_LEVEL = "tour_level"
_TOUR_LEVELS = frozenset(
    {Level.GRAND_SLAM, Level.TOUR_FINALS, Level.MASTERS, Level.TOUR_500, Level.TOUR_250, Level.OLYMPICS}
)
# The rating of a newcomer without a ranking, by tour and the level of the first match ("tour_level"
# pools the tour's main draws). Fitted on 1990-2018 (the tuning seasons 2019-2021 and later unused) by
# scripts/model/fit_newcomer_ratings.py: coordinate descent on a 100-point grid, each group's seed the
# one under which the Elo log loss of all the tour's completed matches of 2005-2018 is lowest (a seed
# moves every rating its newcomers meet, so the newcomers' own matches alone are the wrong measure).
# Men's ITF has no results in the files and WTA 125 too few unranked newcomers: they take the seed of
# the level above (Challenger, tour qualifying), which the level below cannot exceed.
NEWCOMER_RATING: dict[str, float] = {
    "atp:tour_level": 1500.0, "atp:qualifying": 1300.0, "atp:challenger": 1300.0, "atp:itf": 1300.0,
    "atp:team": 1200.0,
    "wta:tour_level": 1400.0, "wta:qualifying": 1300.0, "wta:challenger": 1300.0, "wta:itf": 1300.0,
    "wta:team": 1100.0,
}  # fmt: skip


def level_group(level: str) -> str:
    """The level a newcomer's seed is kept under: a tour's main draws are one group."""
    return TOUR_LEVEL if level in _TOUR_LEVELS else level


@dataclass(frozen=True, slots=True)
class EloParams:
    """Elo hyper-parameters; defaults from a coordinate search on 2015-2021 tour-level log loss.

    mov_weight was searched again on 2019-2021 (walk-forward, full model): 0.25 / 0.5 / 0.8 / 1.2 gave
    ATP+WTA log loss 1.1846 / 1.1839 / 1.1835 / 1.1835, so 1.0 sits in the flat optimum.
    """

    k_a: float = 160.0
    k_b: float = 3.0
    k_c: float = 0.4
    surface_weight: float = 0.3
    mov_weight: float = 1.0
    inactivity_tau_days: float = 240.0
    retired_weight: float = 1.0
    init_base: float = 1500.0
    init_slope: float = 50.0
    init_unranked: float = 1300.0  # an unranked newcomer at a level newcomer_rating does not name
    newcomer_rating: dict[str, float] = field(default_factory=lambda: dict(NEWCOMER_RATING))
    dominance_k: float = 6.0
    level_k: dict[str, float] = field(
        default_factory=lambda: {
            Level.GRAND_SLAM.value: 1.1,
            Level.TOUR_FINALS.value: 1.0,
            Level.MASTERS.value: 1.0,
            Level.TEAM.value: 0.8,
            Level.QUALIFYING.value: 0.9,
            Level.ITF.value: 0.9,
        }
    )


def elo_prob(diff: float) -> float:
    """P(A beats B) for a rating difference A - B (base-10 Elo, 400 points per decade)."""
    return 1.0 / (1.0 + math.exp(-diff * _LOG10 / 400.0))


_Q_GRID = np.linspace(0.0, 1.0, 2001)
_P3_GRID = _Q_GRID**2 * (3.0 - 2.0 * _Q_GRID)


def best_of_five(p3: float) -> float:
    """Best-of-5 match probability from a best-of-3 one, through the implied i.i.d. set probability."""
    q = float(np.interp(p3, _P3_GRID, _Q_GRID))
    return q**3 * (10.0 - 15.0 * q + 6.0 * q * q)


@dataclass(slots=True)
class PreMatch:
    """Ratings of both players before one match, as the model saw them."""

    a_all: float
    b_all: float
    a_surf: float
    b_surf: float
    a_n: float
    b_n: float
    p_elo: float  # P(A wins) from blended ratings, best-of adjusted
    diff: float  # blended rating difference A - B (exactly antisymmetric)
    dom: float  # dominance rating difference A - B

    def row(self) -> tuple[float, ...]:
        """Values in PRE_COLUMNS order."""
        return (
            self.a_all,
            self.b_all,
            self.a_surf,
            self.b_surf,
            self.a_n,
            self.b_n,
            self.p_elo,
            self.diff,
            self.dom,
        )


class EloState:
    """Ratings of every player seen so far; `pre` reads them, `update_round` moves them."""

    def __init__(self, params: EloParams) -> None:
        self.params = params
        self.index: dict[str, int] = {}
        self.r_all: list[float] = []
        self.n_all: list[float] = []
        self.r_surf: list[list[float]] = [[] for _ in SURFACES]
        self.n_surf: list[list[float]] = [[] for _ in SURFACES]
        self.last_day: list[int] = []
        self.r_dom: list[float] = []  # dominance rating: share of points (or games) won
        self.n_dom: list[float] = []

    def __len__(self) -> int:
        return len(self.r_all)

    def player(self, key: str, rank: float = math.nan, level: str = "") -> int:
        """Index of a player, seeding a newcomer from the ranking at first appearance, or without one
        from the newcomer rating of the tour and level of that first match."""
        idx = self.index.get(key)
        if idx is not None:
            return idx
        start = self.newcomer_start(key, rank, level)
        idx = len(self.r_all)
        self.index[key] = idx
        self.r_all.append(start)
        self.n_all.append(0.0)
        for s in range(len(SURFACES)):
            self.r_surf[s].append(start)
            self.n_surf[s].append(0.0)
        self.last_day.append(-(10**6))
        self.r_dom.append(start)
        self.n_dom.append(0.0)
        return idx

    def newcomer_start(self, key: str, rank: float, level: str) -> float:
        """A newcomer's first rating: from the ranking the source gives, else the level's seed."""
        p = self.params
        if rank > 0:
            start = p.init_base - p.init_slope * (math.log(rank) - math.log(100.0))
            return min(max(start, p.init_unranked - 100.0), p.init_base + 300.0)
        tour = key.split(":", 1)[0]
        return p.newcomer_rating.get(f"{tour}:{level_group(level)}", p.init_unranked)

    def rating(self, idx: int, surface: int) -> tuple[float, float]:
        """(overall, surface) rating; the surface one falls back to overall when unknown."""
        r = self.r_all[idx]
        return r, (self.r_surf[surface][idx] if surface < NO_SURFACE else r)

    def pre(self, ia: int, ib: int, surface: int, best_of: int) -> PreMatch:
        """Pre-match view of (A, B): ratings, experience and the blended Elo probability."""
        a_all, a_s = self.rating(ia, surface)
        b_all, b_s = self.rating(ib, surface)
        w = self.params.surface_weight if surface < NO_SURFACE else 0.0
        diff = (1.0 - w) * (a_all - b_all) + w * (a_s - b_s)
        dom = self.r_dom[ia] - self.r_dom[ib]
        n_a, n_b = self.n_all[ia], self.n_all[ib]
        return PreMatch(a_all, b_all, a_s, b_s, n_a, n_b, odd_prob(diff, best_of), diff, dom)

    def _k(self, n: float, level: str) -> float:
        p = self.params
        return float(p.k_a / (n + p.k_b) ** p.k_c * p.level_k.get(level, 1.0))

    def _decay(self, idx: int, day: int) -> None:
        """Experience fades with inactivity, so a returning player's K grows again."""
        gap = day - self.last_day[idx]
        if gap > 30 and self.last_day[idx] > -(10**6):
            f = math.exp(-(gap - 30) / self.params.inactivity_tau_days)
            self.n_all[idx] *= f
            for s in range(len(SURFACES)):
                self.n_surf[s][idx] *= f

    def update_round(self, results: Sequence[RoundResult]) -> None:
        """Apply the results of one round together: every delta uses pre-round ratings."""
        deltas: list[tuple[int, int, float, float]] = []
        for res in results:
            if res.weight <= 0.0:
                continue
            self._decay(res.winner, res.day)
            self._decay(res.loser, res.day)
            deltas.extend(self._deltas(res))
        dom = [d for res in results if res.dominance == res.dominance for d in self._dom_deltas(res)]
        for idx, d in dom:
            self.r_dom[idx] += d
            self.n_dom[idx] += 1.0
        for idx, surface, d_all, d_surf in deltas:
            self.r_all[idx] += d_all
            self.n_all[idx] += 1.0
            if surface < NO_SURFACE:
                self.r_surf[surface][idx] += d_surf
                self.n_surf[surface][idx] += 1.0
        for res in results:
            if res.weight > 0.0:
                self.last_day[res.winner] = max(self.last_day[res.winner], res.day)
                self.last_day[res.loser] = max(self.last_day[res.loser], res.day)

    def _dom_deltas(self, res: RoundResult) -> tuple[tuple[int, float], tuple[int, float]]:
        """Dominance Elo: the 'score' is the mapped share of points won, not the win itself."""
        w, lo = res.winner, res.loser
        err = res.dominance - elo_prob(self.r_dom[w] - self.r_dom[lo])
        k = self.params.dominance_k
        return (w, k * self._k(self.n_dom[w], res.level) * err), (
            lo,
            -k * self._k(self.n_dom[lo], res.level) * err,
        )

    def _deltas(self, res: RoundResult) -> Iterator[tuple[int, int, float, float]]:
        w, lo, s = res.winner, res.loser, res.surface
        p_all = _bo(elo_prob(self.r_all[w] - self.r_all[lo]), res.best_of)
        mult = res.weight * _mov(res.share, self.params.mov_weight)
        k_w = self._k(self.n_all[w], res.level) * mult
        k_l = self._k(self.n_all[lo], res.level) * mult
        dw_s = dl_s = 0.0
        if s < NO_SURFACE:
            p_s = _bo(elo_prob(self.r_surf[s][w] - self.r_surf[s][lo]), res.best_of)
            dw_s = self._k(self.n_surf[s][w], res.level) * mult * (1.0 - p_s)
            dl_s = -self._k(self.n_surf[s][lo], res.level) * mult * (1.0 - p_s)
        yield w, s, k_w * (1.0 - p_all), dw_s
        yield lo, s, -k_l * (1.0 - p_all), dl_s


@dataclass(frozen=True, slots=True)
class RoundResult:
    """One finished match as the rating update needs it."""

    winner: int
    loser: int
    surface: int
    best_of: int
    level: str
    day: int
    share: float  # winner's games share, NaN when unknown
    weight: float  # 1 completed, retired_weight for retirements, 0 for walkovers
    dominance: float = math.nan  # winner's mapped points (or games) share in [0, 1], NaN if unknown


def odd_prob(diff: float, best_of: int) -> float:
    """P(A wins) with p(-d) == 1 - p(d) exactly: the complement of a p >= 0.5 is exact in floats."""
    fav = max(_bo(elo_prob(abs(diff)), best_of), 0.5)
    return 1.0 - fav if diff < 0.0 else fav


def odd_logit(diff: float, best_of: int) -> float:
    """log-odds of odd_prob, computed on |diff| and signed, so it is exactly antisymmetric."""
    p = min(_bo(elo_prob(abs(diff)), best_of), 1.0 - 1e-12)
    z = math.log(p) - math.log1p(-p)
    return -z if diff < 0.0 else z


def _bo(p3: float, best_of: int) -> float:
    return best_of_five(p3) if best_of >= 5 else p3


def _mov(share: float, weight: float) -> float:
    """Margin-of-victory multiplier: 1 at a typical 60% games share, larger for routs."""
    if weight == 0.0 or share != share:
        return 1.0
    return min(max(1.0 + weight * (share - 0.6) * 5.0, 0.25), 2.5)


def outcome_weight(outcome: str, params: EloParams) -> float:
    """Walkovers never move ratings; retirements move them with a reduced, neutral-margin weight."""
    if outcome == "completed":
        return 1.0
    if outcome in ("retired", "default"):
        return params.retired_weight
    return 0.0


PRE_COLUMNS = (
    "elo_w_all",
    "elo_l_all",
    "elo_w_surf",
    "elo_l_surf",
    "elo_w_n",
    "elo_l_n",
    "p_elo_w",
    "elo_diff",
    "dom_diff",
)


def rate_round(state: EloState, arrays: MatchArrays, start: int, stop: int, out: np.ndarray) -> None:
    """One round (rows start..stop, played at once): each match's pre-match values into `out`, then
    the round's results into the ratings. The one Elo pass: training, evaluation, update, benchmarks."""
    results: list[RoundResult] = []
    for i in range(start, stop):
        w = state.player(arrays.winner[i], arrays.winner_rank[i], arrays.level[i])
        lo = state.player(arrays.loser[i], arrays.loser_rank[i], arrays.level[i])
        out[i] = state.pre(w, lo, arrays.surface[i], arrays.best_of[i]).row()
        weight = outcome_weight(arrays.outcome[i], state.params)
        results.append(
            RoundResult(
                w,
                lo,
                arrays.surface[i],
                arrays.best_of[i],
                arrays.level[i],
                arrays.day[i],
                arrays.share[i],
                weight,
                arrays.dominance[i],
            )
        )
    state.update_round(results)


def build_ratings(
    arrays: MatchArrays, params: EloParams | None = None, state: EloState | None = None
) -> tuple[np.ndarray, EloState]:
    """Walk the matches round by round; returns pre-match values (rows x PRE_COLUMNS) and the state."""
    state = state if state is not None else EloState(params or EloParams())
    out = np.empty((len(arrays), len(PRE_COLUMNS)))
    for start, stop in arrays.rounds():
        rate_round(state, arrays, start, stop, out)
    return out, state
