"""`courtside data ...`: ingest the match history, sync it from its sources, resolve player names."""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from courtside.data.sources import ATTRIBUTION
from courtside.domain.errors import CourtsideError
from courtside.domain.tennis import Tour
from courtside.store.history import DEFAULT_HISTORY

data_app = typer.Typer(
    help="Match history (Sackmann, tennis-data.co.uk, Kalshi results): ingest, sync, resolve player names.",
    no_args_is_help=True,
)
FromOpt = Annotated[
    Path | None, typer.Option("--from", help="data folder (default: $COURTSIDE_DATA)", show_default=False)
]
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")


def _data_dir(given: Path | None) -> Path:
    """The folder to read: --from, else $COURTSIDE_DATA; a clear message and exit 2 when neither works."""
    env = os.environ.get("COURTSIDE_DATA")
    path = given if given is not None else (Path(env) if env else None)
    if path is None:
        _fail("no data folder: pass --from DIR or set COURTSIDE_DATA (or run `courtside data sync`)", 2)
    if not path.is_dir():
        _fail(f"data folder {path} does not exist (run `courtside data sync` or fix --from)", 2)
    return path


def _fail(message: str, code: int = 1) -> NoReturn:
    Console(stderr=True).print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


FullOpt = Annotated[
    bool, typer.Option("--full", help="read every file, even those unchanged since the last ingest")
]
HistoryOpt = Annotated[
    Path, typer.Option("--history", envvar="COURTSIDE_HISTORY", help="history store folder")
]


@data_app.command("ingest")
def ingest_cmd(
    from_dir: FromOpt = None,
    history: HistoryOpt = DEFAULT_HISTORY,
    full: FullOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Load players and results (Sackmann, tennis-data) into the history store, merged with the Kalshi
    results synced; a second run reads only new or changed files."""
    from courtside.data.ingest import ingest
    from courtside.store.history import HistoryStore

    folder = _data_dir(from_dir)
    try:
        result = ingest(folder, HistoryStore(history), full=full)
    except CourtsideError as e:
        _fail(str(e))
    if as_json:
        typer.echo(json.dumps({**result.as_dict(), "attribution": ATTRIBUTION}, indent=2, default=str))
        return
    console = Console()
    _print_files(console, result.files)
    print_sources(console, {k: v.as_dict() for k, v in result.sources.items()})
    for reason, n in result.rejected_files.items():
        console.print(f"  rejected while reading the files: {n} x {reason}")
    console.print(
        f"{result.matches} matches, {result.players} players ({result.newcomers} newcomers, {result.links} "
        f"linked), results through {result.results_through}, in {history}\n[dim]{ATTRIBUTION}[/]"
    )


def print_sources(console: Console, sources: dict[str, dict[str, Any]]) -> None:
    """Rows read, new matches, duplicates merged and rejected (with reasons), per source."""
    if not sources:
        return
    table = Table(title="results by source")
    for col in ("source", "rows read", "new", "duplicates merged", "rejected"):
        table.add_column(col, justify="left" if col == "source" else "right")
    for name, c in sources.items():
        table.add_row(name, str(c["read"]), str(c["new"]), str(c["merged"]), str(sum(c["rejected"].values())))
    console.print(table)
    for name, c in sources.items():
        for reason, n in sorted(c["rejected"].items(), key=lambda kv: -kv[1]):
            console.print(f"  rejected {name}: {n} x {reason}")


def _print_files(console: Console, files: dict[str, str]) -> None:
    """Each file read or missing, by path and why; the unchanged ones as a count."""
    skipped = sum(1 for status in files.values() if status.startswith("unchanged"))
    for path, status in files.items():
        if not status.startswith("unchanged"):
            console.print(f"  {path}: {status}")
    if skipped:
        console.print(f"{skipped} files unchanged, skipped (--full reads them again)")


SOURCES = ("sackmann", "tennis-data", "kalshi", "all")


@data_app.command("sync")
def sync_cmd(
    source: Annotated[str, typer.Option("--source", help="sackmann, tennis-data, kalshi or all")] = "all",
    env: Annotated[
        str, typer.Option("--env", help="Kalshi venue for --source kalshi: prod, demo or a base URL")
    ] = "prod",
    since: Annotated[
        str | None, typer.Option("--since", help="Kalshi: re-read markets settled since YYYY-MM-DD")
    ] = None,
    dest: Annotated[Path | None, typer.Option("--dest", help="cache folder for the downloaded files")] = None,
    history: HistoryOpt = DEFAULT_HISTORY,
    sackmann_base: Annotated[str, typer.Option(help="base URL of the Sackmann repositories")] = "",
    odds_base: Annotated[str, typer.Option(help="base URL of tennis-data.co.uk")] = "",
    until_year: Annotated[
        int | None, typer.Option("--until-year", help="last season to fetch [this year]")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Bring the results up to date: download the Sackmann and tennis-data files (1990 to this season)
    into the cache and ingest them, and read Kalshi's settled markets since the last sync (no API key).

    Each source is all or nothing: one that cannot be reached is named and changes nothing."""
    from courtside.cli.data_sync import run_sync

    if source not in SOURCES:
        _fail(f"--source must be one of {', '.join(SOURCES)}, got {source!r}", 2)
    try:
        day = datetime.fromisoformat(since).replace(tzinfo=UTC) if since else None
    except ValueError:
        _fail(f"--since must be YYYY-MM-DD, got {since!r}", 2)
    report = run_sync(
        source, env, day, dest, history, sackmann_base, odds_base, until_year, progress=not as_json
    )
    if as_json:
        typer.echo(json.dumps({**report.as_dict(), "attribution": ATTRIBUTION}, indent=2, default=str))
    else:
        report.print(Console())
    if report.failed:
        raise typer.Exit(1)


@data_app.command("resolve")
def resolve_cmd(
    name: Annotated[str, typer.Argument(help="a player's name in any common form")],
    tour: Annotated[Tour | None, typer.Option("--tour", help="atp or wta")] = None,
    on: Annotated[str | None, typer.Option("--on", help="prefer players active on YYYY-MM-DD")] = None,
    from_dir: FromOpt = None,
    history: HistoryOpt = DEFAULT_HISTORY,
    as_json: JsonOpt = False,
) -> None:
    """Which player a name means (newcomers from tennis-data and Kalshi too): from the history store if
    there is one, else the data folder."""
    try:
        registry = _registry(history, from_dir)
    except CourtsideError as e:
        _fail(str(e))
    try:
        day = date.fromisoformat(on) if on else None
    except ValueError:
        _fail(f"--on must be YYYY-MM-DD, got {on!r}", 2)
    res = registry.resolve(name, tour, active_on=day)
    if as_json:
        typer.echo(json.dumps({**res.as_dict(), "attribution": ATTRIBUTION}, indent=2))
        return
    console = Console()
    who = f"{res.player.name} ({res.player.key})" if res.player else "-"
    console.print(f"{res.status}: {who}  confidence {res.confidence:.2f}  [dim]{res.reason}[/]")
    for c in res.candidates:
        console.print(f"  candidate: {c.name} ({c.key})")
    console.print(f"[dim]{ATTRIBUTION}[/]")


def _registry(history: Path, from_dir: Path | None) -> Any:
    from courtside.data.history import registry_from_store
    from courtside.data.registry import PlayerRegistry
    from courtside.data.results import load_results
    from courtside.store.history import HistoryStore

    if from_dir is None:
        registry = registry_from_store(HistoryStore(history))
        if registry is not None:
            return registry
    results = load_results(_data_dir(from_dir))
    return PlayerRegistry.from_frames(results.players, results.matches)
