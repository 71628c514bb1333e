"""`courtside model update`: roll a trained artifact through every stored result it has not learned.

No retraining: the ratings and feature state move, the learner stays (it is refit by `model train` on
its own schedule). What the artifact learned is recorded in it: trained from the store, the store's
write number (`seq`) it had seen, so exactly the rows written since are new to it, whichever day they
were played; trained from a data folder, its newest result day, and the stored rows after that day are
new. Players a result brings that the artifact never rated are added to its players table (the trader's
name registry), newcomer ids that the store has since linked to another id are renamed first, and the
new version is written in place (atomically) or to `out`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, date
from pathlib import Path

import pandas as pd

from courtside.data.history import stored_matches
from courtside.domain.clock import Clock, SystemClock
from courtside.model.artifact import Artifact, load, result_days, roll_forward, save
from courtside.model.dataset import ModelState
from courtside.model.training import players_table
from courtside.store.history import HistoryStore


@dataclass(frozen=True)
class UpdateResult:
    version: str
    previous: str
    rolled: int
    results_through: date | None
    players_added: int
    links_applied: int
    seconds: float

    def as_dict(self) -> dict[str, object]:
        return {
            "model_version": self.version,
            "previous_version": self.previous,
            "results_rolled": self.rolled,
            "results_through": str(self.results_through) if self.results_through else None,
            "players_added": self.players_added,
            "links_applied": self.links_applied,
            "seconds": round(self.seconds, 2),
        }


def unlearned(art: Artifact, store: HistoryStore) -> pd.DataFrame:
    """The stored results the artifact has not learned, in play order."""
    learned = art.meta.get("learned") or {}
    seq, until = learned.get("seq"), learned.get("until")
    if seq is not None and str(learned.get("source")) == str(store.root.resolve()):
        rows = stored_matches(store, after_seq=int(seq))
        if until:
            later = stored_matches(store)
            later = later[(later["tourney_date"] > pd.Timestamp(until)) & (later["seq"] <= int(seq))]
            rows = pd.concat([later, rows], ignore_index=True)
    else:  # trained from a folder (or another store): what was played after its newest result
        through = pd.Timestamp(art.meta.get("results_through", art.meta.get("data_to", "1900-01-01")))
        every = stored_matches(store)
        rows = every[result_days(every) > through]
    order = ["tourney_date", "tourney_id", "round_order", "match_num"]
    return rows.sort_values(order, kind="mergesort", ignore_index=True)


def rename_player(state: ModelState, old: str, new: str) -> bool:
    """Give the ratings and form of `old` to `new` (a linked newcomer); False when `new` is rated."""
    elo, fs = state.elo, state.features
    if old not in elo.index or new in elo.index:
        return False
    elo.index[new] = elo.index.pop(old)
    if old in fs.players:
        fs.players[new] = fs.players.pop(old)
    fs.h2h = {(new if a == old else a, new if b == old else b): n for (a, b), n in fs.h2h.items()}
    return True


def update_model(
    model: Path, store: HistoryStore, out: Path | None = None, clock: Clock | None = None
) -> UpdateResult:
    """Roll the artifact at `model` forward through the store; write it to `out` (default: in place)."""
    clock = clock or SystemClock()
    start = time.perf_counter()
    art = load(model)
    links = store.read("links")
    applied = 0
    if links is not None:
        for old, new in zip(links["from_key"], links["to_key"], strict=True):
            applied += rename_player(art.state, str(old), str(new))
    rows = unlearned(art, store)
    rolled = roll_forward(art, rows, clock)
    before = set(rolled.players["key"])
    players = store.read("players")
    if players is not None and not rows.empty:
        fresh = players_table(players, rows, rolled.state)
        fresh = fresh[~fresh["key"].isin(before)]
        rolled.players = (
            pd.concat([rolled.players, fresh], ignore_index=True) if not fresh.empty else rolled.players
        )
    rolled.meta["learned"] = {
        "source": str(store.root.resolve()),
        "seq": int(store.state().get("seq", 0)),
        "until": None,
    }
    rolled.meta["model_version"] = _version(art.version, rolled.meta, clock)
    save(rolled, out or model)
    through = rolled.meta.get("results_through")
    return UpdateResult(
        rolled.version, art.version, len(rows), date.fromisoformat(through) if through else None,
        len(rolled.players) - len(before), applied, time.perf_counter() - start,
    )  # fmt: skip


def _version(previous: str, meta: dict[str, object], clock: Clock) -> str:
    """The previous version with the new results date and build stamp (same settings fingerprint)."""
    parts = previous.split("-")
    stamp = clock.now().astimezone(UTC).strftime("%Y%m%dT%H%M%S")
    through = str(meta.get("results_through", "")).replace("-", "")
    if len(parts) >= 6 and parts[0] == "courtside":
        return "-".join([*parts[:3], through, stamp, parts[-1]])
    return f"{previous}-u{stamp}"


def model_age_days(meta: dict[str, object], today: date) -> int | None:
    """Days since the newest result the model learned (None when the artifact does not say)."""
    through = meta.get("results_through") or meta.get("data_to")
    return (today - date.fromisoformat(str(through))).days if through else None
