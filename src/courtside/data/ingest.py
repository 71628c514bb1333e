"""`courtside data ingest`: players, matches and joined odds from a data folder into the store.

Incremental by file. The size and blake2b digest of every CSV are recorded (history_source_files) in the
transaction that writes its rows; a later ingest skips a file whose bytes are unchanged ("unchanged,
skipped"), so a re-ingest with nothing new reads no CSV. `full=True` (`--full`) reads every file.
Within a file read, rows are idempotent by natural keys (store/history.py): inserted when the key is
new, replaced when corrected in the file (row hash of its columns), otherwise counted unchanged; every
refused row has a reason. A match key is unique across files (tourney ids carry the season and level;
none is shared in 1990-2023), so a read row whose key is stored is that row's correction.

The derived steps need more than the files read, so they run on the store, after the rows read are
written, and only when one of their inputs was read:
- a player's first/last seen and match counts need every match: when a player or match file was read,
  they are recomputed from all stored matches and written where they differ;
- the odds join needs every tour-level match, the players, and the names carried in any match file:
  when a player or match file was read, every stored odds row is joined again and its join columns
  are written where they differ (new matches can join a row that did not join before); when only odds
  files were read, only their rows are joined, since nothing the other rows' join reads has changed.
Working from the store rather than from the files read keeps an incremental ingest exactly as right as
a full one: both derive from the same rows. The join rate reported is over all stored completed rows.
A store written before files were recorded reads every file once; its player and odds rows then count
as updated once, since their row hash now leaves out the derived columns.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, Table, inspect, select
from sqlalchemy.exc import SQLAlchemyError

from courtside.data.join import JOIN_COLUMNS, ODDS_LEVELS, join_odds
from courtside.data.manifest import FilePlan, digest, discover, plan_reads, record
from courtside.data.odds import load_odds_files
from courtside.data.registry import PlayerRegistry, activity
from courtside.data.sources import (
    MATCH_COLUMNS,
    MATCH_KEY,
    LoadReport,
    empty_odds,
    load_match_files,
    load_players,
)
from courtside.data.storeio import (
    STORED_MATCH_COLUMNS,
    TableCounts,
    has_rows,
    refresh,
    stored_join_report,
    stored_matches,
    stored_odds,
    stored_players,
    upsert,
)
from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import ConfigError, StoreError
from courtside.domain.tennis import Tour
from courtside.store.db import init_db
from courtside.store.history import HistoryMatch, HistoryOdds, HistoryPlayer, IngestRun

__all__ = ["IngestResult", "TableCounts", "ingest", "registry_from_db", "tours_present"]

PLAYER_KEY = ("key",)
ODDS_KEY = ("tour", "date", "winner", "loser", "round")
ACTIVITY = ("first_seen", "last_seen", "n_matches", "n_tour_matches")
_JOIN_INPUT = ("tour", "date", "winner", "loser", "round")
KINDS = ("players", "matches", "odds")
_MATCHES: Table = HistoryMatch.__table__  # type: ignore[assignment]
_PLAYERS: Table = HistoryPlayer.__table__  # type: ignore[assignment]
_ODDS: Table = HistoryOdds.__table__  # type: ignore[assignment]


@dataclass
class IngestResult:
    """Counts per table, the stored odds join rate, each file's status, and the ingest_runs row id."""

    run_id: int
    tables: dict[str, TableCounts]
    join_rate: float
    join_rows: int
    join_reasons: Counter[str]
    files: dict[str, str]  # relative path -> new, changed, re-read (--full), unchanged, skipped, ...

    @property
    def files_read(self) -> list[str]:
        return [
            path for path, status in self.files.items() if not status.startswith(("unchanged", "missing"))
        ]


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
        return None if self._progress is None else self._progress.add_task(description, total=max(total, 1))

    def advance(self, task: Any, by: int = 1) -> None:
        if self._progress is not None and task is not None:
            self._progress.advance(task, by)

    def finish(self, task: Any) -> None:
        if self._progress is not None and task is not None:
            self._progress.update(task, completed=self._progress.tasks[task].total)


def ingest(
    data_dir: Path, engine: Engine, *, clock: Clock | None = None, progress: bool = False, full: bool = False
) -> IngestResult:
    """Read the new or changed files of data_dir (all with full), write their rows, refresh what derives
    from them, and journal the run with every file's status."""
    clock = clock or SystemClock()
    data_dir = Path(data_dir)
    init_db(engine)
    run_id = _start_run(engine, data_dir, clock, full)
    steps = _Steps(progress)
    plan: FilePlan | None = None
    try:
        with steps.running():
            files = discover(data_dir, tours_present(data_dir))
            with engine.connect() as conn:
                plan = plan_reads(conn, files, full=full)
            tables = _ingest_files(engine, data_dir, plan, run_id, clock, steps)
        with engine.connect() as conn:
            report = stored_join_report(conn)
    except Exception as e:
        statuses = plan.statuses() if plan is not None else {}
        _finish_run(engine, run_id, clock, "failed", {}, {"error": [str(e)]}, None, statuses)
        raise
    counts = {name: t.as_dict() for name, t in tables.items()}
    rejections = {name: dict(t.rejected) for name, t in tables.items()}
    _finish_run(engine, run_id, clock, "ok", counts, rejections, report.rate, plan.statuses())
    return IngestResult(run_id, tables, report.rate, report.rows, report.reasons, plan.statuses())


def tours_present(data_dir: Path) -> list[Tour]:
    """The tours whose folder (tennis_atp/, tennis_wta/) exists under data_dir."""
    tours = [t for t in Tour if (data_dir / f"tennis_{t.value}").is_dir()]
    if not tours:
        raise ConfigError(f"{data_dir} has neither tennis_atp/ nor tennis_wta/: run `courtside data sync`")
    return tours


def _ingest_files(
    engine: Engine, data_dir: Path, plan: FilePlan, run_id: int, clock: Clock, steps: _Steps
) -> dict[str, TableCounts]:
    """Read the planned files and write them with the derived steps and the file records, in one
    transaction (a failure leaves the store and its file records as they were)."""
    tables = {kind: TableCounts() for kind in KINDS}
    for f in plan.skipped:
        tables[f.kind].files_skipped += 1
    for f, _why in plan.read:
        tables[f.kind].files_read += 1
    if not plan.read:
        return tables
    fresh, reports = _read(data_dir, plan, steps)
    moved = [f.rel for f, _ in plan.read if digest(f.path) != (f.size, f.digest)]
    if moved:  # the rows read may not be the bytes digested: recording them would skip a change
        raise ConfigError(f"{', '.join(moved)} changed while being read (a sync running?): ingest again")
    try:
        with engine.begin() as conn:
            _write(conn, fresh, plan.kinds_read(), tables, steps)
            record(conn, [f for f, _ in plan.read], run_id, clock.now())
    except SQLAlchemyError as e:
        raise StoreError(f"could not write the history tables: {e}") from e
    for kind, rep in reports.items():
        tables[kind].rejected.update(rep.rejected)
    return tables


def _read(
    data_dir: Path, plan: FilePlan, steps: _Steps
) -> tuple[dict[str, pd.DataFrame], dict[str, LoadReport]]:
    """The rows of the files to read, by kind, with what each reader rejected and why."""
    task = steps.task(f"reading {len(plan.read)} new or changed files", len(plan.read))
    by_kind = {kind: [f for f, _ in plan.read if f.kind == kind] for kind in KINDS}
    reports = {kind: LoadReport() for kind in KINDS}
    tours = [f.tour for f in by_kind["players"]]
    players = load_players(data_dir, tours, report=reports["players"]) if tours else None
    steps.advance(task, len(tours))
    matches_in = [(f.path, f.tour, f.source) for f in by_kind["matches"]]
    matches = load_match_files(matches_in, report=reports["matches"])
    steps.advance(task, len(matches_in))
    odds_in = [(f.path, f.tour) for f in by_kind["odds"]]
    odds = load_odds_files(odds_in, report=reports["odds"]) if odds_in else empty_odds()
    steps.advance(task, len(odds_in))
    frames = {"matches": matches[list(MATCH_COLUMNS)], "odds": odds}
    if players is not None:
        frames["players"] = players
    return frames, reports


def _write(
    conn: Connection,
    fresh: dict[str, pd.DataFrame],
    kinds: set[str],
    tables: dict[str, TableCounts],
    steps: _Steps,
) -> None:
    """Matches first, then the players with their activity, then the odds joined against the store."""
    matches: pd.DataFrame | None = None
    if "matches" in kinds:
        read = fresh.pop("matches")
        was_empty = not has_rows(conn, _MATCHES)
        _add(tables["matches"], _upsert(conn, _MATCHES, read, MATCH_KEY, (), steps, "writing matches"))
        # into an empty table, the rows just written are the store's (same rows, same order): skip the reload
        matches = read[list(STORED_MATCH_COLUMNS)] if was_empty else None
        del read
    if matches is None:
        matches = stored_matches(conn)
    every = bool(kinds & {"players", "matches"})
    if every:
        _players(conn, fresh.get("players"), matches, tables["players"], steps)
    if "odds" in kinds or (every and has_rows(conn, _ODDS)):
        _odds(conn, fresh["odds"], matches, tables["odds"], steps, rejoin_stored=every)


def _upsert(
    conn: Connection,
    table: Table,
    frame: pd.DataFrame,
    key: tuple[str, ...],
    derived: tuple[str, ...],
    steps: _Steps,
    label: str,
) -> TableCounts:
    task = steps.task(label, len(frame))
    counts = upsert(conn, table, frame, key, derived=derived, advance=lambda n: steps.advance(task, n))
    steps.finish(task)
    return counts


def _add(into: TableCounts, counts: TableCounts) -> None:
    into.inserted += counts.inserted
    into.updated += counts.updated
    into.unchanged += counts.unchanged


def _players(
    conn: Connection, players: pd.DataFrame | None, matches: pd.DataFrame, counts: TableCounts, steps: _Steps
) -> None:
    """Write the players read (with activity from every stored match), then refresh every stored
    player's activity where a match read changed it."""
    stats = activity(matches)
    if players is not None:
        was_empty = not has_rows(conn, _PLAYERS)
        rows = _zero_counts(players.merge(stats, left_on="key", right_index=True, how="left"))
        _add(counts, _upsert(conn, _PLAYERS, rows, PLAYER_KEY, ACTIVITY, steps, "writing players"))
        if was_empty:  # every stored player was just written with these figures
            return
    keys = stored_players(conn)["key"]
    values = _zero_counts(stats.reindex(keys).rename_axis("key").reset_index()).set_index("key")
    counts.updated += refresh(conn, _PLAYERS, values[list(ACTIVITY)])


def _zero_counts(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame.copy()
    for col in ("n_matches", "n_tour_matches"):
        out[col] = out[col].fillna(0).astype("int64")
    return out


def _odds(
    conn: Connection,
    odds: pd.DataFrame,
    matches: pd.DataFrame,
    counts: TableCounts,
    steps: _Steps,
    *,
    rejoin_stored: bool,
) -> None:
    """Join the odds rows read and write them; with rejoin_stored, join every other stored row again
    (in the same pass) and update its join columns where they differ."""
    task = steps.task("resolving names, joining odds", 1)
    fresh, dupes = _odds_rows(odds)
    todo = fresh[list(_JOIN_INPUT)].assign(id=pd.Series(pd.NA, index=fresh.index, dtype="Int64"))
    if rejoin_stored:
        todo = pd.concat([todo, _other_stored_odds(conn, fresh).reset_index()], ignore_index=True)
    tour_level = matches[matches["level"].isin(ODDS_LEVELS)]
    joined = join_odds(tour_level, todo, _registry(conn, matches, tour_level))
    steps.finish(task)
    stored_id = joined["id"]
    again = joined.loc[stored_id.notna(), list(JOIN_COLUMNS)]
    counts.updated += refresh(conn, _ODDS, again.set_axis(stored_id.dropna().astype("int64")))
    found = joined.loc[stored_id.isna(), list(JOIN_COLUMNS)].reset_index(drop=True)
    fresh = pd.concat([fresh.drop(columns=[c for c in JOIN_COLUMNS if c in fresh.columns]), found], axis=1)
    if not fresh.empty:
        _add(counts, _upsert(conn, _ODDS, fresh, ODDS_KEY, JOIN_COLUMNS, steps, "writing odds"))
    counts.rejected.update(dupes)


def _other_stored_odds(conn: Connection, fresh: pd.DataFrame) -> pd.DataFrame:
    """The stored odds rows (join inputs, by id) whose key is not among the rows just read."""
    stored = stored_odds(conn)
    keys = fresh[list(ODDS_KEY)].drop_duplicates()
    probe = stored[list(ODDS_KEY)].merge(keys, how="left", indicator=True)
    return stored.loc[(probe["_merge"] == "left_only").to_numpy()]


def _registry(conn: Connection, matches: pd.DataFrame, tour_level: pd.DataFrame) -> PlayerRegistry:
    """Names resolve among players of tour-level main draws, with every name they carried in any match
    file (married names, older spellings) as aliases."""
    keys = pd.concat([tour_level["winner_key"], tour_level["loser_key"]]).unique()
    players = stored_players(conn)
    return PlayerRegistry.from_frames(players[players["key"].isin(keys)], matches)


def _odds_rows(joined: pd.DataFrame) -> tuple[pd.DataFrame, Counter[str]]:
    """Odds rows keyed by ODDS_KEY; a row repeated in a file is kept once."""
    dup = joined.duplicated(list(ODDS_KEY))
    rejected: Counter[str] = Counter()
    if dup.any():
        rejected["same date, players and round as another odds row"] = int(dup.sum())
    return joined.loc[~dup].reset_index(drop=True), rejected


def _start_run(engine: Engine, data_dir: Path, clock: Clock, full: bool) -> int:
    with engine.begin() as conn:
        result = conn.execute(
            IngestRun.__table__.insert().values(  # type: ignore[attr-defined]
                started_at=clock.now(), source_dir=str(data_dir), status="running", full=full
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
    files: dict[str, str],
) -> None:
    """Close the run: status, counts, rejections, join rate, and each file's status (the skipped ones
    counted, the others by path)."""
    table = IngestRun.__table__
    skipped = sum(1 for status in files.values() if status.startswith("unchanged"))
    listed = {path: status for path, status in files.items() if not status.startswith("unchanged")}
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
                files=json.dumps({"unchanged, skipped": skipped, "files": listed}),
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
