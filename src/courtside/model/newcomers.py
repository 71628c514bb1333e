"""Where an unranked newcomer's rating starts: a seed per tour and level of the first match, fitted.

A player the source gives no ranking for starts from the newcomer rating of the tour and level group
of the first match (`ratings.NEWCOMER_RATING`, `ratings.level_group`). The fit is a coordinate descent
over the groups with enough newcomers: each group's seed moves on a grid while the others stay, and
keeps the value under which the Elo log loss of all the tour's completed matches (from `score_from`)
is lowest. The whole tour is the measure because a seed moves every rating its newcomers meet: scored
on the newcomers' own first matches alone, weak debutants would ask for seeds that lower the pool they
join and worsen everyone else's predictions. The loss of the newcomers' first matches is kept beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from courtside.model.chrono import MatchArrays, to_arrays
from courtside.model.ratings import PRE_COLUMNS, EloParams, build_ratings, level_group

P_ELO = PRE_COLUMNS.index("p_elo_w")


@dataclass(frozen=True)
class NewcomerGroup:
    """The scored rows of one group's newcomers (completed matches among their first ones), and how
    many newcomers they are."""

    rows: np.ndarray
    players: int


@dataclass
class NewcomerFit:
    """The seeds, the tours' log loss with them (and with every group at the start value), and per
    group its newcomers, their scored first matches and those matches' log loss with the seed."""

    seeds: dict[str, float]
    tour_loss: dict[str, float]
    start_loss: dict[str, float]
    players: dict[str, int] = field(default_factory=dict)
    matches: dict[str, int] = field(default_factory=dict)
    newcomer_loss: dict[str, float] = field(default_factory=dict)


def newcomer_rows(matches: pd.DataFrame, *, since: str, first: int) -> dict[str, NewcomerGroup]:
    """Per group ('atp:challenger'), the completed rows among the first `first` matches of every
    player first seen unranked on or after `since`, in a frame sorted in play order."""
    sides = [
        pd.DataFrame(
            {
                "key": matches[f"{side}_key"].to_numpy(),
                "rank": pd.to_numeric(matches[f"{side}_rank"], errors="coerce").to_numpy(),
                "row": np.arange(len(matches)),
            }
        )
        for side in ("winner", "loser")
    ]
    seen = pd.concat(sides, ignore_index=True).sort_values("row", kind="stable")
    seen["nth"] = seen.groupby("key").cumcount()
    debut = seen[seen["nth"] == 0]
    debut = debut[matches["tourney_date"].to_numpy()[debut["row"]] >= pd.Timestamp(since)]
    debut = debut[~(debut["rank"] > 0)]
    tours = matches["tour"].astype(str).to_numpy()[debut["row"]]
    levels = matches["level"].astype(str).to_numpy()[debut["row"]]
    group = {k: f"{t}:{level_group(lv)}" for k, t, lv in zip(debut["key"], tours, levels, strict=True)}
    early = seen[(seen["nth"] < first) & seen["key"].isin(group.keys())]
    completed = matches["outcome"].to_numpy()[early["row"]] == "completed"
    early = early[completed].assign(group=lambda f: f["key"].map(group))
    return {
        str(g): NewcomerGroup(np.unique(part["row"].to_numpy()), part["key"].nunique())
        for g, part in early.groupby("group")
    }


@dataclass(frozen=True)
class _Scorer:
    """One Elo pass under given seeds, scored per tour and per newcomer group."""

    arrays: MatchArrays
    params: EloParams
    tours: dict[str, np.ndarray]
    groups: dict[str, NewcomerGroup]

    def __call__(self, seeds: dict[str, float]) -> tuple[dict[str, float], dict[str, float]]:
        pre, _ = build_ratings(self.arrays, replace(self.params, newcomer_rating=dict(seeds)))
        loss = -np.log(np.clip(pre[:, P_ELO], 1e-12, 1.0))
        by_tour = {t: float(loss[rows].mean()) for t, rows in self.tours.items()}
        return by_tour, {g: float(loss[part.rows].mean()) for g, part in self.groups.items()}


def fit_newcomer_ratings(
    matches: pd.DataFrame,
    *,
    since: str,
    score_from: str,
    first: int = 20,
    start: float = 1300.0,
    steps: tuple[tuple[float, ...], ...] = ((-200.0, -100.0, 100.0, 200.0), (-100.0, 100.0)),
    params: EloParams | None = None,
    min_matches: int = 200,
) -> NewcomerFit:
    """Seeds of the groups with at least `min_matches` scored first matches of newcomers first seen
    since `since`, by coordinate descent from `start` (one sweep per entry of `steps`, trying each
    group's seed plus those offsets), judged on each tour's completed matches from `score_from`."""
    groups = {
        g: part
        for g, part in newcomer_rows(matches, since=since, first=first).items()
        if len(part.rows) >= min_matches
    }
    scored = (matches["outcome"] == "completed") & (matches["tourney_date"] >= pd.Timestamp(score_from))
    tours = {str(t): np.flatnonzero(scored & (matches["tour"] == t)) for t in matches["tour"].unique()}
    score = _Scorer(to_arrays(matches), params or EloParams(), tours, groups)
    seeds = dict.fromkeys(sorted(groups), start)
    tour_loss, newcomer_loss = score(seeds)
    start_loss = dict(tour_loss)
    for offsets in steps:
        for g in list(seeds):
            tour, here = g.split(":", 1)[0], seeds[g]
            for offset in offsets:
                trial = {**seeds, g: here + offset}
                by_tour, by_group = score(trial)
                if by_tour[tour] < tour_loss[tour] - 1e-7:  # the best candidate so far
                    seeds, tour_loss, newcomer_loss = trial, by_tour, by_group
    return NewcomerFit(
        seeds,
        tour_loss,
        start_loss,
        {g: part.players for g, part in groups.items()},
        {g: len(part.rows) for g, part in groups.items()},
        newcomer_loss,
    )
