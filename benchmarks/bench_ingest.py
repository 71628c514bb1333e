"""Ingest of $COURTSIDE_DATA into a fresh history store (Parquet), a re-ingest with nothing new, a
re-ingest after a sync that changed one match file and one odds file, and the rating build, next to the
time plain pandas needs just to read the same CSVs (the files the first ingest reads), with the ratio
the issue asks under 5x, in wall and in CPU time. Each step runs in its own process, one after the
other in this order, so its peak RSS is its own (interpreter and imports included); wall and CPU time
exclude the imports. The plain read and the first ingest run side by side ROUNDS times, alternately; on
a shared machine the CPU time (user + system) is the steadier figure.

    COURTSIDE_DATA=/path/to/data .venv/bin/python benchmarks/bench_ingest.py

Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0);
odds from tennis-data.co.uk.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pandas as pd
from rich.console import Console
from rich.table import Table

from courtside.data.sources import ATTRIBUTION

ROUNDS = 3  # the plain read and the first ingest are run this many times, alternately
STEPS = (
    ("pandas", "pandas.read_csv of every CSV"),
    ("first", "ingest into an empty history store"),
    ("again", "ingest again, nothing new"),
    ("synced", "ingest after a sync (1 match + 1 odds file changed)"),
    ("ratings", "rating build (load + chronological pass)"),
)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _pandas_read(data_dir: Path, _db: str) -> str:
    """Plain pandas.read_csv of exactly the files the first ingest reads (players, matches, odds)."""
    from courtside.data.ingest import tours_present
    from courtside.data.manifest import discover

    rows = 0
    paths = [f.path for f in discover(data_dir, tours_present(data_dir))]
    for path in paths:
        rows += len(pd.read_csv(path, encoding="latin-1", low_memory=False))
    return f"{rows} rows in {len(paths)} files"


def _ingest(data_dir: Path, db: str) -> str:
    from courtside.data.ingest import ingest
    from courtside.store.history import HistoryStore

    result = ingest(data_dir, HistoryStore(Path(db)))
    counts = ", ".join(f"{k} {v.read} read/{v.new} new/{v.merged} merged" for k, v in result.sources.items())
    return f"{len(result.files_read)} files read; {counts}; {result.matches} matches"


def _rating_build(data_dir: Path, _db: str) -> str:
    from courtside.data.results import load_results
    from courtside.model.dataset import build

    matches = load_results(data_dir).matches
    build(matches)
    return f"model.dataset.build over {len(matches)} matches"


def _synced_copy(data_dir: Path, into: Path) -> Path:
    """A copy of data_dir where this season's ATP tour file gained a match and its odds file lost a row."""
    copy = into / "synced"
    shutil.copytree(data_dir, copy)
    match_file = max((copy / "tennis_atp").glob("atp_matches_[0-9][0-9][0-9][0-9].csv"))
    lines = match_file.read_bytes().rstrip(b"\n").split(b"\n")
    fields = lines[-1].split(b",")
    fields[6] = b"9999"  # match_num: a new match
    match_file.write_bytes(b"\n".join([*lines, b",".join(fields)]) + b"\n")
    odds_file = max((copy / "tennis_odds").glob("atp_[0-9][0-9][0-9][0-9].csv"))
    rows = odds_file.read_bytes().rstrip(b"\n").split(b"\n")
    odds_file.write_bytes(b"\n".join(rows[:-1]) + b"\n")
    return copy


def _step(name: str, data_dir: Path, db: str) -> int:
    """Run one step in this process and print its figures as one JSON line."""
    work: dict[str, Callable[[Path, str], str]] = {
        "pandas": _pandas_read,
        "first": _ingest,
        "again": _ingest,
        "synced": _ingest,
        "ratings": _rating_build,
    }
    start, cpu = time.perf_counter(), _cpu_s()
    detail = work[name](data_dir, db)
    secs, cpu = time.perf_counter() - start, _cpu_s() - cpu
    print(json.dumps({"secs": secs, "cpu": cpu, "peak_mb": _peak_mb(), "detail": detail}))
    return 0


def _run(name: str, data_dir: Path, db: str) -> dict[str, object]:
    args = [sys.executable, __file__, "--step", name, str(data_dir), db]
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def main() -> int:
    if len(sys.argv) == 5 and sys.argv[1] == "--step":
        return _step(sys.argv[2], Path(sys.argv[3]), sys.argv[4])
    env = os.environ.get("COURTSIDE_DATA")
    if not env or not Path(env).is_dir():
        print("set COURTSIDE_DATA to the data folder", file=sys.stderr)
        return 2
    data_dir = Path(env)
    table = Table(title="ingest benchmark (each step in its own process, in this order)")
    for col in ("step", "wall s", "CPU s", "peak RSS MB", "detail"):
        table.add_column(col)
    labels = dict(STEPS)
    with tempfile.TemporaryDirectory() as tmp:
        synced = _synced_copy(data_dir, Path(tmp))
        rounds: list[dict[str, tuple[float, float]]] = []
        for n in range(1, ROUNDS + 1):  # the plain read and the first ingest side by side, ROUNDS times
            db = f"{tmp}/history-{n}"
            rounds.append({})
            for name in ("pandas", "first"):
                rounds[-1][name] = _add_row(table, f"{labels[name]} (round {n})", _run(name, data_dir, db))
        for name in ("again", "synced", "ratings"):
            _add_row(table, labels[name], _run(name, synced if name == "synced" else data_dir, db))
        size = sum(f.stat().st_size for f in Path(db).rglob("gen-*/*.parquet")) / 1e6
    console = Console(width=200)
    console.print(table)
    _print_ratios(console, rounds)
    console.print(f"history store size {size:.0f} MB (both generations)\n[dim]{ATTRIBUTION}[/]")
    return 0


def _add_row(table: Table, label: str, figures: dict[str, object]) -> tuple[float, float]:
    secs, cpu, peak = (float(str(figures[k])) for k in ("secs", "cpu", "peak_mb"))
    table.add_row(label, f"{secs:.1f}", f"{cpu:.1f}", f"{peak:.0f}", str(figures["detail"]))
    return secs, cpu


def _print_ratios(console: Console, rounds: list[dict[str, tuple[float, float]]]) -> None:
    """Each round's ratio (the two steps run back to back), the median round, and the ratio of each
    step's fastest run: on a shared machine a neighbour's load can land on either step of a round."""
    ratios = []
    for n, took in enumerate(rounds, 1):
        wall, cpu = (took["first"][i] / took["pandas"][i] for i in (0, 1))
        ratios.append((wall, cpu))
        console.print(f"round {n}: first ingest / pandas read = {wall:.1f}x wall, {cpu:.1f}x CPU")
    for what, i in (("wall", 0), ("CPU", 1)):
        median = statistics.median(r[i] for r in ratios)
        first, plain = (min(r[name][i] for r in rounds) for name in ("first", "pandas"))
        console.print(
            f"{what}: median round {median:.1f}x; fastest runs: first ingest {first:.1f} s vs pandas read "
            f"{plain:.1f} s = {first / plain:.1f}x (goal < 5x)"
        )


if __name__ == "__main__":
    raise SystemExit(main())
