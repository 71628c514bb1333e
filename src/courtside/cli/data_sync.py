"""`courtside data sync`: each source fetched on its own; one that cannot be reached changes nothing.

sackmann / tennis-data: the files (1990, or 2010 for tennis-data, through this season) are downloaded
into the cache (data.sync: staged, then moved into place only when every file of the source came) and
the cache is ingested into the history store (only new or changed files are read). kalshi: the settled
markets since the last sync of that venue, both tiers, merged into the store (data.kalshi_sync).
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from rich.console import Console

from courtside.domain.errors import CourtsideError, NetworkError


@dataclass
class SyncReport:
    """Per source: reached or not, and what it brought."""

    sources: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def failed(self) -> list[str]:
        return [name for name, r in self.sources.items() if r["status"] != "ok"]

    def as_dict(self) -> dict[str, Any]:
        return {"sources": self.sources, "failed": self.failed}

    def print(self, console: Console) -> None:
        from courtside.cli.data import print_sources

        for name, r in self.sources.items():
            if r["status"] != "ok":
                console.print(f"[bold red]{name}: could not be reached, nothing changed:[/] {r['error']}")
                continue
            console.print(f"[bold]{name}[/]: {r['summary']}")
            if "counts" in r:
                print_sources(console, r["counts"])


def run_sync(
    source: str, env: str, since: datetime | None, dest: Path | None, history: Path, sackmann_base: str,
    odds_base: str, until_year: int | None, *, progress: bool,
) -> SyncReport:  # fmt: skip
    from courtside.data import sync as s
    from courtside.store.history import HistoryStore

    store = HistoryStore(history)
    report = SyncReport()
    cache = dest or s.DEFAULT_CACHE
    years, odds_years = s.years_until(until_year or datetime.now(UTC).year)
    files = {
        "sackmann": lambda: s.sackmann_files(sackmann_base or s.SACKMANN_BASE, years),
        "tennis-data": lambda: s.odds_files(odds_base or s.ODDS_BASE, odds_years),
    }
    for name in ("sackmann", "tennis-data"):
        if source in (name, "all"):
            report.sources[name] = _files(name, files[name](), cache, store, progress)
    if source in ("kalshi", "all"):
        report.sources["kalshi"] = _kalshi(env, since, store)
    return report


def _files(name: str, remote: list[Any], cache: Path, store: Any, progress: bool) -> dict[str, Any]:
    from courtside.data import sync as s
    from courtside.data.ingest import ingest

    try:
        fetched = _download(s, cache, remote, progress)
    except s.DownloadError as e:
        return {"status": "unreachable", "error": str(e)}
    out: dict[str, Any] = {"status": "ok", "downloaded": len(fetched.downloaded), "absent": fetched.skipped}
    try:
        result = ingest(cache, store)
    except CourtsideError as e:
        out["summary"] = f"{len(fetched.downloaded)} files in {cache}; not ingested: {e}"
        return out
    out["counts"] = {k: v.as_dict() for k, v in result.sources.items()}
    out["summary"] = (
        f"{len(fetched.downloaded)} files in {cache} ({len(fetched.skipped)} absent upstream), "
        f"{len(result.files_read)} new or changed ingested; results through {result.results_through}"
    )
    return out


def _download(s: Any, cache: Path, files: list[Any], progress: bool) -> Any:
    if not progress:
        return s.sync(cache, files)
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("downloading", total=len(files))
        return s.sync(cache, files, on_file=lambda _f: bar.advance(task))


def _kalshi(env: str, since: datetime | None, store: Any) -> dict[str, Any]:
    from courtside.data.kalshi_sync import sync_kalshi
    from courtside.kalshi.rest import KalshiClient

    async def run() -> Any:
        async with KalshiClient(env) as client:
            return await sync_kalshi(store, client, client.endpoints.name, since=since)

    try:
        result = asyncio.run(run())
    except (NetworkError, httpx.HTTPError) as e:
        return {"status": "unreachable", "error": f"{env}: {e}"}
    except CourtsideError as e:
        return {"status": "failed", "error": f"{env}: {e}"}
    counts = result.counts.as_dict()
    tiers = ", ".join(f"{n} {tier}" for tier, n in result.tiers.items()) or "none"
    return {
        "status": "ok",
        "report": result.as_dict(),
        "counts": {"kalshi": counts},
        "summary": f"{result.read} settled markets read from {result.env} ({tiers}), "
        f"{result.newcomers} new players; synced up to {result.watermarks or 'nothing new'}",
    }
