"""`courtside data ingest`: the data folder's files into the history store, merged with what Kalshi gave.

Incremental by file: the size and blake2b digest of every CSV are recorded with its rows; a later ingest
reads only new or changed files ("unchanged, skipped"), `full=True` (`--full`) reads every one. The rows
of the files read replace that file's rows; a file that went missing keeps its rows. The merge (unify)
then runs over all stored rows of every source, so an incremental ingest is exactly as right as a full
one: a tennis-data row that a newer Sackmann file now holds is merged into it, newcomer ids that a
richer source now names are linked (`links`), and the Kalshi results are merged again against the new
table. Rows keep the seq they had (history.assign_seq), so `model update` learns only what is new.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from courtside.data.csvio import LoadReport
from courtside.data.frames import in_order
from courtside.data.history import (
    assign_seq,
    links_for,
    merge_ledger,
    results_through,
)
from courtside.data.manifest import FilePlan, discover, plan_reads, record
from courtside.data.results import lazy_identities, with_activity
from courtside.data.sources import MATCH_COLUMNS, load_match_files, load_players
from courtside.data.tennisdata import load_tennisdata_files
from courtside.data.unify import KALSHI, SourceCounts, merge_kalshi, merge_tennisdata
from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import ConfigError
from courtside.domain.tennis import Tour
from courtside.store.history import Generation, HistoryStore

__all__ = ["IngestResult", "ingest", "rebuild", "tours_present"]
KINDS = ("players", "matches", "tennisdata")
MAX_RUNS = 30


@dataclass
class IngestResult:
    """Each file's status, what each source brought, the store's size and newest result."""

    files: dict[str, str]
    sources: dict[str, SourceCounts] = field(default_factory=dict)
    newcomers: int = 0
    links: int = 0
    matches: int = 0
    players: int = 0
    seq: int = 0
    results_through: date | None = None
    rejected_files: Counter[str] = field(default_factory=Counter)

    @property
    def files_read(self) -> list[str]:
        skip = ("unchanged", "missing")
        return [path for path, status in self.files.items() if not status.startswith(skip)]

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "sources": {k: v.as_dict() for k, v in self.sources.items()},
            "newcomers": self.newcomers,
            "links": self.links,
            "matches": self.matches,
            "players": self.players,
            "seq": self.seq,
            "results_through": str(self.results_through) if self.results_through else None,
        }


def tours_present(data_dir: Path) -> list[Tour]:
    """The tours whose folder (tennis_atp/, tennis_wta/) exists under data_dir."""
    tours = [t for t in Tour if (data_dir / f"tennis_{t.value}").is_dir()]
    if not tours:
        raise ConfigError(f"{data_dir} has neither tennis_atp/ nor tennis_wta/: run `courtside data sync`")
    return tours


def ingest(
    data_dir: Path, store: HistoryStore, *, clock: Clock | None = None, full: bool = False
) -> IngestResult:
    """Read the new or changed files of data_dir (all with full), merge every source again, commit."""
    clock = clock or SystemClock()
    data_dir = Path(data_dir)
    files = discover(data_dir, tours_present(data_dir))
    state = store.state()
    plan = plan_reads(state.get("files", {}), files, full=full)
    result = IngestResult(plan.statuses())
    if not plan.read:
        return _summary(store, result)
    with _no_cycle_collection():
        fresh = _read(data_dir, plan, store, result)
        moved = [f.rel for f, _ in plan.read if not f.unchanged()]
        if moved:  # the rows read may not be the bytes digested: recording them would skip a change
            raise ConfigError(f"{', '.join(moved)} changed while being read (a sync running?): ingest again")
        with store.commit() as gen:
            for name, frame in fresh.items():
                if name != "sackmann":  # its rows are the merged table's Sackmann rows
                    gen.write(name, frame)
            rebuild(store, gen, fresh, clock.now().date(), result)
            gen.state["files"] = record(state.get("files", {}), [f for f, _ in plan.read], clock.now())
            _log_run(gen, "ingest", clock, result.as_dict())
    return _summary(store, result)


@contextmanager
def _no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector paused while an ingest makes millions of objects and few cycles: each
    full collection walks every live container, about a third of a second of a first ingest."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read(
    data_dir: Path, plan: FilePlan, store: HistoryStore, result: IngestResult
) -> dict[str, pd.DataFrame]:
    """The per-source tables after this ingest: stored rows of the files not read, plus the files read."""
    by_kind = {k: [f for f, _ in plan.read if f.kind == k] for k in KINDS}
    report = LoadReport()
    out: dict[str, pd.DataFrame] = {}
    tours = [f.tour for f in by_kind["players"]]
    players = load_players(data_dir, tours, report=report) if tours else None
    out["sackmann_players"] = _replace(
        store.read("sackmann_players"), players, "tour", [t.value for t in tours]
    )
    matches = load_match_files([(f.path, f.tour, f.source) for f in by_kind["matches"]], report=report)
    out["sackmann"] = _replace(_stored_sackmann(store), matches, "file", [f.rel for f in by_kind["matches"]])
    td = load_tennisdata_files([(f.path, f.tour) for f in by_kind["tennisdata"]], report=report)
    out["tennisdata"] = _replace(store.read("tennisdata"), td, "file", [f.rel for f in by_kind["tennisdata"]])
    result.rejected_files.update(report.rejected)
    return out


def _stored_sackmann(store: HistoryStore) -> pd.DataFrame | None:
    """The stored Sackmann rows as read from their files (the merged table without what merging added)."""
    stored = store.read("matches", filters=[("source", "==", "sackmann")])
    return None if stored is None else stored[list(MATCH_COLUMNS)]


def _replace(
    stored: pd.DataFrame | None, fresh: pd.DataFrame | None, by: str, keys: list[str]
) -> pd.DataFrame:
    if stored is None or stored.empty:
        return fresh if fresh is not None else pd.DataFrame()
    kept = stored[~stored[by].isin(keys)] if keys else stored
    if fresh is None or fresh.empty:  # an empty frame's untyped columns would make every column object
        return kept
    return pd.concat([kept, fresh], ignore_index=True) if not kept.empty else fresh


def rebuild(
    store: HistoryStore, gen: Generation, tables: dict[str, pd.DataFrame], today: date, result: IngestResult
) -> None:
    """Merge every source's stored rows again into `matches`, `matches_kalshi` and `players`."""
    sackmann = in_order(tables["sackmann"], ["tourney_date", "tourney_id", "round_order", "match_num"])
    players = tables["sackmann_players"].assign(source="sackmann")
    ids = lazy_identities(players, sackmann)
    merged = merge_tennisdata(sackmann, players, tables["tennisdata"], ids)
    kalshi_raw = store.read("kalshi")
    fresh_k, k_counts, k_absorbed = merge_kalshi(
        merged.matches, kalshi_raw if kalshi_raw is not None else pd.DataFrame(), ids
    )
    seq = int(gen.state.get("seq", 0)) + 1
    ledger = store.read("ledger")
    files_seq, add = assign_seq(merged.matches, {**merged.absorbed, **k_absorbed}, ledger, seq)
    kalshi_seq, add_k = (
        assign_seq(fresh_k, {}, ledger, seq)
        if not fresh_k.empty
        else (pd.Series(dtype="int64"), add.iloc[0:0])
    )
    gen.write("matches", merged.matches.assign(seq=files_seq))
    gen.write("matches_kalshi", kalshi_table(fresh_k, merged.matches).assign(seq=kalshi_seq.to_numpy()))
    gen.write("ledger", merge_ledger(ledger, pd.concat([add, add_k], ignore_index=True)))
    everyone = pd.concat([players, ids.newcomer_frame()], ignore_index=True).drop_duplicates("key")
    all_matches = (
        pd.concat([merged.matches, fresh_k], ignore_index=True) if not fresh_k.empty else merged.matches
    )
    table = with_activity(everyone, all_matches.assign(tourney_date=_result_day(all_matches)))
    gen.write("players", table)
    links = links_for(store.read("players"), table, lambda: ids.registry, today)
    old_links = store.read("links")
    gen.write("links", pd.concat([old_links, links], ignore_index=True) if old_links is not None else links)
    gen.state["seq"] = seq
    result.sources = {**merged.counts, KALSHI: k_counts}
    result.newcomers, result.links = len(ids.newcomers), len(links)


KALSHI_EXTRA = ("event_ticker", "winner_competitor", "loser_competitor")


def kalshi_table(rows: pd.DataFrame, like: pd.DataFrame) -> pd.DataFrame:
    """Kalshi result rows in the columns of the merged table (plus the event ticker and competitors)."""
    columns = [c for c in like.columns if c != "seq"] + list(KALSHI_EXTRA)
    out = rows.reindex(columns=columns)
    return out.astype(
        {c: like[c].dtype for c in like.columns if c in out.columns and c != "seq"}, errors="ignore"
    )


def _result_day(matches: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(matches["day"]).fillna(matches["tourney_date"])


def _log_run(gen: Generation, kind: str, clock: Clock, report: dict[str, Any]) -> None:
    runs = list(gen.state.get("runs", []))[-(MAX_RUNS - 1) :]
    runs.append({"kind": kind, "at": clock.now().isoformat(), **report})
    gen.state["runs"] = runs


def _summary(store: HistoryStore, result: IngestResult) -> IngestResult:
    players = store.read("players", ["key"])
    result.players = 0 if players is None else len(players)
    for name in ("matches", "matches_kalshi"):
        frame = store.read(name, ["uid"])
        result.matches += 0 if frame is None else len(frame)
    result.seq = int(store.state().get("seq", 0))
    result.results_through = results_through(store) if store.exists() else None
    return result
