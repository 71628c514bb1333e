"""`courtside model`: train the win-probability model, and judge it walking forward."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console

from courtside.domain.errors import CourtsideError
from courtside.model.walkforward import REFIT_FREQ, TrainConfig

model_app = typer.Typer(help="Train and evaluate the win-probability model.", no_args_is_help=True)
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


@model_app.command("train")
def train(
    data: Annotated[Path, typer.Option("--data", envvar="COURTSIDE_DATA", help=DATA_HELP)],
    out: Annotated[Path, typer.Option("--out", help="artifact folder to write")] = Path("var/model"),
    until: Annotated[str | None, typer.Option("--until", help="last match date used (default: all)")] = None,
    learner: Annotated[str, typer.Option(help="logistic or gbm")] = "logistic",
    calibrator: Annotated[str, typer.Option(help="temperature, isotonic or none")] = "temperature",
    train_years: Annotated[int, typer.Option(help="years of history the learner sees")] = 20,
    as_json: Annotated[bool, typer.Option("--json", help="print meta.json")] = False,
) -> None:
    """Build ratings and features over the whole history and fit the learner: a model artifact."""
    from courtside.model.training import train_artifact

    console = Console(stderr=True)
    config = _config(learner, calibrator, "none", train_years)
    cutoff = _date(until, "--until") if until else None
    t0 = time.perf_counter()
    try:
        art = train_artifact(data, out, cutoff, config, progress=not as_json)
    except CourtsideError as e:
        console.print(f"[bold red]train failed:[/] {e}")
        raise typer.Exit(2) from e
    if as_json:
        typer.echo(json.dumps(art.meta, indent=2, default=str))
        return
    console.print(
        f"model {art.version}: {art.meta['n_matches']} matches "
        f"{art.meta['data_from']}..{art.meta['data_to']}, "
        f"{len(art.players)} players, written to {out} in {time.perf_counter() - t0:.1f}s"
    )
