"""Tolerant CSV reading and the load report shared by the Sackmann and tennis-data readers."""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from courtside.data.frames import per_value


@dataclass
class LoadReport:
    """What a loader read and what it dropped, with a reason per dropped row."""

    files: int = 0
    rows_read: int = 0
    rows_kept: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def reject(self, reason: str, count: int = 1) -> None:
        if count:
            self.rejected[reason] += count

    @property
    def rows_rejected(self) -> int:
        return sum(self.rejected.values())

    def merge(self, other: LoadReport) -> None:
        self.files += other.files
        self.rows_read += other.rows_read
        self.rows_kept += other.rows_kept
        self.rejected.update(other.rejected)


def read_text(path: Path) -> str:
    """The file's text: UTF-8, with lines that are not valid UTF-8 decoded as latin-1."""
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = "".join(_decode_line(line) for line in raw.splitlines(keepends=True))
    return text.removeprefix("\ufeff")


def _decode_line(line: bytes) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode("latin-1")


def read_csv(path: Path, dtype: dict[str, str] | None = None) -> pd.DataFrame:
    """One CSV, read tolerantly (encoding, blank lines); every column as text unless dtype says.
    Valid UTF-8 goes straight to the C reader; a file with latin-1 lines is decoded line by line."""
    try:
        return _read_csv(path, dtype, "utf-8-sig")
    except UnicodeDecodeError:
        return _read_csv(io.StringIO(read_text(path)), dtype, None)


def _read_csv(source: Path | io.StringIO, dtype: dict[str, str] | None, encoding: str | None) -> pd.DataFrame:
    return pd.read_csv(
        source,
        dtype=dtype if dtype is not None else str,
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=True,
        encoding=encoding,
    )


def to_float(series: pd.Series) -> pd.Series:
    """Numbers from text (anything else is NaN), parsed once per distinct text."""
    if series.dtype == np.float64:
        return series
    return per_value(series, lambda s: pd.to_numeric(s, errors="coerce").astype("float64"))


def to_int_id(series: pd.Series) -> pd.Series:
    return pd.to_numeric(series, errors="coerce").astype("Int64")


def column(raw: pd.DataFrame, *names: str) -> pd.Series:
    for name in names:
        if name in raw.columns:
            return raw[name]
    return pd.Series(np.nan, index=raw.index, dtype=object)
