"""`courtside model`: train the win-probability model, and judge it walking forward."""

from __future__ import annotations

import json
import os
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from courtside.domain.errors import CourtsideError
from courtside.model.walkforward import REFIT_FREQ, TrainConfig
from courtside.store.history import DEFAULT_HISTORY

model_app = typer.Typer(help="Train, update and evaluate the win-probability model.", no_args_is_help=True)
DATA_HELP = "folder with tennis_atp/, tennis_wta/ (and tennis_odds/)"


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")


def _date(value: str, flag: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(datetime.strptime(value, "%Y-%m-%d"))
    except ValueError as e:
        raise typer.BadParameter(f"{flag} must be YYYY-MM-DD, got {value!r}") from e


def _config(learner: str, calibrator: str, refit: str, train_years: int) -> TrainConfig:
    if refit not in REFIT_FREQ:
        raise typer.BadParameter(f"--refit must be one of {sorted(REFIT_FREQ)}")
    return TrainConfig(learner=learner, calibrator=calibrator, refit=refit, train_years=train_years)


@model_app.command("evaluate")
def evaluate(
    data: Annotated[Path, typer.Option("--data", envvar="COURTSIDE_DATA", help=DATA_HELP)],
    train_until: Annotated[str, typer.Option("--train-until", help="last training date, YYYY-MM-DD")],
    test_from: Annotated[str, typer.Option("--test-from", help="first test date, YYYY-MM-DD")],
    predictions: Annotated[Path, typer.Option("--predictions", help="CSV of test predictions to write")],
    report: Annotated[Path, typer.Option("--report", help="folder for report.json/.md and the plot")],
    test_to: Annotated[
        str | None, typer.Option("--test-to", help="last test date (default: data end)")
    ] = None,
    learner: Annotated[str, typer.Option(help="logistic or gbm")] = "logistic",
    calibrator: Annotated[str, typer.Option(help="temperature, isotonic or none")] = "temperature",
    refit: Annotated[str, typer.Option(help="learner refit schedule: monthly, quarterly, none")] = "monthly",
    train_years: Annotated[int, typer.Option(help="years of history the learner sees")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print report.json")] = False,
) -> None:
    """Train up to --train-until, then predict every test match before learning its result."""
    from courtside.model.evaluate import run_evaluation, write_outputs
    from courtside.model.report import tables

    console = Console(stderr=True)
    config = _config(learner, calibrator, refit, train_years)
    start = _date(train_until, "--train-until")
    first, last = _date(test_from, "--test-from"), _date(test_to, "--test-to") if test_to else None
    try:
        pred, result = run_evaluation(data, start, first, last, config=config, progress=not as_json)
        write_outputs(pred, result, predictions, report)
    except CourtsideError as e:
        console.print(f"[bold red]evaluate failed:[/] {e}")
        raise typer.Exit(2) from e
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
        return
    out = Console()
    for table in tables(result):
        out.print(table)
    out.print(f"predictions: {predictions}  report: {report}")


HistoryOpt = Annotated[
    Path,
    typer.Option("--history", envvar="COURTSIDE_HISTORY", help="history store folder (data ingest/sync)"),
]


@model_app.command("train")
def train(
    data: Annotated[
        Path | None,
        typer.Option("--data", help=f"{DATA_HELP}; default: the history store, else $COURTSIDE_DATA"),
    ] = None,
    history: HistoryOpt = DEFAULT_HISTORY,
    out: Annotated[Path, typer.Option("--out", help="artifact folder to write")] = Path("var/model"),
    until: Annotated[str | None, typer.Option("--until", help="last match date used (default: all)")] = None,
    learner: Annotated[str, typer.Option(help="logistic or gbm")] = "logistic",
    calibrator: Annotated[str, typer.Option(help="temperature, isotonic or none")] = "temperature",
    train_years: Annotated[int, typer.Option(help="years of history the learner sees")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print meta.json")] = False,
) -> None:
    """Build ratings and features over the whole history and fit the learner: a model artifact.

    Reads the history store (every source: Sackmann, tennis-data, Kalshi results) when it has been
    ingested, unless --data names a folder; without a store, the folder in $COURTSIDE_DATA."""
    from courtside.model.training import train_artifact, train_from_store
    from courtside.store.history import HistoryStore

    console = Console(stderr=True)
    config = _config(learner, calibrator, "none", train_years)
    cutoff = _date(until, "--until") if until else None
    store = HistoryStore(history)
    folder = data if data is not None else (None if store.exists() else _env_data())
    t0 = time.perf_counter()
    try:
        if folder is None:
            art = train_from_store(store, out, cutoff, config, progress=not as_json)
        else:
            art = train_artifact(folder, out, cutoff, config, progress=not as_json)
    except CourtsideError as e:
        console.print(f"[bold red]train failed:[/] {e}")
        raise typer.Exit(2) from e
    if as_json:
        typer.echo(json.dumps(art.meta, indent=2, default=str))
        return
    console.print(
        f"model {art.version}: {art.meta['n_matches']} matches "
        f"{art.meta['data_from']}..{art.meta['data_to']}, results through {art.meta['results_through']}, "
        f"{len(art.players)} players, from {folder or history}, written to {out} "
        f"in {time.perf_counter() - t0:.1f}s"
    )


def _env_data() -> Path:
    env = os.environ.get("COURTSIDE_DATA")
    if not env:
        Console(stderr=True).print(
            "[bold red]train failed:[/] no history store and no data folder: run `courtside data ingest` "
            "(or `data sync`), or pass --data DIR"
        )
        raise typer.Exit(2)
    return Path(env)


@model_app.command("update")
def update(
    model: Annotated[Path, typer.Option("--model", help="artifact folder to roll forward")] = Path(
        "var/model"
    ),
    history: HistoryOpt = DEFAULT_HISTORY,
    out: Annotated[
        Path | None, typer.Option("--out", help="write the new version here (default: in place)")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="machine-readable output")] = False,
) -> None:
    """Roll the model's ratings through every stored result it has not learned (seconds, no retraining).

    Prints the newest result it has learned from. Sync first (`courtside data sync`) to bring results
    up to yesterday."""
    from courtside.model.update import update_model
    from courtside.store.history import HistoryStore

    store = HistoryStore(history)
    if not store.exists():
        Console(stderr=True).print(
            f"[bold red]update failed:[/] no history store at {history}: run `courtside data ingest`"
        )
        raise typer.Exit(2)
    try:
        result = update_model(model, store, out)
    except CourtsideError as e:
        Console(stderr=True).print(f"[bold red]update failed:[/] {e}")
        raise typer.Exit(2) from e
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    Console().print(
        f"model {result.version}: {result.rolled} new results rolled in, "
        f"{result.players_added} players added, "
        f"results through {result.results_through} ({result.seconds:.1f}s)"
    )
