"""Reader for the tennis-data.co.uk season files (results with closing bookmaker odds).

Odds and results from tennis-data.co.uk (no explicit licence; credit the site).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from courtside.data.csvio import LoadReport, column, read_csv, to_float
from courtside.domain.errors import ConfigError
from courtside.domain.tennis import Tour

ODDS_COLUMNS: tuple[str, ...] = ("PSW", "PSL", "B365W", "B365L", "MaxW", "MaxL", "AvgW", "AvgL")
_ODDS_FILE = re.compile(r"^(atp|wta)_(\d{4})\.csv$")


def odds_files(data_dir: Path, tours: Iterable[Tour], years: range | None = None) -> list[tuple[Path, Tour]]:
    """The tennis-data CSVs (atp_YYYY.csv, wta_YYYY.csv) of the given tours and years."""
    folder = Path(data_dir) / "tennis_odds"
    if not folder.is_dir():
        raise ConfigError(f"no odds folder at {folder}: run `courtside data sync`")
    wanted = {Tour(t).value for t in tours}
    found: list[tuple[int, str, Path]] = []
    for path in folder.iterdir():
        m = _ODDS_FILE.match(path.name)
        if m and m.group(1) in wanted and (years is None or int(m.group(2)) in years):
            found.append((int(m.group(2)), m.group(1), path))
    return [(p, Tour(t)) for _, t, p in sorted(found)]


def load_odds(
    data_dir: Path,
    tours: Iterable[Tour] = (Tour.ATP, Tour.WTA),
    years: range | None = None,
    *,
    report: LoadReport | None = None,
) -> pd.DataFrame:
    """The tennis-data.co.uk rows with closing odds, one per match, names as 'Surname I.'."""
    return load_odds_files(odds_files(Path(data_dir), tours, years), report=report)


def load_odds_files(files: Iterable[tuple[Path, Tour]], *, report: LoadReport | None = None) -> pd.DataFrame:
    """The given odds files (path, tour) as one frame: what an incremental ingest reads."""
    report = report if report is not None else LoadReport()
    frames = [_load_odds_file(p, t, report) for p, t in files]
    if not frames:
        return empty_odds()
    out = pd.concat(frames, ignore_index=True)
    report.rows_kept += len(out)
    return out


_ODDS_OUT: tuple[str, ...] = (
    "tour", "date", "location", "tournament", "series", "court", "surface", "round", "best_of",
    "winner", "loser", "wrank", "lrank", "comment", *ODDS_COLUMNS,
)  # fmt: skip


def empty_odds() -> pd.DataFrame:
    """An odds frame with no rows and the columns (and date dtype) of load_odds."""
    out = pd.DataFrame({c: pd.Series(dtype=object) for c in _ODDS_OUT})
    out["date"] = pd.Series(dtype="datetime64[us]")
    for col in ("wrank", "lrank", *ODDS_COLUMNS):
        out[col] = pd.Series(dtype="float64")
    return out


def _load_odds_file(path: Path, tour: Tour, report: LoadReport) -> pd.DataFrame:
    raw = read_csv(path)
    raw = raw.rename(columns=str.strip)
    report.files += 1
    report.rows_read += len(raw)
    clean: Callable[[pd.Series], pd.Series] = lambda s: s.str.strip().str.replace(r"\s+", " ", regex=True)  # noqa: E731
    out = pd.DataFrame(
        {
            "tour": tour.value,
            "date": pd.to_datetime(column(raw, "Date"), errors="coerce", format="mixed"),
            "location": column(raw, "Location"),
            "tournament": column(raw, "Tournament"),
            "series": column(raw, "Series", "Tier"),
            "court": column(raw, "Court"),
            "surface": column(raw, "Surface"),
            "round": column(raw, "Round").str.strip(),
            "best_of": pd.to_numeric(column(raw, "Best of"), errors="coerce").fillna(3).astype("int64"),
            "winner": clean(column(raw, "Winner").astype("str")),
            "loser": clean(column(raw, "Loser").astype("str")),
            "wrank": to_float(column(raw, "WRank")),
            "lrank": to_float(column(raw, "LRank")),
            "comment": column(raw, "Comment").fillna("").str.strip(),
        }
    )
    for col in ODDS_COLUMNS:
        out[col] = to_float(column(raw, col))
    bad_date = out["date"].isna()
    no_name = column(raw, "Winner").isna() | column(raw, "Loser").isna()
    report.reject("bad date", int(bad_date.sum()))
    report.reject("missing player name", int((no_name & ~bad_date).sum()))
    return out.loc[~(bad_date | no_name), list(_ODDS_OUT)].reset_index(drop=True)
