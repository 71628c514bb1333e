"""`courtside model`: train the win-probability model, and judge it walking forward."""

from __future__ import annotations

import json
import time
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from courtside.app.home import match_history
from courtside.cli import globals as cli_globals
from courtside.cli.errors import say, warn
from courtside.domain.errors import CourtsideError
from courtside.model.walkforward import TrainConfig

model_app = typer.Typer(help="Train, update and evaluate the win-probability model.", no_args_is_help=True)
DATA_HELP = "folder with tennis_atp/, tennis_wta/ (and tennis_odds/)"


def register(app: typer.Typer) -> None:
    app.add_typer(model_app, name="model")


class Learner(StrEnum):
    LOGISTIC = "logistic"
    GBM = "gbm"


class Calibrator(StrEnum):
    TEMPERATURE = "temperature"
    ISOTONIC = "isotonic"
    NONE = "none"


class Refit(StrEnum):
    MONTHLY = "monthly"
    QUARTERLY = "quarterly"
    NONE = "none"


def _date(value: str, flag: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(datetime.strptime(value, "%Y-%m-%d"))
    except ValueError as e:
        raise typer.BadParameter(f"{value!r} is not a date YYYY-MM-DD", param_hint=f"'{flag}'") from e


def _config(learner: Learner, calibrator: Calibrator, refit: Refit, train_years: int) -> TrainConfig:
    return TrainConfig(
        learner=learner.value, calibrator=calibrator.value, refit=refit.value, train_years=train_years
    )


def _window(train_until: str, test_from: str, test_to: str | None) -> tuple[pd.Timestamp, ...]:
    """The training end and the test window, checked before any work: train < test, from <= to."""
    start, first = _date(train_until, "--train-until"), _date(test_from, "--test-from")
    last = _date(test_to, "--test-to") if test_to else None
    if first <= start:
        raise typer.BadParameter(
            f"{test_from} is not after --train-until {train_until}", param_hint="'--test-from'"
        )
    if last is not None and last < first:
        raise typer.BadParameter(f"{test_to} is before --test-from {test_from}", param_hint="'--test-to'")
    return (start, first) if last is None else (start, first, last)


def _fail(what: str, e: CourtsideError | str) -> typer.Exit:
    say(f"{what} failed: {e}")
    return typer.Exit(2)


LearnerOpt = Annotated[Learner, typer.Option(help="the learner")]
CalibratorOpt = Annotated[Calibrator, typer.Option(help="the calibration of its probabilities")]
YearsOpt = Annotated[int, typer.Option(min=1, help="years of history the learner sees")]
HistoryOpt = Annotated[
    Path | None,
    typer.Option(
        "--history", envvar="COURTSIDE_HISTORY", help="history store folder  [default: <home>/var/history]"
    ),
]
DataOpt = Annotated[
    Path | None,
    typer.Option("--data", help=f"{DATA_HELP}  [default: $COURTSIDE_DATA, else the data cache]"),
]


@model_app.command("evaluate")
def evaluate(
    train_until: Annotated[str, typer.Option("--train-until", metavar="DATE", help="last training date")],
    test_from: Annotated[str, typer.Option("--test-from", metavar="DATE", help="first test date")],
    test_to: Annotated[
        str | None,
        typer.Option("--test-to", metavar="DATE", help="last test date  [default: the data's end]"),
    ] = None,
    data: DataOpt = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="folder for report.json/.md and the plot  [default: <home>/var/evaluate]"),
    ] = None,
    report: Annotated[Path | None, typer.Option("--report", hidden=True)] = None,
    predictions: Annotated[
        Path | None,
        typer.Option(
            "--predictions", help="CSV of test predictions to write  [default: <out>/predictions.csv]"
        ),
    ] = None,
    learner: LearnerOpt = Learner.LOGISTIC,
    calibrator: CalibratorOpt = Calibrator.TEMPERATURE,
    refit: Annotated[Refit, typer.Option(help="learner refit schedule")] = Refit.MONTHLY,
    train_years: YearsOpt = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print report.json")] = False,
) -> None:
    """Train up to --train-until, then predict every test match (--test-from to --test-to) before
    learning its result."""
    from courtside.model.evaluate import run_evaluation, write_outputs
    from courtside.model.report import tables

    window = _window(train_until, test_from, test_to)
    config = _config(learner, calibrator, refit, train_years)
    if report is not None:
        warn("--report is deprecated: use --out")
    folder = out or report or cli_globals.home().var / "evaluate"
    csv = predictions or folder / "predictions.csv"
    last = window[2] if len(window) > 2 else None
    try:
        history = match_history(cli_globals.home(), data)
        pred, result = run_evaluation(
            history, window[0], window[1], last, config=config, progress=not as_json
        )
        write_outputs(pred, result, csv, folder)
    except CourtsideError as e:
        raise _fail("evaluate", e) from e
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2, default=str))
        return
    console = Console(soft_wrap=True)
    for table in tables(result):
        console.print(table)
    console.print(f"predictions: {csv}  report: {folder}")


@model_app.command("train")
def train(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help=f"{DATA_HELP}  [default: the history store, else $COURTSIDE_DATA, else the data cache]",
        ),
    ] = None,
    history: HistoryOpt = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="artifact folder to write  [default: <home>/var/model]")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", metavar="DATE", help="last match date used  [default: all]")
    ] = None,
    learner: LearnerOpt = Learner.LOGISTIC,
    calibrator: CalibratorOpt = Calibrator.TEMPERATURE,
    train_years: YearsOpt = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print meta.json")] = False,
) -> None:
    """Build ratings and features over the whole history and fit the learner: a model artifact.

    Reads the history store (every source: Sackmann, tennis-data, Kalshi results) when it has been
    ingested, unless --data names a folder; without a store, $COURTSIDE_DATA or the data cache."""
    from courtside.model.training import train_artifact, train_from_store
    from courtside.store.history import HistoryStore

    config = _config(learner, calibrator, Refit.NONE, train_years)
    cutoff = _date(until, "--until") if until else None
    home = cli_globals.home()
    store = HistoryStore(history or home.history)
    target = out or home.model
    t0 = time.perf_counter()
    try:
        folder = data if data is not None else (None if store.exists() else match_history(home, None))
        if folder is None:
            art = train_from_store(store, target, cutoff, config, progress=not as_json)
        else:
            art = train_artifact(folder, target, cutoff, config, progress=not as_json)
    except CourtsideError as e:
        raise _fail("train", e) from e
    if as_json:
        typer.echo(json.dumps(art.meta, indent=2, default=str))
        return
    Console(stderr=True, soft_wrap=True).print(
        f"model {art.version}: {art.meta['n_matches']} matches "
        f"{art.meta['data_from']}..{art.meta['data_to']}, results through {art.meta['results_through']}, "
        f"{len(art.players)} players, from {folder or store.root}, written to {target} "
        f"in {time.perf_counter() - t0:.1f}s"
    )


@model_app.command("update")
def update(
    model: Annotated[
        Path | None,
        typer.Option("--model", help="artifact folder to roll forward  [default: <home>/var/model]"),
    ] = None,
    history: HistoryOpt = None,
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

    home = cli_globals.home()
    store = HistoryStore(history or home.history)
    if not store.exists():
        raise _fail("update", f"no history store at {store.root}: run `courtside data ingest`")
    try:
        result = update_model(model or home.model, store, out)
    except CourtsideError as e:
        raise _fail("update", e) from e
    if as_json:
        typer.echo(json.dumps(result.as_dict(), indent=2))
        return
    Console().print(
        f"model {result.version}: {result.rolled} new results rolled in, "
        f"{result.players_added} players added, "
        f"results through {result.results_through} ({result.seconds:.1f}s)"
    )
