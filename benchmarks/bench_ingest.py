"""Full ingest of $COURTSIDE_DATA into a fresh SQLite file, a second (idempotent) run, and the rating
build, next to the time plain pandas needs just to read the same CSVs. Prints wall time and peak RSS.

    COURTSIDE_DATA=/path/to/data .venv/bin/python benchmarks/bench_ingest.py

Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0);
odds from tennis-data.co.uk.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
from rich.console import Console
from rich.table import Table

from courtside.data.ingest import ingest
from courtside.data.sources import ATTRIBUTION, load_matches
from courtside.store.db import make_engine


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _timed(fn: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def _pandas_read(data_dir: Path) -> int:
    rows = 0
    for path in sorted(data_dir.glob("tennis_*/*.csv")):
        rows += len(pd.read_csv(path, encoding="latin-1", low_memory=False))
    return rows


def _rating_build(data_dir: Path) -> str:
    try:
        from courtside.model.dataset import build
    except ImportError:
        return "courtside.model.dataset.build not available: ingest only"
    matches = load_matches(data_dir)
    build(matches)
    return f"model.dataset.build over {len(matches)} matches"


def main() -> int:
    env = os.environ.get("COURTSIDE_DATA")
    if not env or not Path(env).is_dir():
        print("set COURTSIDE_DATA to the data folder", file=sys.stderr)
        return 2
    data_dir = Path(env)
    table = Table(title="ingest benchmark")
    for col in ("step", "wall s", "peak RSS MB", "detail"):
        table.add_column(col)
    rows, secs = _timed(lambda: _pandas_read(data_dir))
    table.add_row("pandas.read_csv of every CSV", f"{secs:.1f}", f"{_peak_mb():.0f}", f"{rows} rows")
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        for label in ("ingest into empty SQLite", "ingest again (nothing new)"):
            result, secs = _timed(lambda: ingest(data_dir, engine))
            counts = ", ".join(f"{k} +{v.inserted}/={v.unchanged}" for k, v in result.tables.items())
            table.add_row(label, f"{secs:.1f}", f"{_peak_mb():.0f}", f"{counts}; join {result.join_rate:.2%}")
        size = Path(f"{tmp}/bench.db").stat().st_size / 1e6
    detail, secs = _timed(lambda: _rating_build(data_dir))
    table.add_row("rating build (load + chronological pass)", f"{secs:.1f}", f"{_peak_mb():.0f}", detail)
    console = Console()
    console.print(table)
    console.print(f"database size {size:.0f} MB\n[dim]{ATTRIBUTION}[/]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
