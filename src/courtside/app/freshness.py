"""Keeping the trader's model as current as yesterday's results: on start and every few hours, sync
Kalshi's settled markets (public, no key) and roll the model forward; refuse a stale model in live.

A model whose newest result is older than `max_age_days` is refused by `--live` (with the command that
fixes it) and warned about in dry-run. A sync that cannot reach the venue keeps the current model and
says so: the age check then decides whether trading may go on.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from courtside.domain.errors import ConfigError, CourtsideError, NetworkError

DEFAULT_HISTORY = Path("var/history")  # store/history.py's default; here without importing pandas
log = logging.getLogger("courtside.trader")
MAX_AGE_DAYS = 7
UPDATE_EVERY_HOURS = 6.0


@dataclass(frozen=True)
class Freshness:
    """The model's newest result and its age on `today` (None when the artifact does not say)."""

    results_through: date | None
    age_days: int | None

    def stale(self, max_age_days: int) -> bool:
        return self.age_days is None or self.age_days > max_age_days


def freshness(model: Path, today: date) -> Freshness:
    """Read meta.json only (milliseconds): how old the model's newest result is."""
    try:
        meta = json.loads((Path(model) / "meta.json").read_text())
    except (OSError, ValueError):
        return Freshness(None, None)
    through = meta.get("results_through") or meta.get("data_to")
    if not through:
        return Freshness(None, None)
    day = date.fromisoformat(str(through))
    return Freshness(day, (today - day).days)


def check_age(model: Path, today: date, max_age_days: int, *, live: bool) -> Freshness:
    """Refuse (live) or warn about (dry-run) a model whose newest result is too old."""
    found = freshness(model, today)
    if not found.stale(max_age_days):
        return found
    when = (
        f"results through {found.results_through} ({found.age_days} days ago)"
        if found.results_through
        else "no results date"
    )
    fix = "run `courtside data sync && courtside model update`"
    if live:
        raise ConfigError(f"model {model} has {when}, older than --max-model-age {max_age_days} days: {fix}")
    log.warning("model %s has %s, older than %d days: %s", model, when, max_age_days, fix)
    return found


async def refresh(model: Path, env: str, history: Path = DEFAULT_HISTORY) -> str:
    """Sync the venue's settled markets into the store and roll the model forward; a line for the log.
    Nothing is changed when there is no store or the venue cannot be reached."""
    from courtside.data.kalshi_sync import sync_kalshi
    from courtside.kalshi.rest import KalshiClient
    from courtside.model.update import update_model
    from courtside.store.history import HistoryStore

    store = HistoryStore(history)
    if not store.exists() or not (Path(model) / "meta.json").exists():
        return f"model not updated: no history store at {history} (run `courtside data ingest`)"
    try:
        async with KalshiClient(env) as client:
            synced = await sync_kalshi(store, client, client.endpoints.name)
    except (NetworkError, CourtsideError) as e:
        return f"results not synced from {env} ({e}); the model stays as it is"
    result = update_model(Path(model), store)
    return (
        f"synced {synced.counts.new} new results from {synced.env}; model {result.version}: "
        f"{result.rolled} rolled in, results through {result.results_through} ({result.seconds:.1f}s)"
    )
