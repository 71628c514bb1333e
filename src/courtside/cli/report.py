"""`courtside report`: P&L, CLV, calibration and exposure of the trader's journal (dry-run or live)."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from courtside.domain.errors import CourtsideError
from courtside.domain.mode import Mode
from courtside.reports.metrics import summarise
from courtside.reports.performance import bets_of, journal_fills, write_journal_report
from courtside.reports.tables import summary_table
from courtside.store.db import DEFAULT_URL, make_engine
from courtside.store.journal import Journal


def _missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file a URL names when it does not exist (opening it would create an empty journal)."""
    if not url.startswith("sqlite:///") or url.startswith("sqlite:///:memory:"):
        return None
    path = Path(url.removeprefix("sqlite:///"))
    return None if path.exists() else path


def register(app: typer.Typer) -> None:
    app.command("report")(report)


def report(
    out: Annotated[Path, typer.Option("--out", help="folder for summary.json and the plots")] = Path(
        "var/report"
    ),
    db: Annotated[str, typer.Option(envvar="COURTSIDE_DB", help="journal database URL")] = DEFAULT_URL,
    mode: Annotated[Mode, typer.Option(help="paper (dry-run) or live journal")] = Mode.PAPER,
    bankroll: Annotated[str, typer.Option(help="starting bankroll for drawdown and Sharpe ($)")] = "1000",
    seed: Annotated[int, typer.Option(help="bootstrap seed")] = 7,
    as_json: Annotated[bool, typer.Option("--json", help="print summary.json")] = False,
) -> None:
    """Score the journal: P&L, CLV against the price at the match start, calibration, exposure."""
    console = Console(stderr=as_json)
    try:
        start = Decimal(bankroll)
    except InvalidOperation as e:
        raise typer.BadParameter(f"{bankroll!r} is not a number") from e
    missing = _missing_sqlite_file(db)
    if missing is not None:
        console.print(f"[bold red]report failed:[/] no journal at {missing}: pass --db (or COURTSIDE_DB)")
        raise typer.Exit(2)
    try:
        journal = Journal(make_engine(db), mode)
        summary = write_journal_report(journal, out, start, seed=seed)
        figures = summarise(bets_of(journal_fills(journal)), start, seed=seed)
    except CourtsideError as e:
        console.print(f"[bold red]report failed:[/] {e}")
        raise typer.Exit(2) from e
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    extra = {
        "fills (settled / open)": f"{summary['settled_fills']} / {summary['open_fills']}",
        "open cost ($)": str(summary["open_cost"]),
    }
    console.print(summary_table(figures, title=f"journal ({mode.value})", extra=extra))
    console.print(f"report written to {out}")
