"""The daily update: one day of Kalshi results synced from a simulator, then `model update`.

Set-up (not timed): $COURTSIDE_DATA ingested into a fresh history store, a model trained from it, and a
simulator whose settled history holds a day of ATP and WTA results (one tour-level draw day of 48
matches, some players unknown to the files). Timed: `data sync --source kalshi` (both tiers, the
merge, the commit) and `model update` (load, roll forward, save), each in this process. Goal: < 10 s.

    COURTSIDE_DATA=/path/to/data .venv/bin/python benchmarks/bench_daily_update.py

Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0);
results and odds from tennis-data.co.uk.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

from courtside.data.ingest import ingest
from courtside.data.kalshi_sync import KalshiSyncResult, sync_kalshi
from courtside.data.sources import ATTRIBUTION
from courtside.kalshi.rest import KalshiClient
from courtside.model.training import train_from_store
from courtside.model.update import update_model
from courtside.sim.server import SimServer
from courtside.store.history import HistoryStore

PLAYERS = {
    "atp": ["Novak Djokovic", "Carlos Alcaraz", "Jannik Sinner", "Casper Ruud", "Taylor Fritz", "Tommy Paul",
            "Ben Shelton", "Kai Newland", "Ode Farrow", "Remy Tallis", "Ivo Brandt", "Lars Quist"],
    "wta": ["Iga Swiatek", "Aryna Sabalenka", "Coco Gauff", "Elena Rybakina", "Jessica Pegula", "Ons Jabeur",
            "Mara Velde", "Tia Morrow", "Nell Asher", "Ruth Kamara", "Ines Vollan", "Dora Pike"],
}  # fmt: skip
EVENTS = {"atp": "ATP Basel", "wta": "WTA Beijing"}


def _day_of_results(now: datetime) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for tour, names in PLAYERS.items():
        for i in range(24):
            a, b = names[i % 12], names[(i * 5 + 1) % 12]
            if a == b:
                continue
            start = now - timedelta(hours=20 - i % 12)
            out.append({"winner": a, "loser": b, "tour": tour, "competition": EVENTS[tour],
                        "round": "Round Of 32", "start": start.isoformat()})  # fmt: skip
    return out


async def _sync(store: HistoryStore, url: str) -> KalshiSyncResult:
    async with KalshiClient(url) as client:
        return await sync_kalshi(store, client, "bench")


def main() -> int:
    env = os.environ.get("COURTSIDE_DATA")
    if not env or not Path(env).is_dir():
        print("set COURTSIDE_DATA to the data folder", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        store, model = HistoryStore(Path(tmp) / "history"), Path(tmp) / "model"
        ingest(Path(env), store)
        train_from_store(store, model)
        with SimServer(seed=5) as sim:
            sim.control.results(_day_of_results(sim.exchange.now()))
            t0 = time.perf_counter()
            synced = asyncio.run(_sync(store, sim.base_url))
            t1 = time.perf_counter()
            result = update_model(model, store)
            t2 = time.perf_counter()
    print(f"sync: {synced.counts.new} new results ({synced.counts.merged} merged) in {t1 - t0:.1f} s")
    print(f"model update: {result.rolled} rolled, results through {result.results_through}, {t2 - t1:.1f} s")
    print(f"daily update: {t2 - t0:.1f} s (goal < 10 s)\n{ATTRIBUTION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
