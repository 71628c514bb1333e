"""Whole-column helpers for the history's large frames: work once per distinct value, not per row.

Half a million match rows repeat a few thousand scores, levels, dates and players; pandas' text
operations run in Python for every row, so the readers and the merge work on the distinct values and
spread the answers back by position.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd


def per_value(values: pd.Series, fn: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """fn worked out once per distinct value (missing ones included) and spread back to every row: the
    history repeats a few thousand scores, levels and names over half a million rows."""
    codes, distinct = pd.factorize(values, use_na_sentinel=False)
    done = fn(pd.Series(distinct, dtype=values.dtype))
    spread = done.take(codes).set_axis(values.index)
    spread.name = values.name
    return spread


def row_codes(*columns: pd.Series) -> np.ndarray:
    """One integer per row, equal where the rows hold the same values (missing equal to missing)."""
    combined, span = np.zeros(len(columns[0]), dtype="int64"), 1
    for col in columns:
        codes, distinct = pd.factorize(col, use_na_sentinel=False)
        if span * max(len(distinct), 1) >= 2**62:  # numbered densely again before the product overflows
            combined, uniques = pd.factorize(combined)
            span = max(len(uniques), 1)
        combined, span = combined * len(distinct) + codes, span * max(len(distinct), 1)
    return pd.factorize(combined)[0]


def distinct_rows(*columns: pd.Series) -> tuple[np.ndarray, pd.DataFrame]:
    """The code of each row's combination of values, and one row per combination (code order)."""
    combined = row_codes(*columns)
    _, first = np.unique(combined, return_index=True)
    rows = pd.DataFrame({i: col.iloc[first].to_numpy() for i, col in enumerate(columns)})
    return combined, rows


def player_keys(tours: pd.Series, ids: pd.Series) -> pd.Series:
    """'atp:104925' per row from the tour and the integer id, each distinct key formatted once."""
    tour_codes, tour_names = pd.factorize(tours)
    if (tour_codes < 0).any():
        raise ValueError("a player key needs a tour on every row")
    n = max(len(tour_names), 1)
    combined = ids.to_numpy(dtype="int64") * n + tour_codes
    codes, distinct = pd.factorize(combined)
    names = [str(t) for t in tour_names]
    text = np.array([f"{names[c % n]}:{c // n}" for c in distinct.tolist()], dtype=object)
    return pd.Series(text.take(codes), index=tours.index, dtype="str")


def in_order(frame: pd.DataFrame, columns: Sequence[str]) -> pd.DataFrame:
    """frame.sort_values(columns, kind="mergesort", ignore_index=True), skipping the sort (a copy of
    every column) when the rows are in that order already, as the history's usually are."""
    if _sorted_by(frame, columns):
        return frame.reset_index(drop=True)
    return frame.sort_values(list(columns), kind="mergesort", ignore_index=True)


def _sorted_by(frame: pd.DataFrame, columns: Sequence[str]) -> bool:
    """True when no row sorts before the one above it (a stable sort leaves the frame as it is)."""
    if len(frame) < 2:
        return True
    undecided = np.ones(len(frame) - 1, dtype=bool)
    for col in columns:
        if frame[col].isna().any():
            return False
        values = frame[col].to_numpy()
        above, below = values[:-1], values[1:]
        try:
            if (undecided & (below < above)).any():
                return False
            undecided &= below == above
        except TypeError:  # values of different kinds: let pandas decide
            return False
        if not undecided.any():
            break
    return True
