"""One chronological pass over the match frame: Elo pre-ratings plus as-of features per match.

Rows are oriented winner = A; the learner sees both orientations. `ModelState` bundles the Elo and
feature states so live prediction and `roll_forward` continue exactly where the pass stopped.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pandas as pd
from rich.progress import Progress

from courtside.model.chrono import MatchArrays, to_arrays
from courtside.model.features import CONTEXT_NAMES, DIFF_NAMES, FeatureState, MatchResult, Occasion, Side
from courtside.model.ratings import PRE_COLUMNS, EloParams, EloState, rate_round

MINUTES_PER_GAME = 6.0


@dataclass(slots=True)
class ModelState:
    """Everything the model remembers of the past: ratings and feature state."""

    elo: EloState
    features: FeatureState


@dataclass(frozen=True, slots=True)
class FeatureFrame:
    """Per-match outputs of the pass, aligned with the input frame's rows (winner = A)."""

    pre: np.ndarray  # rows x PRE_COLUMNS
    diffs: np.ndarray  # rows x DIFF_NAMES
    context: np.ndarray  # rows x CONTEXT_NAMES

    def as_frame(self) -> pd.DataFrame:
        cols = {**dict(zip(PRE_COLUMNS, self.pre.T, strict=True))}
        cols.update({f"d_{n}": v for n, v in zip(DIFF_NAMES, self.diffs.T, strict=True)})
        cols.update({f"c_{n}": v for n, v in zip(CONTEXT_NAMES, self.context.T, strict=True)})
        return pd.DataFrame(cols)


def host_countries(matches: pd.DataFrame) -> dict[str, str]:
    """Host IOC per event where derivable: the country most wildcards come from (known pre-event)."""
    parts = []
    for side in ("winner", "loser"):
        entry, ioc = f"{side}_entry", f"{side}_ioc"
        if entry in matches.columns and ioc in matches.columns:
            wc = matches[matches[entry].astype(str).str.upper() == "WC"]
            parts.append(pd.DataFrame({"event": wc["tourney_id"].astype(str), "ioc": wc[ioc].astype(str)}))
    if not parts:
        return {}
    wcs = pd.concat(parts)
    counts = wcs.groupby(["event", "ioc"]).size().reset_index(name="n")
    # a stable, fully ordered tie-break: the choice must not depend on how much later data is loaded
    counts = counts.sort_values(["n", "ioc"], ascending=[False, True], kind="stable").drop_duplicates("event")
    counts = counts[counts["n"] >= 2]
    return dict(zip(counts["event"], counts["ioc"], strict=True))


def _nums(matches: pd.DataFrame, name: str) -> list[float]:
    if name not in matches.columns:
        return [math.nan] * len(matches)
    return [float(x) for x in pd.to_numeric(matches[name], errors="coerce").to_numpy(dtype=float)]


def _strs(matches: pd.DataFrame, name: str) -> list[str]:
    if name not in matches.columns:
        return [""] * len(matches)
    return [x if isinstance(x, str) else "" for x in matches[name].tolist()]


def _sides(matches: pd.DataFrame, side: str) -> list[Side]:
    keys = matches[f"{side}_key"].astype(str).tolist()
    rank, points = _nums(matches, f"{side}_rank"), _nums(matches, f"{side}_rank_points")
    hand, ioc = _strs(matches, f"{side}_hand"), _strs(matches, f"{side}_ioc")
    height, age = _nums(matches, f"{side}_ht"), _nums(matches, f"{side}_age")
    rows = zip(keys, rank, points, hand, height, ioc, age, strict=True)
    return [Side(k, r, p, h, ht, i, a) for k, r, p, h, ht, i, a in rows]


def _occasions(matches: pd.DataFrame, arrays: MatchArrays) -> list[Occasion]:
    hosts = host_countries(matches)
    events = (matches["tourney_id"].astype(str) + "@" + matches["tourney_date"].astype(str)).tolist()
    ids = matches["tourney_id"].astype(str).tolist()
    rounds = matches["round_order"].astype(int).tolist()
    wta = (matches["tour"].astype(str) == "wta").astype(int).tolist()
    names = _strs(matches, "tourney_name")
    columns = zip(
        events, ids, arrays.day, arrays.best_of, arrays.level, rounds, arrays.surface, wta, names, strict=True
    )
    return [
        Occasion(ev, d, hosts.get(tid, ""), bo, lv, ro, s, t, nm)
        for ev, tid, d, bo, lv, ro, s, t, nm in columns
    ]


def _minutes(matches: pd.DataFrame, arrays: MatchArrays) -> list[float]:
    """Match length; when missing, estimated from the games in the score."""
    minutes = _nums(matches, "minutes")
    games = [_games(s) for s in matches["score"].tolist()]
    return [m if m == m and m > 0 else g * MINUTES_PER_GAME for m, g in zip(minutes, games, strict=True)]


def _games(score: object) -> float:
    if not isinstance(score, str):
        return 0.0
    total = 0
    for part in score.split():
        bits = part.split("(")[0].strip("[]").split("-")
        if len(bits) == 2 and bits[0].isdigit() and bits[1].isdigit():
            total += int(bits[0]) + int(bits[1])
    return float(total)


def build(
    matches: pd.DataFrame,
    params: EloParams | None = None,
    state: ModelState | None = None,
    *,
    progress: bool = False,
) -> tuple[FeatureFrame, ModelState]:
    """Run the chronological pass over a sorted match frame, continuing `state` when given."""
    arrays = to_arrays(matches)
    state = state or ModelState(EloState(params or EloParams()), FeatureState())
    winners, losers = _sides(matches, "winner"), _sides(matches, "loser")
    occasions, minutes = _occasions(matches, arrays), _minutes(matches, arrays)
    n = len(arrays)
    pre = np.empty((n, len(PRE_COLUMNS)))
    diffs = np.empty((n, len(DIFF_NAMES)))
    context = np.empty((n, len(CONTEXT_NAMES)))
    for start, stop in _rounds(arrays, progress):
        rate_round(state.elo, arrays, start, stop, pre)  # the features read only the pre-match values
        for i in range(start, stop):
            diffs[i], context[i] = state.features.pair(winners[i], losers[i], occasions[i], pre[i])
        for i in range(start, stop):
            result = MatchResult(arrays.outcome[i] != "walkover", minutes[i], pre[i, 6])
            state.features.record(winners[i], losers[i], occasions[i], result)
    return FeatureFrame(pre, diffs, context), state


def _rounds(arrays: MatchArrays, progress: bool) -> Iterator[tuple[int, int]]:
    if not progress:
        yield from arrays.rounds()
        return
    with Progress(transient=True) as bar:
        task = bar.add_task("rating and featurising matches", total=len(arrays))
        for start, stop in arrays.rounds():
            yield start, stop
            bar.advance(task, stop - start)
