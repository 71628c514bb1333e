"""`courtside data ingest`: players, matches and joined odds from a data folder into the store.

Idempotent by natural keys (see store/history.py): a second run inserts only new rows, replaces rows
whose content changed (row hash) and counts the rest as unchanged; every refused row has a reason.
Bulk inserts in chunks keep a full ingest of 1990-2023 into SQLite to tens of seconds.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, Table, delete, inspect, select

from courtside.data.join import ODDS_LEVELS, join_odds, join_report
from courtside.data.registry import PlayerRegistry, activity
from courtside.data.sources import (
    MATCH_COLUMNS,
    MATCH_KEY,
    LoadReport,
    empty_odds,
    load_matches,
    load_odds,
    load_players,
)
from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import ConfigError, StoreError
from courtside.domain.tennis import Tour
from courtside.store.db import init_db
from courtside.store.history import HistoryMatch, HistoryOdds, HistoryPlayer, IngestRun

CHUNK = 5000
PLAYER_KEY = ("key",)
ODDS_KEY = ("tour", "date", "winner", "loser", "round")


@dataclass
class TableCounts:
    """What one table got from one ingest."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": dict(self.rejected),
        }


@dataclass
class IngestResult:
    """Counts per table, the odds join rate, and the ingest_runs row id."""

    run_id: int
    tables: dict[str, TableCounts]
    join_rate: float
    join_rows: int
    join_reasons: Counter[str]


class _Steps:
    """A rich progress display for the ingest stages, or nothing when progress is off."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._progress: Any = None

    @contextmanager
    def running(self) -> Iterator[_Steps]:
        if not self.enabled:
            yield self
            return
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, transient=False) as progress:
            self._progress = progress
            yield self
        self._progress = None

    def task(self, description: str, total: int) -> Any:
        return None if self._progress is None else self._progress.add_task(description, total=total)

    def advance(self, task: Any, by: int = 1) -> None:
        if self._progress is not None and task is not None:
            self._progress.advance(task, by)


def ingest(
    data_dir: Path, engine: Engine, *, clock: Clock | None = None, progress: bool = False
) -> IngestResult:
    """Read data_dir, join odds to matches and write everything new or changed; records an ingest run."""
    clock = clock or SystemClock()
    init_db(engine)
    run_id = _start_run(engine, data_dir, clock)
    steps = _Steps(progress)
    try:
        with steps.running():
            frames, reports = _read_all(Path(data_dir), tours_present(Path(data_dir)), steps)
            joined = _join(frames, steps)
            tables = _write_all(engine, frames, joined, reports, steps)
    except Exception as e:
        _finish_run(engine, run_id, clock, "failed", {}, {"error": [str(e)]}, None)
        raise
    report = join_report(joined)
    counts = {name: t.as_dict() for name, t in tables.items()}
    rejections = {name: dict(t.rejected) for name, t in tables.items()}
    _finish_run(engine, run_id, clock, "ok", counts, rejections, report.rate)
    return IngestResult(run_id, tables, report.rate, report.rows, report.reasons)


def tours_present(data_dir: Path) -> list[Tour]:
    """The tours whose folder (tennis_atp/, tennis_wta/) exists under data_dir."""
    tours = [t for t in Tour if (data_dir / f"tennis_{t.value}").is_dir()]
    if not tours:
        raise ConfigError(f"{data_dir} has neither tennis_atp/ nor tennis_wta/: run `courtside data sync`")
    return tours


def _read_all(
    data_dir: Path, tours: list[Tour], steps: _Steps
) -> tuple[dict[str, pd.DataFrame], dict[str, LoadReport]]:
    task = steps.task("reading players, matches, odds", 3)
    reports = {name: LoadReport() for name in ("players", "matches", "odds")}
    players = load_players(data_dir, tours, report=reports["players"])
    steps.advance(task)
    matches = load_matches(data_dir, tours, report=reports["matches"])
    steps.advance(task)
    has_odds = (data_dir / "tennis_odds").is_dir()
    odds = load_odds(data_dir, tours, report=reports["odds"]) if has_odds else empty_odds()
    steps.advance(task)
    return {"players": players, "matches": matches, "odds": odds}, reports


def _join(frames: dict[str, pd.DataFrame], steps: _Steps) -> pd.DataFrame:
    """Odds joined to matches; names resolve among players of tour-level main draws, with every name
    they carried in any match file (married names, older spellings) as aliases."""
    task = steps.task("resolving names, joining odds", 1)
    matches = frames["matches"]
    tour_level = matches[matches["level"].isin(ODDS_LEVELS)]
    keys = pd.concat([tour_level["winner_key"], tour_level["loser_key"]]).unique()
    players = frames["players"][frames["players"]["key"].isin(keys)]
    registry = PlayerRegistry.from_frames(players, matches)
    joined = join_odds(tour_level, frames["odds"], registry)
    steps.advance(task)
    return joined


def _write_all(
    engine: Engine,
    frames: dict[str, pd.DataFrame],
    joined: pd.DataFrame,
    reports: dict[str, LoadReport],
    steps: _Steps,
) -> dict[str, TableCounts]:
    players = _players_rows(frames["players"], frames["matches"])
    odds, odds_dupes = _odds_rows(joined)
    plan: list[tuple[str, Table, pd.DataFrame, Sequence[str]]] = [
        ("players", HistoryPlayer.__table__, players, PLAYER_KEY),  # type: ignore[list-item]
        ("matches", HistoryMatch.__table__, frames["matches"][list(MATCH_COLUMNS)], MATCH_KEY),  # type: ignore[list-item]
        ("odds", HistoryOdds.__table__, odds, ODDS_KEY),  # type: ignore[list-item]
    ]
    out: dict[str, TableCounts] = {}
    try:
        with engine.begin() as conn:
            for name, table, frame, key in plan:
                counts = _upsert(conn, table, frame, key, steps, f"writing {name}")
                counts.rejected.update(reports[name].rejected)
                out[name] = counts
    except Exception as e:
        raise StoreError(f"could not write the history tables: {e}") from e
    out["odds"].rejected.update(odds_dupes)
    return out


def _players_rows(players: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    stats = activity(matches)
    out = players.merge(stats, left_on="key", right_index=True, how="left")
    out["n_matches"] = out["n_matches"].fillna(0).astype("int64")
    out["n_tour_matches"] = out["n_tour_matches"].fillna(0).astype("int64")
    return out


def _odds_rows(joined: pd.DataFrame) -> tuple[pd.DataFrame, Counter[str]]:
    """Odds rows keyed by ODDS_KEY; a row repeated in a file is kept once."""
    dup = joined.duplicated(list(ODDS_KEY))
    rejected: Counter[str] = Counter()
    if dup.any():
        rejected["same date, players and round as another odds row"] = int(dup.sum())
    return joined.loc[~dup].reset_index(drop=True), rejected


def _row_hashes(frame: pd.DataFrame) -> pd.Series:
    hashed = pd.util.hash_pandas_object(frame, index=False)
    return pd.Series(hashed.to_numpy().view(np.int64), index=frame.index)


def _upsert(
    conn: Connection, table: Table, frame: pd.DataFrame, key: Sequence[str], steps: _Steps, label: str
) -> TableCounts:
    """Insert rows whose key is new, replace rows whose hash changed, count the rest unchanged."""
    hashes = _row_hashes(frame)
    old = _existing(conn, table, key)
    if old.empty:
        new = pd.Series(True, index=frame.index)
        changed = ~new
    else:
        probe = frame[list(key)].assign(row_hash=hashes).merge(old, on=list(key), how="left", validate="m:1")
        probe.index = frame.index
        new = probe["_old_hash"].isna()
        changed = ~new & (probe["_old_hash"] != probe["row_hash"])
        stale = probe.loc[changed, "_pk"].tolist()
        for start in range(0, len(stale), CHUNK):
            conn.execute(delete(table).where(table.c[_pk_name(table)].in_(stale[start : start + CHUNK])))
    _bulk_insert(conn, table, frame.loc[new | changed].assign(row_hash=hashes[new | changed]), steps, label)
    return TableCounts(int(new.sum()), int(changed.sum()), int((~new & ~changed).sum()))


def _pk_name(table: Table) -> str:
    return str(next(iter(table.primary_key.columns)).name)


def _existing(conn: Connection, table: Table, key: Sequence[str]) -> pd.DataFrame:
    """Natural key, row hash and primary key of every stored row."""
    cols = [table.c[k] for k in key]
    query = select(*cols, table.c.row_hash, table.c[_pk_name(table)].label("_pk"))
    rows = [tuple(r) for r in conn.execute(query)]
    return _key_text(pd.DataFrame.from_records(rows, columns=[*key, "_old_hash", "_pk"]), key)


def _key_text(existing: pd.DataFrame, key: Sequence[str]) -> pd.DataFrame:
    """Existing keys in the frame's dtypes, so a merge on them matches (dates as Timestamps)."""
    out = existing.copy()
    for k in key:
        if k in ("date", "tourney_date"):
            out[k] = pd.to_datetime(out[k])
        elif k == "match_num":
            out[k] = out[k].astype("int64")
    return out


def _bulk_insert(conn: Connection, table: Table, frame: pd.DataFrame, steps: _Steps, label: str) -> None:
    names = [c.name for c in table.columns if c.name in frame.columns]
    task = steps.task(label, max(len(frame), 1))
    for start in range(0, len(frame), CHUNK):
        chunk = frame.iloc[start : start + CHUNK][names]
        _insert_chunk(conn, table, names, _columns(chunk, table, raw=conn.dialect.name == "sqlite"))
        steps.advance(task, len(chunk))
    if frame.empty:
        steps.advance(task)


def _insert_chunk(conn: Connection, table: Table, names: list[str], columns: list[list[Any]]) -> None:
    """SQLite: one driver-level executemany of tuples (twice as fast); elsewhere Core executemany."""
    rows = list(zip(*columns, strict=True))
    if conn.dialect.name == "sqlite":
        quote = conn.dialect.identifier_preparer.quote
        # identifiers come from our own table metadata; values are bound
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "  # noqa: S608
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        conn.exec_driver_sql(sql, rows)
    else:
        conn.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])


def _columns(chunk: pd.DataFrame, table: Table, *, raw: bool) -> list[list[Any]]:
    """Plain Python values per column: None for missing, dates as date (ISO text when raw), odds Decimal."""
    out: list[list[Any]] = []
    for name in chunk.columns:
        col = chunk[name]
        kind = type(table.c[name].type).__name__
        missing = col.isna().to_numpy()
        if kind == "Date":
            values = pd.to_datetime(col).dt.strftime("%Y-%m-%d") if raw else pd.to_datetime(col).dt.date
            arr = values.to_numpy(dtype=object)
        elif kind == "DecimalText":
            arr = col.to_numpy(dtype=object)
            arr = np.array(
                [v if m else (str(v) if raw else Decimal(str(v))) for v, m in zip(arr, missing, strict=True)],
                dtype=object,
            )
        else:
            arr = col.to_numpy(dtype=object)
        arr[missing] = None
        out.append(arr.tolist())
    return out


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value)


def _start_run(engine: Engine, data_dir: Path, clock: Clock) -> int:
    with engine.begin() as conn:
        result = conn.execute(
            IngestRun.__table__.insert().values(  # type: ignore[attr-defined]
                started_at=clock.now(), source_dir=str(data_dir), status="running"
            )
        )
        return int(result.inserted_primary_key[0])  # type: ignore[index]


def _finish_run(
    engine: Engine,
    run_id: int,
    clock: Clock,
    status: str,
    counts: dict[str, Any],
    rejections: dict[str, Any],
    join_rate: float | None,
) -> None:
    table = IngestRun.__table__
    with engine.begin() as conn:
        conn.execute(
            table.update()  # type: ignore[attr-defined]
            .where(table.c.id == run_id)
            .values(
                finished_at=clock.now(),
                status=status,
                counts=json.dumps(counts),
                rejections=json.dumps(rejections),
                join_rate=join_rate,
            )
        )


def registry_from_db(engine: Engine) -> PlayerRegistry | None:
    """The registry from an ingested database (players with first/last seen), or None when there is none."""
    if not inspect(engine).has_table(HistoryPlayer.__tablename__):
        return None
    t = HistoryPlayer.__table__
    cols = ("key", "name_first", "name_last", "first_seen", "last_seen", "n_matches", "n_tour_matches")
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(select(*(t.c[c] for c in cols)))]
    if not rows:
        return None
    return PlayerRegistry.from_records(dict(zip(cols, row, strict=True)) for row in rows)
