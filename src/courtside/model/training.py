"""Training a model artifact from a data folder: the `courtside model train` pipeline."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from courtside.data.registry import activity
from courtside.data.sources import load_matches, load_players
from courtside.domain.clock import Clock
from courtside.domain.errors import ModelError
from courtside.model.artifact import Artifact, make_meta, save
from courtside.model.dataset import ModelState, build
from courtside.model.walkforward import TrainConfig, fit_model

PLAYER_COLUMNS = ("key", "tour", "name_first", "name_last", "full_name", "hand", "dob", "ioc", "height")


def players_table(players: pd.DataFrame, matches: pd.DataFrame, state: ModelState) -> pd.DataFrame:
    """Rated players with names, ioc, hand, dob, height and first/last seen dates."""
    seen = activity(matches)
    rated = players[players["key"].isin(state.elo.index)]
    table = rated[[c for c in PLAYER_COLUMNS if c in rated.columns]].merge(
        seen, left_on="key", right_index=True, how="left"
    )
    return table.reset_index(drop=True)


def train_artifact(
    data_dir: Path,
    out: Path,
    until: pd.Timestamp | None = None,
    config: TrainConfig | None = None,
    *,
    progress: bool = False,
    clock: Clock | None = None,
) -> Artifact:
    """Load, rate, featurise and fit on everything up to `until`; save the artifact to `out`."""
    config = config or TrainConfig()
    matches = load_matches(data_dir, progress=progress)
    if until is not None:
        matches = matches[matches["tourney_date"] <= until].reset_index(drop=True)
    if matches.empty:
        raise ModelError(f"no matches under {data_dir} up to {until}")
    ff, state = build(matches, progress=progress)
    model = fit_model(matches, ff, matches["tourney_date"].max(), config)
    players = players_table(load_players(data_dir), matches, state)
    art = Artifact(state, model, players, make_meta(matches, model, config, clock, state.elo.params))
    save(art, out)
    return art
