"""As-of model probabilities for the odds rows of a backtest.

`courtside.model.walkforward.walk_forward` walks the Sackmann history: ratings and features rolled
forward round by round, the learner and calibrator refit each month on events already finished, each
match predicted before its result is learned. The odds rows are linked to their Sackmann match by
`courtside.data.join.join_odds`; a row that does not join has no prediction and is not traded.
"""

from __future__ import annotations

import hashlib
import math
import os
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from courtside.backtest.matches import MatchSpec
from courtside.data.join import WINDOW_AFTER, join_odds
from courtside.data.registry import PlayerRegistry
from courtside.data.sources import load_matches, load_players
from courtside.domain.tennis import Tour
from courtside.model.walkforward import EVENT_SPAN, TrainConfig, fingerprint, walk_forward

if TYPE_CHECKING:
    from courtside.backtest.run import BacktestConfig

HISTORY_START = 1990


@dataclass(frozen=True, slots=True)
class JoinedProbabilities:
    """P(A wins) per odds row, from the as-of P(Sackmann winner wins) of the joined match."""

    p_winner: dict[int, float]  # odds row index -> P(odds winner beats loser)
    version: str

    def p_a(self, spec: MatchSpec) -> float | None:
        p = self.p_winner.get(spec.row)
        if p is None or not math.isfinite(p):
            return None
        return p if spec.a_won else 1.0 - p


def history(
    data_dir: Path, tours: tuple[Tour, ...], first_year: int, end: date, cutoff: date | None
) -> pd.DataFrame:
    """The Sackmann matches the model may learn from: every event starting by `end` (a season's file
    can hold an event starting the previous December) and before the cutoff."""
    matches = load_matches(data_dir, tours, years=range(max(first_year, HISTORY_START), end.year + 2))
    matches = matches.loc[matches["tourney_date"] <= pd.Timestamp(end)].reset_index(drop=True)
    if cutoff is not None:
        matches = matches.loc[matches["tourney_date"] < pd.Timestamp(cutoff)].reset_index(drop=True)
    return matches


def as_of_predictions(matches: pd.DataFrame, start: date, train: TrainConfig) -> pd.DataFrame:
    """walk_forward's test rows (tour, tourney_id, match_num, p_winner) for events that may hold
    matches played on or after `start` (an event's Monday can be up to WINDOW_AFTER earlier)."""
    test_from = pd.Timestamp(start - WINDOW_AFTER - timedelta(days=1))
    walk = walk_forward(matches, test_from - EVENT_SPAN, test_from, config=train)
    return walk.predictions[[*KEY, "p_winner"]]


KEY = ("tour", "tourney_id", "match_num", "winner_key", "loser_key")
_DTYPES = {
    "tour": str,
    "tourney_id": str,
    "match_num": int,
    "winner_key": str,
    "loser_key": str,
    "p_winner": float,
}


def link(
    predictions: pd.DataFrame, odds: pd.DataFrame, registry: PlayerRegistry, matches: pd.DataFrame
) -> dict[int, float]:
    """odds row index -> as-of P(winner wins) of the Sackmann match the row joined to.

    Matches are keyed by tour, event, match_num and both players: match_num repeats within some
    WTA events (qualifying and main draw share numbers), so it does not identify a match alone."""
    joined = join_odds(matches, odds, registry)
    cols = [predictions[c] for c in KEY]
    lookup = {(str(t), str(e), int(n), str(w), str(lo)): float(p)
              for t, e, n, w, lo, p in zip(*cols, predictions["p_winner"], strict=True)}  # fmt: skip
    out: dict[int, float] = {}
    ok = joined.loc[joined["join_status"] == "joined"]
    for idx, t, e, n, w, lo in zip(ok.index, *(ok[c] for c in KEY), strict=True):
        p = lookup.get((str(t), str(e), int(n), str(w), str(lo)))
        if p is not None:
            out[int(idx)] = p
    return out


def model_probabilities(
    config: BacktestConfig, odds: pd.DataFrame, cutoff: date | None
) -> JoinedProbabilities:
    """Walk the model forward over the history (truncated at the cutoff) and link it to the odds rows.

    With `config.cache`, a result already computed from exactly the same history, players, odds rows,
    start and model settings is read back instead (a sweep of trader flags over one window walks the
    model once); the file holds every digit, so the replay is the same."""
    first = config.start.year - config.history_years
    matches = history(config.data_dir, config.tours, first, config.end, cutoff)
    players = load_players(config.data_dir, config.tours)
    days = odds["date"]
    window = odds.loc[(days >= pd.Timestamp(config.start)) & (days <= pd.Timestamp(config.end))]
    train = replace(TrainConfig(), refit=config.refit)
    version = (
        f"walk_forward {train.learner}+{train.calibrator}, refit {train.refit}, {fingerprint(None, train)}"
    )
    path = None
    if config.cache is not None:
        path = config.cache / f"asof-{_inputs_key((matches, players, window), config.start, train)}.csv"
        if path.is_file():
            return JoinedProbabilities(_read_linked(path), version)
    registry = PlayerRegistry.from_frames(players, matches)
    linked = link(as_of_predictions(matches, config.start, train), window, registry, matches)
    if path is not None:
        _write_linked(linked, path)
    return JoinedProbabilities(linked, version)


def _inputs_key(frames: tuple[pd.DataFrame, ...], start: date, train: TrainConfig) -> str:
    """What the linked predictions depend on: every row of each input (hashed), the start and the
    model settings (by their canonical fingerprint: a frozenset's repr varies between processes)."""
    digest = hashlib.blake2b(digest_size=16)
    for frame in frames:
        digest.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    digest.update(f"{start.isoformat()}|{fingerprint(None, train)}".encode())
    return digest.hexdigest()


def _read_linked(path: Path) -> dict[int, float]:
    frame = pd.read_csv(path, dtype={"row": int, "p_winner": float})
    return dict(zip(frame["row"].tolist(), frame["p_winner"].tolist(), strict=True))


def _write_linked(linked: dict[int, float], path: Path) -> None:
    """row,p_winner with every digit (%.17g round-trips a float), written atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    frame = pd.DataFrame({"row": list(linked), "p_winner": list(linked.values())})
    frame.to_csv(partial, index=False, float_format="%.17g")
    partial.replace(path)
