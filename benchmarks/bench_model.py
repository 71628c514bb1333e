"""Model speed: the full 1990-2023 rating build (both tours, tour + qualifying + Challenger + ITF),
the full rating-and-feature pass, an artifact save/load and a live prediction.
Targets: ratings in seconds, artifact load < 2 s, a prediction in milliseconds.

    COURTSIDE_DATA=/work/shared/data .venv/bin/python benchmarks/bench_model.py
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import date
from pathlib import Path

from courtside.data.sources import load_matches
from courtside.domain.tennis import Level, MatchContext, Surface, Tour
from courtside.model.chrono import to_arrays
from courtside.model.predictor import load_predictor
from courtside.model.ratings import build_ratings
from courtside.model.training import train_artifact


def _timed(label: str, start: float) -> float:
    now = time.perf_counter()
    print(f"{label:<44} {now - start:8.2f} s")
    return now


def main() -> int:
    data = os.environ.get("COURTSIDE_DATA")
    if not data or not Path(data).is_dir():
        print("COURTSIDE_DATA is not set: skipped")
        return 0
    t = time.perf_counter()
    matches = load_matches(Path(data))
    t = _timed(f"load_matches ({len(matches):,} matches)", t)
    arrays = to_arrays(matches)
    t = _timed("to_arrays (round boundaries, games share)", t)
    _, state = build_ratings(arrays)
    t = _timed(f"Elo build, all levels ({len(state):,} players)", t)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "model"
        t = time.perf_counter()
        train_artifact(Path(data), out)
        t = _timed("train_artifact (load, ratings+features, fit, save)", t)
        predictor = load_predictor(out)
        t = _timed("load_predictor", t)
        ctx = MatchContext(Tour.ATP, date(2024, 1, 15), Surface.HARD, Level.GRAND_SLAM, "R128", 5)
        for _ in range(200):
            predictor.predict("atp:104925", "atp:207989", ctx)
        now = time.perf_counter()
        print(f"{'predict (mean of 200)':<44} {(now - t) / 200 * 1000:8.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
