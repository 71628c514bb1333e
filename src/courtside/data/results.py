"""Every result a data folder holds, as one table: Sackmann's files and the tennis-data seasons, merged.

What `model evaluate` and `model train --data DIR` read, and what `data ingest` stores. Seasons that
exist only in tennis-data files (after Sackmann's last) are walked through like any other, their
players resolved to Sackmann's ids or made newcomers (`identity`), newcomers seeded from the
ranking the file gives.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from courtside.data.csvio import LoadReport
from courtside.data.identity import Identities
from courtside.data.registry import PlayerRegistry, activity, registry_records
from courtside.data.sources import load_matches, load_players
from courtside.data.tennisdata import load_tennisdata_files, tennisdata_files
from courtside.data.unify import Merged, merge_tennisdata
from courtside.domain.tennis import Tour

PLAYER_COLUMNS = (
    "key", "tour", "player_id", "name_first", "name_last", "full_name", "hand", "dob", "ioc", "height",
    "source", "first_seen", "last_seen", "n_matches", "n_tour_matches",
)  # fmt: skip


@dataclass
class Results:
    """The merged results, every player they name (with activity), and what each source brought."""

    matches: pd.DataFrame
    players: pd.DataFrame
    merged: Merged


def lazy_identities(players: pd.DataFrame, matches: pd.DataFrame) -> Identities:
    """An Identities over the players who played (the others cannot be told apart by activity)."""

    def build() -> PlayerRegistry:
        keys = pd.concat([matches["winner_key"], matches["loser_key"]]).unique()
        played = players[players["key"].isin(keys)]
        return PlayerRegistry.from_records(registry_records(played, matches))

    return Identities(build)


def with_activity(players: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """The players table with first/last seen and match counts from every merged result."""
    stats = activity(matches)
    out = players.drop(columns=[c for c in stats.columns if c in players.columns])
    out = out.merge(stats, left_on="key", right_index=True, how="left")
    for col in ("n_matches", "n_tour_matches"):
        out[col] = out[col].fillna(0).astype("int64")
    for col in PLAYER_COLUMNS:
        if col not in out.columns:
            out[col] = None
    return out[list(PLAYER_COLUMNS)]


def build_results(
    sackmann: pd.DataFrame, players: pd.DataFrame, tennisdata: pd.DataFrame
) -> tuple[Merged, pd.DataFrame]:
    """Merge tennis-data into Sackmann; returns the merge and the players table with the newcomers."""
    sackmann_players = players.assign(source="sackmann")
    ids = lazy_identities(sackmann_players, sackmann)
    merged = merge_tennisdata(sackmann, sackmann_players, tennisdata, ids)
    everyone = pd.concat([sackmann_players, ids.newcomer_frame()], ignore_index=True)
    return merged, with_activity(everyone, merged.matches)


def load_results(data_dir: Path, *, progress: bool = False, report: LoadReport | None = None) -> Results:
    """The folder's Sackmann and tennis-data results merged (tennis-data optional)."""
    tours = [t for t in Tour if (Path(data_dir) / f"tennis_{t.value}").is_dir()]
    sackmann = load_matches(data_dir, tours, progress=progress, report=report)
    players = load_players(data_dir, tours)
    td = load_tennisdata_files(tennisdata_files(data_dir, tours))
    merged, everyone = build_results(sackmann, players, td)
    return Results(merged.matches, everyone, merged)
