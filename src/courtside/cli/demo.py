"""`courtside demo` (what `make demo` runs): the whole AutoTrader on a simulated exchange in a minute."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from courtside.app.home import match_history
from courtside.cli import globals as cli_globals
from courtside.cli.errors import say, warn
from courtside.domain.errors import ConfigError, CourtsideError

console = Console(soft_wrap=True)
DEMO_SEASONS = 5

NO_DATA = """error: the demo needs the tennis match history to build its model ({why}).
Point COURTSIDE_DATA at a folder holding tennis_atp/ and tennis_wta/ (Jeff Sackmann's layout;
see the README), for example:

    export COURTSIDE_DATA=/path/to/data      # or download it: courtside data sync
    make demo

The demo model is built once (well under a minute) and cached under {model}."""


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)


def fail(e: CourtsideError) -> typer.Exit:
    say(f"demo failed: {e}")
    return typer.Exit(2)


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
    try:
        history = match_history(cli_globals.home(), data)
    except ConfigError as e:
        console.print(NO_DATA.format(model=demo_model, why=e), markup=False, highlight=False)
        raise typer.Exit(1) from e
    from courtside.model.training import train_artifact

    console.print(
        f"building a demo model from the last {DEMO_SEASONS} seasons in {history} (cached in {demo_model})..."
    )
    t0 = time.perf_counter()
    train_artifact(recent_history(history, var / "history"), demo_model, progress=True)
    console.print(f"model built in {time.perf_counter() - t0:.0f} s")
    return demo_model


def demo(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="match-history folder  [default: $COURTSIDE_DATA, else the data cache]"),
    ] = None,
    model: Annotated[
        Path | None,
        typer.Option(help="model artifact folder (built here if missing)  [default: <home>/var/model]"),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="where the demo's journal, key and logs go  [default: <home>/var/demo]"),
    ] = None,
    var: Annotated[Path | None, typer.Option("--var", hidden=True)] = None,
    seed: Annotated[int, typer.Option(min=0, help="seed of the slate, the mispricings and the results")] = 7,
) -> None:
    """Simulated exchange on loopback, a day of matches between real players, a few mispricings;
    the AutoTrader in dry-run and then live (confirmed by flag), settlement and a P&L summary."""
    from courtside.app.logs import logging_to
    from courtside.app.wiring import load_model
    from courtside.demo.run import run_demo

    home = cli_globals.home()
    if var is not None:
        warn("--var is deprecated: use --out")
    folder = out or var or home.demo
    t0 = time.perf_counter()
    try:
        chosen = _model(model or home.model, data, folder)
        with logging_to(folder / "demo.log", console=False):
            predictor, registry = load_model(chosen)
            version = f"{predictor.artifact.version} ({chosen})"
            asyncio.run(
                run_demo(predictor, registry, folder, console, seed=seed, model=chosen, model_version=version)
            )
    except CourtsideError as e:
        raise fail(e) from e
    took = time.perf_counter() - t0
    console.print(f"demo done in {took:.1f} s; journal {folder / 'demo.db'}, log {folder / 'demo.log'}")
