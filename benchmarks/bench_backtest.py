"""Backtest speed: one season (both tours, ~5,000 matches with closing odds) replayed through the
as-of model, the trader's strategy, risk and paper fill, and the report writers. Target: < 60 s.

    COURTSIDE_DATA=/work/shared/data .venv/bin/python benchmarks/bench_backtest.py [--year 2023]
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from datetime import date
from pathlib import Path

from courtside.backtest.actor import ReplaySettings
from courtside.backtest.output import write_report
from courtside.backtest.run import BacktestConfig, replay
from courtside.strategy.decide import OrderStyle, StrategyParams

TARGET_S = 60.0


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", type=int, default=2023)
    args = parser.parse_args()
    data = os.environ.get("COURTSIDE_DATA")
    if not data or not Path(data).is_dir():
        print("COURTSIDE_DATA is not set: skipped")
        return 0
    cfg = BacktestConfig(
        data_dir=Path(data),
        start=date(args.year, 1, 1),
        end=date(args.year, 12, 31),
        trader=ReplaySettings(strategy=StrategyParams(order_style=OrderStyle.TAKER)),
    )
    for label, config in (("model", cfg), ("control", replace(cfg, control=True))):
        t0, c0 = time.perf_counter(), time.process_time()
        result, _ = replay(config)
        t1 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            write_report(Path(tmp), result, config.as_dict(), title=label)
        t2, c2 = time.perf_counter(), time.process_time()
        print(
            f"{args.year} {label:8s}: {result.matches} matches, {len(result.rows)} trades, "
            f"load+model+replay {t1 - t0:.1f} s, report {t2 - t1:.1f} s, total {t2 - t0:.1f} s wall, "
            f"{c2 - c0:.1f} s CPU ({result.matches / (t2 - t0):.0f} matches/s); load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
        verdict = "met" if t2 - t0 < TARGET_S else f"NOT met ({c2 - c0:.1f} s of CPU: is the machine shared?)"
        print(f"  target < {TARGET_S:.0f} s wall for a season: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
