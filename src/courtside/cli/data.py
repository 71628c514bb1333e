"""`courtside data ...`: ingest the match history, sync it from its sources, resolve player names."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from courtside.app.home import match_history
from courtside.cli import globals as cli_globals
from courtside.cli.errors import say, warn
from courtside.data.sources import ATTRIBUTION
from courtside.domain.errors import ConfigError, CourtsideError
from courtside.domain.tennis import Tour
from courtside.kalshi.env import resolve_env

data_app = typer.Typer(
    help="Match history (Sackmann, tennis-data.co.uk, Kalshi results): ingest, sync, resolve player names.",
    no_args_is_help=True,
)
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help="match-history folder  [default: $COURTSIDE_DATA, else the data cache]"),
]
OldFromOpt = Annotated[Path | None, typer.Option("--from", hidden=True)]  # before --data: one release
JsonOpt = Annotated[bool, typer.Option("--json", help="machine-readable output")]


def register(app: typer.Typer) -> None:
    app.add_typer(data_app, name="data")


def _folder(data: Path | None, old: Path | None) -> Path | None:
    if old is not None:
        warn("--from is deprecated for the data folder: use --data")
    return data or old


def _data_dir(given: Path | None) -> Path:
    """The folder to read: --data, else $COURTSIDE_DATA, else the home's data cache; one line and exit 2
    when none holds the history."""
    try:
        return match_history(cli_globals.home(), given)
    except ConfigError as e:
        _fail(str(e), 2)


def _history(given: Path | None) -> Path:
    return given or cli_globals.home().history


def _fail(message: str, code: int = 1) -> NoReturn:
    say(message)
    raise typer.Exit(code)


FullOpt = Annotated[
    bool, typer.Option("--full", help="read every file, even those unchanged since the last ingest")
]
HistoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--history", envvar="COURTSIDE_HISTORY", help="history store folder  [default: <home>/var/history]"
    ),
]


@data_app.command("ingest")
def ingest_cmd(
    data: DataOpt = None,
    from_dir: OldFromOpt = None,
    history: HistoryOpt = None,
    full: FullOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Load players and results (Sackmann, tennis-data) into the history store, merged with the Kalshi
    results synced; a second run reads only new or changed files."""
    from courtside.data.ingest import ingest
    from courtside.store.history import HistoryStore

    folder = _data_dir(_folder(data, from_dir))
    try:
        result = ingest(folder, HistoryStore(_history(history)), full=full)
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


class Source(StrEnum):
    SACKMANN = "sackmann"
    TENNIS_DATA = "tennis-data"
    KALSHI = "kalshi"
    ALL = "all"


def _exchange(env: str) -> str:
    try:
        resolve_env(env)
    except ConfigError as e:
        raise typer.BadParameter(str(e), param_hint="'--env'") from e
    return env


@data_app.command("sync")
def sync_cmd(
    source: Annotated[Source, typer.Option("--source", help="which source")] = Source.ALL,
    env: Annotated[
        str,
        typer.Option(
            "--env",
            "--exchange",
            help="Kalshi venue for --source kalshi: prod, demo or a base URL",
            callback=_exchange,
        ),
    ] = "prod",
    since: Annotated[
        str | None,
        typer.Option("--since", metavar="DATE", help="Kalshi: re-read markets settled since this day"),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="folder the files are downloaded into  [default: <home>/var/cache/data]"),
    ] = None,
    dest: Annotated[Path | None, typer.Option("--dest", hidden=True)] = None,
    history: HistoryOpt = None,
    sackmann_base: Annotated[str, typer.Option(help="base URL of the Sackmann repositories")] = "",
    odds_base: Annotated[str, typer.Option(help="base URL of tennis-data.co.uk")] = "",
    until_year: Annotated[
        int | None, typer.Option("--until-year", min=1990, help="last season to fetch  [default: this year]")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Bring the results up to date: download the Sackmann and tennis-data files (1990 to this season)
    into the cache and ingest them, and read Kalshi's settled markets since the last sync (no API key).

    Each source is all or nothing: one that cannot be reached is named and changes nothing."""
    from courtside.cli.data_sync import run_sync

    try:
        day = datetime.strptime(since, "%Y-%m-%d").replace(tzinfo=UTC) if since else None
    except ValueError as e:
        raise typer.BadParameter(f"{since!r} is not a date YYYY-MM-DD", param_hint="'--since'") from e
    if dest is not None:
        warn("--dest is deprecated: use --data")
    cache = data or dest or cli_globals.home().data_cache
    report = run_sync(
        source.value,
        env,
        day,
        cache,
        _history(history),
        sackmann_base,
        odds_base,
        until_year,
        progress=not as_json,
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
    on: Annotated[
        str | None, typer.Option("--on", metavar="DATE", help="prefer players active on this day")
    ] = None,
    data: DataOpt = None,
    from_dir: OldFromOpt = None,
    history: HistoryOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Which player a name means (newcomers from tennis-data and Kalshi too): from the history store if
    there is one, else the data folder."""
    try:
        day = datetime.strptime(on, "%Y-%m-%d").date() if on else None
    except ValueError as e:
        raise typer.BadParameter(f"{on!r} is not a date YYYY-MM-DD", param_hint="'--on'") from e
    try:
        registry = _registry(_history(history), _folder(data, from_dir))
    except CourtsideError as e:
        _fail(str(e))
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
