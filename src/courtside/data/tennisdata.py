"""tennis-data.co.uk season files as results: one normalised match row per line, odds kept beside it.

The files are the only public source of tour-level results after Sackmann's last season (2024), and the
current season is published as it is played. Each row becomes a row of the shared match frame
(`sources.MATCH_COLUMNS`): the event's Monday as `tourney_date` (the play date is kept as `day`),
`Series`/`Tier` -> level, `Round` -> Sackmann's round codes (the first round's draw size read from how
many rounds the event has before its quarter-finals), set scores -> a Sackmann-style score (so
margin-of-victory ratings keep working), `Comment` -> outcome, and `WRank`/`WPts` as the ranking that
seeds a newcomer. Players are names ("Giron M."): `winner_id`/`loser_id` are filled later by
`identity`. Results and odds from tennis-data.co.uk (no explicit licence; credit the site).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pandas as pd

from courtside.data.csvio import LoadReport, column, read_csv, to_float
from courtside.data.frames import distinct_rows, per_value
from courtside.data.odds import ODDS_COLUMNS
from courtside.domain.tennis import Level, Tour

SOURCE = "tennis-data"
_FILE = re.compile(r"^(atp|wta)_(\d{4})\.csv$")
# Series (ATP) and Tier (WTA) names across the seasons, lower-cased, with spaces removed
_LEVELS: dict[str, Level] = {
    "grandslam": Level.GRAND_SLAM,
    "masterscup": Level.TOUR_FINALS,
    "tourchampionships": Level.TOUR_FINALS,
    "wtafinals": Level.TOUR_FINALS,
    "eliteevent": Level.TOUR_FINALS,
    "masters": Level.MASTERS,
    "masters1000": Level.MASTERS,
    "wta1000": Level.MASTERS,
    "premiermandatory": Level.MASTERS,
    "premier5": Level.MASTERS,
    "tieri": Level.MASTERS,
    "tier1": Level.MASTERS,
    "atp500": Level.TOUR_500,
    "internationalgold": Level.TOUR_500,
    "wta500": Level.TOUR_500,
    "premier": Level.TOUR_500,
    "tierii": Level.TOUR_500,
    "tier2": Level.TOUR_500,
    "atp250": Level.TOUR_250,
    "international": Level.TOUR_250,
    "internationalseries": Level.TOUR_250,
    "wta250": Level.TOUR_250,
    "tieriii": Level.TOUR_250,
    "tieriv": Level.TOUR_250,
    "tier3": Level.TOUR_250,
    "tier4": Level.TOUR_250,
}
_WTA_250_TYPO = re.compile(r"^wta2\d\d$")  # 2023 has WTA251..WTA276 for single events
_NAMED_ROUNDS = {
    "quarterfinals": "QF",
    "semifinals": "SF",
    "thefinal": "F",
    "final": "F",
    "roundrobin": "RR",
    "thirdplace": "BR",
}
_NTH_ROUND = re.compile(r"^(\d)(?:st|nd|rd|th)round$")
_OUTCOMES = {
    "completed": "completed",
    "retired": "retired",
    "rrtired": "retired",
    "walkover": "walkover",
    "walkoer": "walkover",
    "awarded": "default",
    "disqualified": "default",
}
TD_COLUMNS: tuple[str, ...] = ("day", "td_comment", *ODDS_COLUMNS)


def tennisdata_files(
    data_dir: Path, tours: Iterable[Tour], years: range | None = None
) -> list[tuple[Path, Tour]]:
    """The season files (tennis_odds/atp_YYYY.csv, wta_YYYY.csv) present, oldest first."""
    folder = Path(data_dir) / "tennis_odds"
    if not folder.is_dir():
        return []
    wanted = {Tour(t).value for t in tours}
    found: list[tuple[int, str, Path]] = []
    for path in folder.iterdir():
        m = _FILE.match(path.name)
        if m and m.group(1) in wanted and (years is None or int(m.group(2)) in years):
            found.append((int(m.group(2)), m.group(1), path))
    return [(p, Tour(t)) for _, t, p in sorted(found)]


def _fold(values: pd.Series) -> pd.Series:
    return per_value(values, _fold_distinct)


def _fold_distinct(values: pd.Series) -> pd.Series:
    return values.fillna("").astype(str).str.lower().str.replace(r"[\s._-]+", "", regex=True)


def level_of(series: pd.Series) -> pd.Series:
    """Series/Tier names -> level values; None where the name is not known."""
    folded = _fold(series)
    table = {name: (_LEVELS[name].value if name in _LEVELS else None) for name in folded.unique()}
    for name in table:
        if table[name] is None and _WTA_250_TYPO.match(name):
            table[name] = Level.TOUR_250.value
    return folded.map(table).astype(object)


def event_mondays(days: pd.Series, events: pd.Series) -> pd.Series:
    """The Monday of each event's first play day (a Saturday or Sunday start belongs to the next week,
    as Sackmann dates Roland Garros)."""
    first = days.groupby(events).transform("min")
    weekday = first.dt.day_of_week
    shift = np.where(weekday <= 4, -weekday, 7 - weekday)
    return pd.Series((first + pd.to_timedelta(shift, unit="D")).dt.normalize(), index=days.index)


def round_codes(rounds: pd.Series, events: pd.Series) -> pd.Series:
    """'1st Round' of an event with n rounds before its quarter-finals is R(2^(n+3)), and so on."""
    folded = _fold(rounds)
    nth = per_value(
        folded, lambda f: pd.to_numeric(f.str.extract(_NTH_ROUND.pattern, expand=False), errors="coerce")
    )
    n_before_qf = nth.groupby(events).transform("max")
    size = (2.0 ** (n_before_qf - nth + 4)).fillna(0).astype("int64")
    numbered = per_value(size, lambda n: "R" + n.astype(str)).where(nth.notna())
    named = per_value(folded, lambda f: f.map(_NAMED_ROUNDS))
    return numbered.fillna(named).astype(object)


SET_COLUMNS = tuple(f"{side}{n}" for n in range(1, 6) for side in ("W", "L"))


def set_scores(raw: pd.DataFrame, outcome: pd.Series) -> pd.Series:
    """'6-4 3-6 7-6' from W1..L5 (winner's games first), ' RET' after a retirement, 'W/O' for a walkover:
    written once per distinct line of games and outcome."""
    games = [column(raw, c).astype(object) for c in SET_COLUMNS]
    codes, rows = distinct_rows(*games, outcome.astype(object))
    rows.columns = [*SET_COLUMNS, "_outcome"]
    text = _set_scores(rows, rows["_outcome"])
    return pd.Series(text.to_numpy().take(codes), index=raw.index, dtype=object)


def _set_scores(raw: pd.DataFrame, outcome: pd.Series) -> pd.Series:
    parts: list[pd.Series] = []
    for n in range(1, 6):
        w = pd.to_numeric(column(raw, f"W{n}"), errors="coerce")
        lo = pd.to_numeric(column(raw, f"L{n}"), errors="coerce")
        both = w.notna() & lo.notna()
        text = w.fillna(0).astype("int64").astype(str) + "-" + lo.fillna(0).astype("int64").astype(str)
        parts.append(text.where(both, ""))
    joined = parts[0]
    for part in parts[1:]:
        joined = (joined + " " + part).str.strip()
    joined = joined.where(outcome != "retired", (joined + " RET").str.strip())
    joined = joined.where(outcome != "walkover", "W/O")
    return joined.where(joined != "", None).astype(object)


def load_tennisdata_files(
    files: Iterable[tuple[Path, Tour]], *, report: LoadReport | None = None
) -> pd.DataFrame:
    """The given season files as match rows (MATCH_COLUMNS plus day, td_comment, odds and `file`)."""
    report = report if report is not None else LoadReport()
    raws = []
    for path, tour in files:
        raw = read_csv(path).rename(columns=str.strip)
        report.files += 1
        report.rows_read += len(raw)
        match = _FILE.match(path.name)
        season = int(match.group(2)) if match else 0
        if "WTA" in raw.columns and "ATP" not in raw.columns:
            raw = raw.rename(columns={"WTA": "ATP", "Tier": "Series"})
        raws.append(raw.assign(_tour=Tour(tour).value, _season=season, _file=f"tennis_odds/{path.name}"))
    raws = [r for r in raws if not r.empty]
    if not raws:
        return empty_tennisdata()
    out = _reject(_normalise(pd.concat(raws, ignore_index=True)), report)
    out = _drop_repeats(out, report)
    report.rows_kept += len(out)
    return out.sort_values(["tourney_date", "tourney_id", "round_order", "match_num"], ignore_index=True)


def empty_tennisdata() -> pd.DataFrame:
    from courtside.data.sources import MATCH_COLUMNS

    out = pd.DataFrame({c: pd.Series(dtype=object) for c in (*MATCH_COLUMNS, *TD_COLUMNS)})
    out["tourney_date"] = pd.Series(dtype="datetime64[ns]")
    out["day"] = pd.Series(dtype="datetime64[ns]")
    return out


def _normalise(raw: pd.DataFrame) -> pd.DataFrame:
    from courtside.data.sources import MATCH_COLUMNS, ROUND_ORDER

    number = to_float(column(raw, "ATP")).fillna(-1).astype("int64")
    day = per_value(column(raw, "Date"), _days)
    events, _ = distinct_rows(raw["_file"], number, column(raw, "Tournament").fillna(""))
    event = pd.Series(events, index=raw.index)
    out = pd.DataFrame(index=raw.index, columns=list(MATCH_COLUMNS), dtype=object)
    out["tour"] = raw["_tour"]
    out["source"] = SOURCE
    out["file"] = raw["_file"]
    ids, firsts = distinct_rows(raw["_season"], number)
    names = firsts[0].astype(str) + "-td" + firsts[1].astype(str).str.zfill(3)
    out["tourney_id"] = pd.Series(names.to_numpy().take(ids), index=raw.index, dtype="str")
    out["tourney_name"] = column(raw, "Tournament")
    surface = column(raw, "Surface")
    out["surface"] = per_value(surface, lambda s: s.where(s.isin(["Hard", "Clay", "Grass", "Carpet"])))
    out["draw_size"] = np.nan
    out["tourney_level"] = column(raw, "Series")
    out["level"] = level_of(out["tourney_level"])
    out["tourney_date"] = event_mondays(day, event)
    out["round"] = round_codes(column(raw, "Round"), event)
    out["round_order"] = out["round"].map(ROUND_ORDER).fillna(0).astype("int64")
    out["match_num"] = raw.groupby(event).cumcount().astype("int64") + 1
    out["best_of"] = to_float(column(raw, "Best of")).fillna(3).astype("int64")
    for side, name, rank, pts in (("winner", "Winner", "WRank", "WPts"), ("loser", "Loser", "LRank", "LPts")):
        out[f"{side}_name"] = per_value(column(raw, name), _clean_names)
        out[f"{side}_rank"] = to_float(column(raw, rank))
        out[f"{side}_rank_points"] = to_float(column(raw, pts))
    out["outcome"] = _fold(column(raw, "Comment")).map(_OUTCOMES).astype(object)
    out["score"] = set_scores(raw, out["outcome"])
    out["day"] = day
    out["td_comment"] = per_value(column(raw, "Comment"), lambda c: c.fillna("").astype(str).str.strip())
    for col in ODDS_COLUMNS:
        out[col] = to_float(column(raw, col))
    return out


def _days(dates: pd.Series) -> pd.Series:
    return pd.to_datetime(dates, errors="coerce", format="mixed").dt.normalize()


def _clean_names(names: pd.Series) -> pd.Series:
    clean = names.astype(str).str.strip().str.replace(r"\s+", " ", regex=True)
    return clean.where(names.notna(), None).astype(object)


def _reject(frame: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    checks = (
        ("bad date", frame["day"].isna()),
        ("missing player name", frame["winner_name"].isna() | frame["loser_name"].isna()),
        ("unknown Series/Tier (level)", frame["level"].isna()),
        ("unknown round", frame["round"].isna()),
        ("Comment is not a result (e.g. Sched, Cancelled)", frame["outcome"].isna()),
        ("winner and loser are the same name", frame["winner_name"] == frame["loser_name"]),
    )
    bad = pd.Series(False, index=frame.index)
    for reason, mask in checks:
        mask = mask.fillna(False).astype(bool) & ~bad
        report.reject(reason, int(mask.sum()))
        bad |= mask
    return frame.loc[~bad].reset_index(drop=True)


def _drop_repeats(frame: pd.DataFrame, report: LoadReport) -> pd.DataFrame:
    same = frame.duplicated(["tour", "day", "winner_name", "loser_name", "round"])
    report.reject("same date, players and round as another row", int(same.sum()))
    return frame.loc[~same].reset_index(drop=True)
