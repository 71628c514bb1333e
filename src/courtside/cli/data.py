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
from courtside.store.db import DEFAULT_URL

data_app = typer.Typer(
    help="Match history (Sackmann, tennis-data.co.uk): ingest, sync, resolve player names.",
    no_args_is_help=True,
)
FromOpt = Annotated[
    Path | None, typer.Option("--from", help="data folder (default: $COURTSIDE_DATA)", show_default=False)
]
DbOpt = Annotated[str, typer.Option("--db", envvar="COURTSIDE_DB", help="database URL")]
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


@data_app.command("ingest")
def ingest_cmd(
    from_dir: FromOpt = None, db: DbOpt = DEFAULT_URL, full: FullOpt = False, as_json: JsonOpt = False
) -> None:
    """Load players, matches and odds into the database; a second run reads only new or changed files."""
    from courtside.data.ingest import ingest
    from courtside.store.db import make_engine

    folder = _data_dir(from_dir)
    try:
        result = ingest(folder, make_engine(db), progress=not as_json, full=full)
    except CourtsideError as e:
        _fail(str(e))
    tables = {name: counts.as_dict() for name, counts in result.tables.items()}
    if as_json:
        payload = {
            "run_id": result.run_id,
            "full": full,
            "files": result.files,
            "tables": tables,
            "odds_join": {
                "rows": result.join_rows,
                "rate": result.join_rate,
                "unmatched": dict(result.join_reasons),
            },
            "attribution": ATTRIBUTION,
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    _print_ingest(tables, result.files, result.join_rate, result.join_rows, dict(result.join_reasons))


def _print_ingest(
    tables: dict[str, Any], files: dict[str, str], rate: float, rows: int, reasons: dict[str, int]
) -> None:
    console = Console()
    _print_files(console, files)
    table = Table(title="ingest")
    columns = ("files read", "files skipped", "inserted", "updated", "unchanged", "rejected")
    table.add_column("table")
    for col in columns:
        table.add_column(col, justify="right")
    for name, c in tables.items():
        values = (c["files_read"], c["files_skipped"], c["inserted"], c["updated"], c["unchanged"])
        table.add_row(name, *(str(v) for v in values), str(sum(c["rejected"].values())))
    console.print(table)
    for name, c in tables.items():
        for reason, n in c["rejected"].items():
            console.print(f"  rejected {name}: {n} x {reason}")
    console.print(f"odds joined to matches (all stored): {rate:.2%} of {rows} completed rows")
    for reason, n in sorted(reasons.items(), key=lambda kv: -kv[1]):
        console.print(f"  unmatched: {n} x {reason}")
    console.print(f"[dim]{ATTRIBUTION}[/]")


def _print_files(console: Console, files: dict[str, str]) -> None:
    """Each file read or missing, by path and why; the unchanged ones as a count."""
    skipped = sum(1 for status in files.values() if status.startswith("unchanged"))
    for path, status in files.items():
        if not status.startswith("unchanged"):
            console.print(f"  {path}: {status}")
    if skipped:
        console.print(f"{skipped} files unchanged, skipped (--full reads them again)")


@data_app.command("sync")
def sync_cmd(
    dest: Annotated[Path | None, typer.Option("--dest", help="cache folder")] = None,
    sackmann_base: Annotated[str, typer.Option(help="base URL of the Sackmann repositories")] = "",
    odds_base: Annotated[str, typer.Option(help="base URL of tennis-data.co.uk")] = "",
    until_year: Annotated[
        int | None, typer.Option("--until-year", help="last season to fetch [this year]")
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Download the match and odds files (1990 to this year) into the cache; on failure it is unchanged.

    Seasons after the last fully published one are fetched when they exist upstream and listed as
    absent otherwise, so a model trained on the cache is as current as the sources allow.
    """
    from courtside.data import sync as s

    years, odds_years = s.years_until(until_year or datetime.now(UTC).year)
    files = s.sackmann_files(sackmann_base or s.SACKMANN_BASE, years) + s.odds_files(
        odds_base or s.ODDS_BASE, odds_years
    )
    target = dest or s.DEFAULT_CACHE
    try:
        result = _run_sync(s, target, files, progress=not as_json)
    except s.DownloadError as e:
        _fail(str(e))
    if as_json:
        out = {"dest": str(result.dest), "downloaded": len(result.downloaded), "skipped": result.skipped}
        typer.echo(json.dumps({**out, "notes": result.notes, "attribution": ATTRIBUTION}, indent=2))
        return
    console = Console()
    console.print(f"{len(result.downloaded)} files in {result.dest} ({len(result.skipped)} absent upstream)")
    for note in result.notes:
        console.print(f"  note: {note}")
    console.print(f"set COURTSIDE_DATA={result.dest} to use them\n[dim]{ATTRIBUTION}[/]")


def _run_sync(s: Any, dest: Path, files: list[Any], *, progress: bool) -> Any:
    if not progress:
        return s.sync(dest, files)
    from rich.progress import Progress

    with Progress(transient=True) as bar:
        task = bar.add_task("downloading", total=len(files))
        return s.sync(dest, files, on_file=lambda _f: bar.advance(task))


@data_app.command("resolve")
def resolve_cmd(
    name: Annotated[str, typer.Argument(help="a player's name in any common form")],
    tour: Annotated[Tour | None, typer.Option("--tour", help="atp or wta")] = None,
    on: Annotated[str | None, typer.Option("--on", help="prefer players active on YYYY-MM-DD")] = None,
    from_dir: FromOpt = None,
    db: DbOpt = DEFAULT_URL,
    as_json: JsonOpt = False,
) -> None:
    """Which player a name means: from the ingested database if there is one, else the data folder."""
    try:
        registry = _registry(db, from_dir, tour)
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


def _registry(db: str, from_dir: Path | None, tour: Tour | None) -> Any:
    from courtside.data.ingest import registry_from_db, tours_present
    from courtside.data.registry import PlayerRegistry
    from courtside.data.sources import load_matches, load_players
    from courtside.store.db import make_engine

    if from_dir is None:
        registry = registry_from_db(make_engine(db))
        if registry is not None:
            return registry
    folder = _data_dir(from_dir)
    tours = [tour] if tour is not None else tours_present(folder)
    return PlayerRegistry.from_frames(load_players(folder, tours), load_matches(folder, tours))
