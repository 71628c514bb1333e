"""The ingest's fast paths give what the plain pandas ways give: per-value work, sorting, uids, the
Parquet writer, and the check that a file read is still the file digested."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest

from courtside.data.frames import in_order, per_value, player_keys, row_codes
from courtside.data.manifest import discover
from courtside.data.unify import uids
from courtside.domain.tennis import Tour
from courtside.store.history import arrow_table


def _mixed() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "text": pd.Series(["b", None, "a", "b", "c"], dtype="str"),
            "objects": pd.Series(["x", None, "y", "x", None], dtype=object),
            "number": [1.5, np.nan, 2.0, 1.5, -3.0],
            "count": [3, 1, 2, 3, 9],
            "day": pd.to_datetime(["2020-01-06", None, "2021-03-01", "2020-01-06", "2019-12-30"]),
            "born": [pd.Timestamp("2000-01-02").date(), None, pd.Timestamp("1999-05-06").date(), None, None],
            "nothing": pd.Series([None] * 5, dtype=object),
        }
    )


def test_per_value_is_the_function_applied_to_every_row() -> None:
    frame = _mixed()
    for column in ("text", "number", "day"):
        values = frame[column]
        fast = per_value(values, lambda s: s.astype(str) + "!")
        pd.testing.assert_series_equal(fast, values.astype(str) + "!")


def test_row_codes_are_equal_exactly_where_the_rows_are() -> None:
    frame = _mixed()
    codes = row_codes(frame["text"], frame["number"], frame["count"])
    assert codes[0] == codes[3]
    assert len(set(codes[[0, 1, 2, 4]])) == 4


def test_player_keys_join_tour_and_id() -> None:
    keys = player_keys(pd.Series(["atp", "wta", "atp"]), pd.Series([104925, 104925, 7]))
    assert keys.tolist() == ["atp:104925", "wta:104925", "atp:7"]
    assert str(keys.dtype) == "str"


@pytest.mark.parametrize("shuffle", [False, True])
def test_in_order_is_a_stable_sort_whether_or_not_the_rows_are_in_order(shuffle: bool) -> None:
    frame = pd.DataFrame({"day": [1, 1, 2, 2, 3], "event": ["a", "a", "b", "a", "c"], "n": range(5)})
    if shuffle:
        frame = frame.iloc[[4, 2, 0, 3, 1]]
    expected = frame.sort_values(["day", "event"], kind="mergesort", ignore_index=True)
    pd.testing.assert_frame_equal(in_order(frame, ["day", "event"]), expected)
    with_gap = frame.assign(event=frame["event"].where(frame["n"] != 2))
    expected = with_gap.sort_values(["day", "event"], kind="mergesort", ignore_index=True)
    pd.testing.assert_frame_equal(in_order(with_gap, ["day", "event"]), expected)


def test_uids_are_pandas_row_hashes_of_the_key_as_text() -> None:
    frame = _mixed()
    columns = ["text", "number", "count", "day"]
    expected = pd.util.hash_pandas_object(frame[columns].astype(str).assign(_source="src"), index=False)
    assert uids("src", frame, columns).tolist() == expected.to_numpy().view(np.int64).tolist()
    assert uids("src", frame.iloc[0:0], columns).empty


@pytest.mark.parametrize("rows", [5, 0])
def test_the_parquet_writer_stores_what_to_parquet_stores(tmp_path: Path, rows: int) -> None:
    frame = _mixed().iloc[:rows]
    frame.to_parquet(tmp_path / "pandas.parquet", index=False, compression="zstd")
    pq.write_table(arrow_table(frame), tmp_path / "direct.parquet", compression="zstd")
    ours, theirs = (pq.read_table(tmp_path / f"{n}.parquet") for n in ("direct", "pandas"))
    assert ours.schema.equals(theirs.schema, check_metadata=True)
    assert ours.equals(theirs)
    pd.testing.assert_frame_equal(*(pd.read_parquet(tmp_path / f"{n}.parquet") for n in ("direct", "pandas")))


def test_a_file_rewritten_or_replaced_after_its_digest_is_not_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "tennis_atp"
    folder.mkdir()
    (folder / "atp_players.csv").write_text("player_id,name_first,name_last\n1,A,B\n")
    (folder / "atp_matches_2023.csv").write_text("tourney_id\n1\n")
    players, matches = sorted(discover(tmp_path, [Tour.ATP]), key=lambda f: f.kind != "players")
    assert players.unchanged()
    assert matches.unchanged()
    (folder / "atp_players.csv").write_text("player_id,name_first,name_last\n1,A,Bc\n")  # edited in place
    replacement = folder / "new.csv"
    replacement.write_text("tourney_id\n1\n")
    os.replace(replacement, folder / "atp_matches_2023.csv")  # the same bytes, as a sync writes a file
    assert not players.unchanged()
    assert not matches.unchanged()
