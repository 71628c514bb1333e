"""Readers for the Sackmann match/player/ranking files (and, re-exported, the tennis-data odds files).

Each reader parses at the boundary: explicit dtypes, tolerant decoding, one normalised frame out,
and the rows it had to drop counted with reasons in a `LoadReport`.
Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0);
odds from tennis-data.co.uk.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from courtside.data.csvio import LoadReport, read_csv, read_text, to_float, to_int_id
from courtside.data.frames import distinct_rows, per_value, player_keys, row_codes
from courtside.data.odds import ODDS_COLUMNS, empty_odds, load_odds, odds_files
from courtside.domain.errors import ConfigError
from courtside.domain.tennis import Level, Tour

__all__ = [
    "ATTRIBUTION",
    "MATCH_COLUMNS",
    "MATCH_KEY",
    "ODDS_COLUMNS",
    "ROUND_ORDER",
    "STAT_COLUMNS",
    "LoadReport",
    "empty_odds",
    "load_match_files",
    "load_matches",
    "load_odds",
    "load_players",
    "load_rankings",
    "match_files",
    "odds_files",
    "read_csv",
    "read_match_csv",
    "score_outcome",
    "score_outcomes",
]

SOURCE = "sackmann"
ATTRIBUTION = (
    "Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0); "
    "odds and results from tennis-data.co.uk"
)

STAT_COLUMNS: tuple[str, ...] = tuple(
    f"{side}_{stat}"
    for side in ("w", "l")
    for stat in ("ace", "df", "svpt", "1stIn", "1stWon", "2ndWon", "SvGms", "bpSaved", "bpFaced")
)
_PLAYER_FIELDS = ("id", "seed", "entry", "name", "hand", "ht", "ioc", "age", "rank", "rank_points")
_FLOAT_FIELDS = ("ht", "age", "rank", "rank_points", "seed")

ROUND_ORDER: dict[str, int] = {
    "Q1": 1, "Q2": 2, "Q3": 3, "Q4": 4, "ER": 8, "RR": 9,
    "R128": 10, "R64": 11, "R32": 12, "R16": 13, "QF": 14, "SF": 15, "BR": 16, "F": 17,
}  # fmt: skip

_ATP_LEVELS = {
    "G": Level.GRAND_SLAM, "M": Level.MASTERS, "A": Level.TOUR_250, "F": Level.TOUR_FINALS,
    "D": Level.TEAM, "O": Level.OLYMPICS, "C": Level.CHALLENGER, "S": Level.ITF,
}  # fmt: skip
_WTA_LEVELS = {
    "G": Level.GRAND_SLAM, "F": Level.TOUR_FINALS, "D": Level.TEAM, "O": Level.OLYMPICS,
    "PM": Level.MASTERS, "T1": Level.MASTERS, "P": Level.TOUR_500, "T2": Level.TOUR_500,
    "I": Level.TOUR_250, "T3": Level.TOUR_250, "T4": Level.TOUR_250, "T5": Level.TOUR_250,
    "W": Level.TOUR_250, "C": Level.CHALLENGER, "CC": Level.ITF,
}  # fmt: skip
_TOUR_LEVEL_CODES = {Level.GRAND_SLAM, Level.MASTERS, Level.TOUR_500, Level.TOUR_250, Level.TOUR_FINALS}


_MATCH_FLOATS = (
    "draw_size", "match_num", "best_of", "minutes", *STAT_COLUMNS,
    *(f"{s}_{f}" for s in ("winner", "loser") for f in ("id", "ht", "age", "rank", "rank_points")),
)  # fmt: skip


# dtype objects, not names: the reader looks each one up again for every column of every file
_FLOAT, _TEXT = np.dtype("float64"), pd.api.types.pandas_dtype("str")


def read_match_csv(path: Path) -> pd.DataFrame:
    """A Sackmann match file: numeric columns parsed by the C reader, text when one is malformed.
    Valid UTF-8 goes straight to the C reader; a file with latin-1 lines is decoded line by line."""
    with path.open("rb") as f:
        header = f.readline().decode("utf-8", "replace").removeprefix("\ufeff").strip().split(",")
    dtype = {c: (_FLOAT if c in _MATCH_FLOATS else _TEXT) for c in header}
    try:
        return _parse(path, dtype, "utf-8-sig")
    except UnicodeDecodeError:
        return _parse(io.StringIO(read_text(path)), dtype, None)


def _parse(source: Path | io.StringIO, dtype: dict[str, Any], encoding: str | None) -> pd.DataFrame:
    try:
        return pd.read_csv(source, dtype=dtype, keep_default_na=False, na_values=[""], encoding=encoding)
    except ValueError as e:
        if isinstance(e, UnicodeDecodeError):
            raise
        if isinstance(source, io.StringIO):
            source.seek(0)
        return pd.read_csv(source, dtype=str, keep_default_na=False, na_values=[""], encoding=encoding)


def _tour_dir(data_dir: Path, tour: Tour) -> Path:
    return data_dir / f"tennis_{tour.value}"


def match_files(
    data_dir: Path, tour: Tour, *, include_lower: bool = True, years: range | None = None
) -> list[tuple[Path, str]]:
    """(path, source) of every match file of a tour, oldest first, filtered by years."""
    folder = _tour_dir(data_dir, tour)
    if not folder.is_dir():
        raise ConfigError(f"no {tour.value} match folder at {folder}: run `courtside data sync`")
    lower = "qual_chall" if tour is Tour.ATP else "qual_itf"
    patterns = [(re.compile(rf"{tour.value}_matches_(\d{{4}})\.csv$"), "tour")]
    if include_lower:
        patterns.append((re.compile(rf"{tour.value}_matches_{lower}_(\d{{4}})\.csv$"), lower))
    found: list[tuple[int, str, Path]] = []
    for path in folder.iterdir():
        for pattern, source in patterns:
            m = pattern.search(path.name)
            if m and (years is None or int(m.group(1)) in years):
                found.append((int(m.group(1)), source, path))
    return [(p, s) for _, s, p in sorted(found)]


_OUTCOME_PATTERNS = (
    ("walkover", r"W/?O|[Ww]alkover"),
    ("default", r"\bDEF\b|\bDef\.?|[Dd]efault"),
    ("retired", r"\bRET\b|\bRet\.?|[Rr]etired"),
)
_UNFINISHED = r"(?i)unfinished|in progress|abandoned|played and"
_SET_SCORE = r"^\s*\[?\d+-\d+"


def score_outcome(score: object) -> str:
    """How a match ended, from the Sackmann score markers (W/O, RET, DEF)."""
    return str(score_outcomes(pd.Series([score], dtype=object)).iloc[0])


def score_outcomes(scores: pd.Series) -> pd.Series:
    """Vectorised `score_outcome`: completed, retired, walkover, default or unknown per score.

    The patterns run once per distinct score (a season repeats a few thousand), then map back."""
    return per_value(scores.astype(object), _outcomes_of).astype("str")


def _outcomes_of(scores: pd.Series) -> pd.Series:
    texts = ("" if pd.isna(v) else str(v).strip() for v in scores.tolist())
    return pd.Series([_outcome(t) for t in texts], index=scores.index, dtype=object)


_OUTCOME_RES = tuple((outcome, re.compile(pattern)) for outcome, pattern in _OUTCOME_PATTERNS)
_UNFINISHED_RE, _SET_SCORE_RE = re.compile(_UNFINISHED), re.compile(_SET_SCORE)


_PLAIN_SCORE = re.compile(r"[\d\s()\[\]-]*")


def _outcome(score: str) -> str:
    """A marker decides (walkover before default before retired), then an unfinished note, then a set."""
    if _PLAIN_SCORE.fullmatch(score):  # games only ('7-6(5) 6-4'): no marker or note can be in it
        return "completed" if _SET_SCORE_RE.search(score) else "unknown"
    for outcome, pattern in _OUTCOME_RES:
        if pattern.search(score):
            return outcome
    if _UNFINISHED_RE.search(score):
        return "unknown"
    return "completed" if _SET_SCORE_RE.search(score) else "unknown"


def _level_of(tour: str, code: str) -> str | None:
    table = _ATP_LEVELS if tour == Tour.ATP.value else _WTA_LEVELS
    if code in table:
        return table[code].value
    if tour == Tour.WTA.value and code.isdigit():
        return Level.ITF.value
    return None


_TOUR_LEVEL_VALUES = frozenset(lv.value for lv in _TOUR_LEVEL_CODES)
_QUALIFYING_ROUND = re.compile(r"Q\d")


def _row_level(tour: str, code: str, big_draw: bool, round_name: str) -> str:
    """The level of one row: the tour's code (a WTA 'W' event of 48 or more is a 1000), the tour's
    default when the code is unknown, and qualifying for a Q round of a tour-level event."""
    level = _level_of(tour, code)
    if tour == Tour.WTA.value and code == "W" and big_draw:
        level = Level.MASTERS.value
    if level is None:
        level = Level.ITF.value if tour == Tour.WTA.value else Level.TOUR_250.value
    if _QUALIFYING_ROUND.match(round_name) and level in _TOUR_LEVEL_VALUES:
        return Level.QUALIFYING.value
    return level


def _map_level(frame: pd.DataFrame, tours: pd.Series) -> pd.Series:
    """Level per row, worked out once per distinct (tour, tourney_level, draw of 48+, round)."""
    draw = pd.to_numeric(frame["draw_size"], errors="coerce")
    codes, rows = distinct_rows(
        tours.astype(str),
        frame["tourney_level"].fillna("").astype(str),
        draw >= 48,
        frame["round"].fillna(""),
    )
    levels = [_row_level(str(t), str(c), bool(b), str(r)) for t, c, b, r in rows.itertuples(index=False)]
    return pd.Series(np.array(levels, dtype=object).take(codes), index=frame.index, dtype=object)


def _normalise_matches(frame: pd.DataFrame) -> dict[str, pd.Series]:
    """Raw rows of several files (with `_tour` and `_file` columns) -> the normalised columns, every row."""
    nan = pd.Series(np.nan, index=frame.index)
    out: dict[str, pd.Series] = {"tour": frame["_tour"], "file": frame["_file"]}
    for col in ("tourney_id", "tourney_name", "tourney_level", "round", "score"):
        out[col] = frame[col] if col in frame.columns else pd.Series(None, index=frame.index, dtype=object)
    out["surface"] = per_value(
        frame["surface"], lambda s: s.where(s.isin(["Hard", "Clay", "Grass", "Carpet"]))
    )
    out["draw_size"] = to_float(frame["draw_size"])
    out["level"] = _map_level(frame, frame["_tour"])
    out["tourney_date"] = per_value(
        frame["tourney_date"], lambda d: pd.to_datetime(d, format="%Y%m%d", errors="coerce")
    )
    out["match_num"] = pd.to_numeric(frame["match_num"], errors="coerce").fillna(0).astype("int64")
    out["round_order"] = per_value(frame["round"], lambda r: r.map(ROUND_ORDER).fillna(0).astype("int64"))
    out["best_of"] = pd.to_numeric(frame["best_of"], errors="coerce").fillna(3).astype("int64")
    for side in ("winner", "loser"):
        for fld in _PLAYER_FIELDS:
            col = f"{side}_{fld}"
            values = frame[col] if col in frame.columns else nan
            out[col] = to_float(values) if fld in _FLOAT_FIELDS else values
        out[f"{side}_id"] = to_int_id(out[f"{side}_id"])
    out["minutes"] = to_float(frame["minutes"] if "minutes" in frame.columns else nan)
    for col in STAT_COLUMNS:
        out[col] = to_float(frame[col] if col in frame.columns else nan)
    out["outcome"] = score_outcomes(out["score"])
    return out


def _bad_rows(out: dict[str, pd.Series], report: LoadReport) -> np.ndarray:
    """Rows that cannot be a match (no players, no date, no event), each counted under its first reason."""
    checks = (
        ("missing winner_id", out["winner_id"].isna()),
        ("missing loser_id", out["loser_id"].isna()),
        ("bad tourney_date", out["tourney_date"].isna()),
        ("missing tourney_id", out["tourney_id"].isna()),
        ("winner_id equals loser_id", out["winner_id"] == out["loser_id"]),
    )
    bad = np.zeros(len(out["tour"]), dtype=bool)
    for reason, mask in checks:
        fresh = mask.fillna(False).to_numpy(dtype=bool) & ~bad
        report.reject(reason, int(fresh.sum()))
        bad |= fresh
    return bad


MATCH_COLUMNS: tuple[str, ...] = (
    "tour", "source", "file", "tourney_id", "tourney_name", "surface", "draw_size", "tourney_level", "level",
    "tourney_date", "match_num", "round", "round_order", "best_of",
    *(f"{s}_{f}" for s in ("winner", "loser") for f in ("id", "key", *_PLAYER_FIELDS[1:])),
    "score", "minutes", *STAT_COLUMNS, "outcome",
)  # fmt: skip


def _progress_iter(
    items: list[tuple[Path, Tour, str]], progress: bool, label: str
) -> Iterator[tuple[Path, Tour, str]]:
    if not progress:
        yield from items
        return
    from rich.progress import track

    yield from track(items, description=label, transient=True)


def load_matches(
    data_dir: Path,
    tours: Iterable[Tour] = (Tour.ATP, Tour.WTA),
    *,
    include_lower: bool = True,
    years: range | None = None,
    progress: bool = False,
    report: LoadReport | None = None,
) -> pd.DataFrame:
    """Every match of the given tours as one normalised frame (see the shared contract), in play order."""
    files = [
        (path, Tour(tour), source)
        for tour in tours
        for path, source in match_files(Path(data_dir), Tour(tour), include_lower=include_lower, years=years)
    ]
    return load_match_files(files, progress=progress, report=report)


def load_match_files(
    files: Iterable[tuple[Path, Tour, str]], *, progress: bool = False, report: LoadReport | None = None
) -> pd.DataFrame:
    """The given match files (path, tour, source) as one normalised frame, in play order: what an
    incremental ingest reads when only some files changed."""
    report = report if report is not None else LoadReport()
    frames: list[pd.DataFrame] = []
    tours: list[str] = []
    rels: list[str] = []
    for path, tour, _source in _progress_iter(list(files), progress, "reading matches"):
        raw = read_match_csv(path)
        report.files += 1
        report.rows_read += len(raw)
        if raw.empty:
            continue
        frames.append(raw if all(c == c.strip() for c in raw.columns) else raw.rename(columns=str.strip))
        tours.append(Tour(tour).value)
        rels.append(f"tennis_{Tour(tour).value}/{Path(path).name}")
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in MATCH_COLUMNS})
    lengths = [len(f) for f in frames]
    raw = pd.concat(frames, ignore_index=True)
    raw["_tour"] = pd.Series(np.repeat(np.array(tours, dtype=object), lengths), dtype="str")
    raw["_file"] = pd.Series(np.repeat(np.array(rels, dtype=object), lengths), dtype="str")
    out = _normalise_matches(raw)
    tourney_rank, _ = pd.factorize(out["tourney_id"], sort=True)  # ids ranked once, as strings sort
    keep = _first_of_each(out, tourney_rank, np.flatnonzero(~_bad_rows(out, report)), report)
    keep = keep[_play_order(out, tourney_rank, keep)]
    kept = {c: out[c].take(keep).reset_index(drop=True) for c in out}  # one copy of each column
    for side in ("winner", "loser"):
        kept[f"{side}_id"] = kept[f"{side}_id"].astype("int64")
        kept[f"{side}_key"] = player_keys(kept["tour"], kept[f"{side}_id"])
    kept["source"] = pd.Series(SOURCE, index=kept["tour"].index, dtype="str")
    report.rows_kept += len(keep)
    return pd.DataFrame({c: kept[c] for c in MATCH_COLUMNS}, copy=False)  # the columns are fresh copies


MATCH_KEY: tuple[str, ...] = ("tour", "tourney_id", "round", "match_num")
PLAY_ORDER = ("tourney_date", "tourney_id", "round_order", "match_num")


def _first_of_each(
    out: dict[str, pd.Series], tourney_rank: np.ndarray, rows: np.ndarray, report: LoadReport
) -> np.ndarray:
    """The rows without repeats: a row listed twice is dropped, and MATCH_KEY (WTA reuses match_num
    across rounds) stays unique, the first row in file order winning."""
    key = [pd.Series(tourney_rank[rows]) if c == "tourney_id" else out[c].take(rows) for c in MATCH_KEY]
    match = pd.Series(row_codes(*key))
    ids = {side: out[f"{side}_id"].take(rows).to_numpy() for side in ("winner", "loser")}
    players = pd.DataFrame({"match": match, **ids})
    same = players.duplicated().to_numpy()
    report.reject("duplicate row (same match listed twice)", int(same.sum()))
    rows, match = rows[~same], match[~same]
    clash = match.duplicated().to_numpy()
    report.reject("another match has the same tour, tourney_id, round and match_num", int(clash.sum()))
    return rows[~clash]


def _play_order(out: dict[str, pd.Series], tourney_rank: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Positions that put the rows in play order (a stable sort: file order within a round). The rows
    have a date and a tourney_id (`_bad_rows`), whose rank stands for it."""
    date, round_order, match_num = (out[c].take(rows).to_numpy() for c in PLAY_ORDER if c != "tourney_id")
    return np.lexsort((match_num, round_order, tourney_rank[rows], date.view("int64")))


def load_players(
    data_dir: Path, tours: Iterable[Tour] = (Tour.ATP, Tour.WTA), *, report: LoadReport | None = None
) -> pd.DataFrame:
    """The Sackmann player lists: key, tour, player_id, names, hand, dob (date), ioc, height."""
    report = report if report is not None else LoadReport()
    frames = [_load_player_file(Path(data_dir), Tour(t), report) for t in tours]
    players = pd.concat(frames, ignore_index=True)
    report.rows_kept += len(players)
    return players


def _load_player_file(data_dir: Path, tour: Tour, report: LoadReport) -> pd.DataFrame:
    path = _tour_dir(data_dir, tour) / f"{tour.value}_players.csv"
    if not path.is_file():
        raise ConfigError(f"no player file at {path}: run `courtside data sync`")
    raw = read_csv(path)
    report.files += 1
    report.rows_read += len(raw)
    ids = to_int_id(raw["player_id"])
    first = _stripped(raw["name_first"])
    last = _stripped(raw["name_last"])
    bad_id, no_name = ids.isna(), (first == "") & (last == "")
    report.reject("missing player_id", int(bad_id.sum()))
    report.reject("no name", int((no_name & ~bad_id).sum()))
    keep = ~(bad_id | no_name)
    ids = ids[keep].astype("int64")
    first, last = first[keep], last[keep]
    full = [f"{a} {b}".strip() for a, b in zip(first.tolist(), last.tolist(), strict=True)]
    prefix = tour.value
    out = pd.DataFrame(
        {
            "key": pd.Series([f"{prefix}:{i}" for i in ids.tolist()], index=ids.index, dtype="str"),
            "tour": tour.value,
            "player_id": ids,
            "name_first": first,
            "name_last": last,
            "full_name": pd.Series(full, index=ids.index, dtype="str"),
            "hand": raw.loc[keep, "hand"].where(raw.loc[keep, "hand"].isin(["R", "L", "A"])),
            "dob": per_value(raw.loc[keep, "dob"], _dates),
            "ioc": raw.loc[keep, "ioc"],
            "height": to_float(raw.loc[keep, "height"]),
        }
    )
    dup = out["key"].duplicated()
    report.reject("duplicate player_id", int(dup.sum()))
    return out.loc[~dup].reset_index(drop=True)


def _stripped(text: pd.Series) -> pd.Series:
    """Text without surrounding spaces, missing as '' (str.strip per element: pandas' accessor costs
    several times more per value)."""
    return pd.Series([v.strip() for v in text.fillna("").tolist()], index=text.index, dtype="str")


def _dates(days: pd.Series) -> pd.Series:
    return pd.to_datetime(days, format="%Y%m%d", errors="coerce").dt.date


def load_rankings(
    data_dir: Path, tours: Iterable[Tour] = (Tour.ATP, Tour.WTA), *, report: LoadReport | None = None
) -> pd.DataFrame:
    """Weekly rankings from the *_rankings_*.csv files present: tour, ranking_date, rank, key, points."""
    report = report if report is not None else LoadReport()
    frames: list[pd.DataFrame] = []
    for tour in (Tour(t) for t in tours):
        for path in sorted(_tour_dir(Path(data_dir), tour).glob(f"{tour.value}_rankings_*.csv")):
            frames.append(_load_ranking_file(path, tour, report))
    if not frames:
        cols = ("tour", "ranking_date", "rank", "player_id", "key", "points")
        return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
    out = pd.concat(frames, ignore_index=True).sort_values(
        ["tour", "ranking_date", "rank"], ignore_index=True
    )
    report.rows_kept += len(out)
    return out


def _load_ranking_file(path: Path, tour: Tour, report: LoadReport) -> pd.DataFrame:
    raw = read_csv(path)
    report.files += 1
    report.rows_read += len(raw)
    out = pd.DataFrame(
        {
            "tour": tour.value,
            "ranking_date": pd.to_datetime(raw["ranking_date"], format="%Y%m%d", errors="coerce"),
            "rank": pd.to_numeric(raw["rank"], errors="coerce").astype("Int64"),
            "player_id": to_int_id(raw["player"]),
            "points": to_float(raw.get("points", pd.Series(np.nan, index=raw.index))),
        }
    )
    bad = out["ranking_date"].isna() | out["rank"].isna() | out["player_id"].isna()
    report.reject("bad ranking row (date, rank or player)", int(bad.sum()))
    out = out.loc[~bad].copy()
    out["rank"] = out["rank"].astype("int64")
    out["player_id"] = out["player_id"].astype("int64")
    out["key"] = tour.value + ":" + out["player_id"].astype(str)
    return out
