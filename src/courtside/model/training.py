"""Training a model artifact: from a data folder's files, or from the history store (every source)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from courtside.data.history import stored_matches
from courtside.data.registry import activity
from courtside.data.results import load_results
from courtside.domain.clock import Clock
from courtside.domain.errors import ModelError
from courtside.model.artifact import Artifact, make_meta, result_days, save
from courtside.model.dataset import ModelState, build
from courtside.model.walkforward import TrainConfig, fit_model
from courtside.store.history import HistoryStore

PLAYER_COLUMNS = ("key", "tour", "name_first", "name_last", "full_name", "hand", "dob", "ioc", "height")
ACTIVITY = ("first_seen", "last_seen", "n_matches", "n_tour_matches")


def players_table(players: pd.DataFrame, matches: pd.DataFrame, state: ModelState) -> pd.DataFrame:
    """Rated players with names, ioc, hand, dob, height and first/last seen dates."""
    seen = activity(matches.assign(tourney_date=result_days(matches)))
    rated = players[players["key"].isin(state.elo.index)]
    columns = [c for c in PLAYER_COLUMNS if c in rated.columns]
    table = rated[columns].merge(seen, left_on="key", right_index=True, how="left")
    return table.drop_duplicates("key").reset_index(drop=True)


def train_artifact(
    data_dir: Path,
    out: Path,
    until: pd.Timestamp | None = None,
    config: TrainConfig | None = None,
    *,
    progress: bool = False,
    clock: Clock | None = None,
) -> Artifact:
    """Sackmann and tennis-data results of a data folder, rated, featurised and fitted up to `until`."""
    results = load_results(data_dir, progress=progress)
    learned = {
        "source": str(data_dir),
        "seq": None,
        "until": str(until.date()) if until is not None else None,
    }
    return _train(
        results.matches, results.players, out, until, config, learned, progress, clock, str(data_dir)
    )


def train_from_store(
    store: HistoryStore,
    out: Path,
    until: pd.Timestamp | None = None,
    config: TrainConfig | None = None,
    *,
    progress: bool = False,
    clock: Clock | None = None,
) -> Artifact:
    """Every stored result (all sources) up to `until`; the artifact records the store's seq it learned."""
    matches = stored_matches(store)
    players = store.read("players")
    if players is None or matches.empty:
        raise ModelError(f"the history store at {store.root} is empty: run `courtside data ingest` first")
    learned = {"source": str(store.root.resolve()), "seq": int(store.state().get("seq", 0)),
               "until": str(until.date()) if until is not None else None}  # fmt: skip
    return _train(matches, players, out, until, config, learned, progress, clock, str(store.root))


def _train(
    matches: pd.DataFrame, players: pd.DataFrame, out: Path, until: pd.Timestamp | None,
    config: TrainConfig | None, learned: dict[str, Any], progress: bool, clock: Clock | None, where: str,
) -> Artifact:  # fmt: skip
    config = config or TrainConfig()
    if until is not None:
        matches = matches[matches["tourney_date"] <= until].reset_index(drop=True)
    if matches.empty:
        raise ModelError(f"no matches in {where} up to {until}")
    ff, state = build(matches, progress=progress)
    model = fit_model(matches, ff, matches["tourney_date"].max(), config)
    table = players_table(players, matches, state)
    meta = make_meta(matches, model, config, clock, state.elo.params)
    art = Artifact(state, model, table, {**meta, "learned": learned})
    save(art, out)
    return art
