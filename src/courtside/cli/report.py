"""`courtside report`: P&L, CLV, calibration and exposure of the trader's journal (dry-run or live)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from courtside.cli.common import ConfigOpt, DbOpt, EnvOpt, fail, journal_or_exit, settings_or_exit
from courtside.cli.status import ModeOpt
from courtside.domain.errors import CourtsideError
from courtside.domain.mode import Mode
from courtside.reports.metrics import summarise
from courtside.reports.performance import bets_of, journal_fills, write_journal_report
from courtside.reports.tables import summary_table


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    out: Annotated[
        Path | None,
        typer.Option("--out", help="folder for summary.json and the plots  [default: <home>/var/report]"),
    ] = None,
    mode: ModeOpt = Mode.PAPER,
    env: EnvOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
    bankroll: Annotated[
        str, typer.Option(metavar="NUMBER", help="starting bankroll for drawdown and Sharpe ($); > 0")
    ] = "1000",
    seed: Annotated[int, typer.Option(min=0, help="bootstrap seed")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="print summary.json")] = False,
) -> None:
    """Score the journal: P&L, CLV against the price at the match start, calibration, exposure.
    Reads only: a missing journal is an error."""
    console = Console(stderr=as_json, soft_wrap=True)
    try:
        start = Decimal(bankroll)
    except InvalidOperation as e:
        raise typer.BadParameter(f"{bankroll!r} is not a number", param_hint="'--bankroll'") from e
    if not start.is_finite() or start <= 0:
        raise typer.BadParameter(f"{bankroll} must be > 0", param_hint="'--bankroll'")
    s = settings_or_exit(config, db=db, env=env)
    journal = journal_or_exit(s, mode, read_only=True)
    folder = out or s.paths.report
    try:
        summary = write_journal_report(journal, folder, start, seed=seed)
        figures = summarise(bets_of(journal_fills(journal)), start, seed=seed)
    except CourtsideError as e:
        raise fail(e) from e
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    extra = {
        "fills (settled / open)": f"{summary['settled_fills']} / {summary['open_fills']}",
        "open cost ($)": str(summary["open_cost"]),
    }
    console.print(summary_table(figures, title=f"journal ({mode.value})", extra=extra))
    console.print(f"report written to {folder}")
