"""The stored history as the model and the trader read it, and the bookkeeping every write shares.

Tables of a `HistoryStore` generation (store/history.py):
  sackmann, sackmann_players, tennisdata  the rows of each data file, as read (replaced per file)
  kalshi                                  the settled Kalshi results, as read (by event ticker)
  matches                                 Sackmann + tennis-data merged (unify), with `seq`
  matches_kalshi                          Kalshi results no richer row has, with `seq`
  players                                 every player any result names, with activity
  ledger                                  every uid ever stored (merged ones too) and its seq
  links                                   newcomer keys later found to be another player's
`seq` is the number of the write that first brought a match (a merged row keeps the oldest seq of the
rows it absorbed): a model that learned up to seq S learns exactly the rows above S when rolled forward,
and a match that arrives again from a richer source is not learned twice.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

import numpy as np
import pandas as pd

from courtside.data.identity import Identities, is_newcomer
from courtside.data.registry import PlayerRecord, PlayerRegistry, activity
from courtside.store.history import HistoryStore

MATCH_TABLES = ("matches", "matches_kalshi")


def stored_matches(
    store: HistoryStore, *, after_seq: int | None = None, columns: Sequence[str] | None = None
) -> pd.DataFrame:
    """Every stored result (both tables), in play order; only those with seq > after_seq when given."""
    filters = [("seq", ">", after_seq)] if after_seq is not None else None
    frames = [store.read(name, columns, filters) for name in MATCH_TABLES]
    parts = [f for f in frames if f is not None and not f.empty]
    if not parts:
        empty = store.read("matches", columns)
        return empty.iloc[0:0] if empty is not None else pd.DataFrame()
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    order = [c for c in ("tourney_date", "tourney_id", "round_order", "match_num") if c in out.columns]
    return out.sort_values(order, kind="mergesort", ignore_index=True) if order else out


def results_through(store: HistoryStore) -> date | None:
    """The newest result's play day (the event Monday for a Sackmann row)."""
    frames = [store.read(name, ["tourney_date", "day"]) for name in MATCH_TABLES]
    days = [pd.to_datetime(f["day"]).fillna(f["tourney_date"]).max() for f in frames if f is not None]
    newest = max((d for d in days if not pd.isna(d)), default=None)  # the tables need no play order
    return None if newest is None else newest.date()


def registry_from_store(store: HistoryStore, *, played_only: bool = False) -> PlayerRegistry | None:
    """The registry of the stored players (names, first/last seen, match counts), or None."""
    players = store.read("players")
    if players is None or players.empty:
        return None
    if played_only:
        players = players[players["n_matches"] > 0]
    cols = ["key", "name_first", "name_last", "first_seen", "last_seen", "n_matches", "n_tour_matches"]
    return PlayerRegistry.from_records(players[cols].to_dict("records"))  # type: ignore[arg-type]


def identities(store: HistoryStore) -> Identities:
    """Name resolution over the stored players who played (built on first use)."""

    def build() -> PlayerRegistry:
        return registry_from_store(store, played_only=True) or PlayerRegistry({})

    return Identities(build)


def assign_seq(
    frame: pd.DataFrame, absorbed: dict[int, list[int]], ledger: pd.DataFrame | None, seq: int
) -> tuple[pd.Series, pd.DataFrame]:
    """Each row's seq (the oldest known for its uid or any uid it absorbed, else `seq`) and the ledger
    rows to add (every uid with the seq of the row that holds it)."""
    known = pd.Series(dtype="int64") if ledger is None else ledger.set_index("uid")["seq"]
    own = pd.DataFrame({"kept": frame["uid"].to_numpy(), "uid": frame["uid"].to_numpy()})
    merged = [(kept, gone) for kept, gones in absorbed.items() for gone in gones]
    pairs = pd.concat([own, pd.DataFrame(merged, columns=["kept", "uid"], dtype="int64")], ignore_index=True)
    pairs = pairs.drop_duplicates()
    if known.empty:  # a first write: every row is new, and so is every uid it holds
        held = pairs[pairs["kept"].isin(frame["uid"])]
        row_seq = pd.Series(seq, index=frame.index, dtype="int64", name="uid")
        return row_seq, held[["uid"]].assign(seq=seq).astype("int64")
    pairs["seq"] = pairs["uid"].map(known)
    oldest = pairs.groupby("kept")["seq"].min()
    row_seq = frame["uid"].map(oldest).fillna(seq).astype("int64")
    by_uid = pd.Series(row_seq.to_numpy(), index=frame["uid"].to_numpy())
    pairs["seq"] = pairs["kept"].map(by_uid[~by_uid.index.duplicated(keep="last")])
    add = pairs.dropna(subset=["seq"])[["uid", "seq"]].astype("int64")
    if ledger is not None:
        add = add[~add["uid"].isin(known.index)]
    return row_seq, add


def merge_ledger(ledger: pd.DataFrame | None, add: pd.DataFrame) -> pd.DataFrame:
    if ledger is None or ledger.empty:
        return add.reset_index(drop=True)
    return pd.concat([ledger, add], ignore_index=True).drop_duplicates("uid")


def refresh_activity(players: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    """first/last seen and match counts of the players in `matches` folded into the table (added)."""
    stats = activity(
        matches.assign(tourney_date=pd.to_datetime(matches["day"]).fillna(matches["tourney_date"]))
    )
    out = players.set_index("key")
    common = stats.index.intersection(out.index)
    for col, how in (("first_seen", np.minimum), ("last_seen", np.maximum)):
        old = pd.to_datetime(out.loc[common, col])
        new = pd.to_datetime(stats.loc[common, col])
        out.loc[common, col] = how(old.fillna(new), new).dt.date
    for col in ("n_matches", "n_tour_matches"):
        out.loc[common, col] = out.loc[common, col].fillna(0).astype("int64") + stats.loc[common, col].astype(
            "int64"
        )
    return out.reset_index()


def links_for(
    previous: pd.DataFrame | None, current: pd.DataFrame, registry: Callable[[], PlayerRegistry], day: date
) -> pd.DataFrame:
    """Newcomers of the previous players table that this build named otherwise: old key -> new key
    (the registry is asked only when a newcomer went missing)."""
    columns = ["from_key", "to_key", "linked_on"]
    if previous is None or previous.empty:
        return pd.DataFrame(columns=columns)
    gone = previous[~previous["key"].isin(current["key"]) & previous["key"].map(is_newcomer)]
    if gone.empty:
        return pd.DataFrame(columns=columns)
    rows = []
    for key, name, tour in zip(gone["key"], gone["full_name"], gone["tour"], strict=True):
        res = registry().resolve(str(name), str(tour))
        if res.status == "ok" and res.player is not None and res.player.key != key:
            rows.append((key, res.player.key, day))
    return pd.DataFrame(rows, columns=columns)


def add_newcomers(players: pd.DataFrame, ids: Identities) -> pd.DataFrame:
    """The players table with the newcomers `ids` made (no activity yet: refresh_activity adds it)."""
    fresh = ids.newcomer_frame()
    fresh = fresh[~fresh["key"].isin(players["key"])]
    if fresh.empty:
        return players
    fresh = fresh.assign(first_seen=None, last_seen=None, n_matches=0, n_tour_matches=0)
    return pd.concat([players, fresh], ignore_index=True)


def newcomer_record(row: pd.Series) -> PlayerRecord:
    return PlayerRecord(str(row["key"]), str(row["name_first"]), str(row["name_last"]))
