"""`courtside demo` (what `make demo` runs): the whole AutoTrader on a simulated exchange in a minute."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from courtside.domain.errors import CourtsideError

console = Console()
DEMO_SEASONS = 5

NO_DATA = """[bold red]The demo needs the tennis match history to build its model.[/]
Point COURTSIDE_DATA at a folder holding tennis_atp/ and tennis_wta/ (Jeff Sackmann's layout;
see the README), for example:

    export COURTSIDE_DATA=/path/to/data      # or download it: courtside data sync
    make demo

The demo model is built once (well under a minute) and cached under {model}."""


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def recent_history(data: Path, into: Path, seasons: int = DEMO_SEASONS) -> Path:
    """A view of the last `seasons` seasons of tour-level matches (symbolic links, never copies)."""
    for tour in ("atp", "wta"):
        source, folder = data / f"tennis_{tour}", into / f"tennis_{tour}"
        folder.mkdir(parents=True, exist_ok=True)
        years = sorted(p.name for p in source.glob(f"{tour}_matches_[0-9][0-9][0-9][0-9].csv"))[-seasons:]
        for name in [f"{tour}_players.csv", *years]:
            link = folder / name
            if not link.exists():
                link.symlink_to((source / name).resolve())
    return into


def _usable(candidate: Path) -> bool:
    """An artifact folder this version of courtside can load (an older cached one is rebuilt)."""
    from courtside.model.artifact import FORMAT_VERSION, META

    try:
        meta = json.loads((candidate / META).read_text())
    except (OSError, ValueError):
        return False
    if meta.get("format_version") == FORMAT_VERSION:
        return True
    console.print(f"[yellow]ignoring {candidate}: model format {meta.get('format_version')} is outdated[/]")
    return False


def _model(model: Path, data: Path | None, var: Path) -> Path:
    """The full model if one is cached, else a demo model from recent seasons (built once, cached in
    var/); without any match history, exit 1 with instructions."""
    demo_model = var / "model"
    for candidate in (model, demo_model):
        if _usable(candidate):
            return candidate
    from courtside.data.sync import DEFAULT_CACHE

    data = data or (DEFAULT_CACHE if (DEFAULT_CACHE / "tennis_atp").is_dir() else None)
    if data is None or not (data / "tennis_atp").is_dir():
        console.print(NO_DATA.format(model=demo_model))
        raise typer.Exit(1)
    from courtside.model.training import train_artifact

    console.print(
        f"building a demo model from the last {DEMO_SEASONS} seasons in {data} (cached in {demo_model})..."
    )
    t0 = time.perf_counter()
    train_artifact(recent_history(data, var / "history"), demo_model, progress=True)
    console.print(f"model built in {time.perf_counter() - t0:.0f} s")
    return demo_model


def demo(
    data: Annotated[Path | None, typer.Option(envvar="COURTSIDE_DATA", help="match history folder")] = None,
    model: Annotated[Path, typer.Option(help="model artifact folder (built here if missing)")] = Path(
        "var/model"
    ),
    var: Annotated[Path, typer.Option(help="where the demo's journal, key and logs go")] = Path("var/demo"),
    seed: Annotated[int, typer.Option(help="seed of the slate, the mispricings and the results")] = 7,
) -> None:
    """Simulated exchange on loopback, a day of matches between real players, a few mispricings;
    the AutoTrader in dry-run and then live (confirmed by flag), settlement and a P&L summary."""
    from courtside.app.logs import setup_logging
    from courtside.app.wiring import load_model
    from courtside.demo.run import run_demo

    t0 = time.perf_counter()
    try:
        chosen = _model(model, data, var)
        setup_logging(var / "demo.log", console=False)
        predictor, registry = load_model(chosen)
        asyncio.run(run_demo(predictor, registry, var, console, seed=seed))
    except CourtsideError as e:
        console.print(f"[bold red]demo failed:[/] {e}")
        raise typer.Exit(2) from e
    console.print(
        f"demo done in {time.perf_counter() - t0:.1f} s; journal {var / 'demo.db'}, log {var / 'demo.log'}"
    )
