"""What the trader's command modules share: the consoles, the common options, tables, settings and
the journal, each failing as a CLI does (a red error and exit status 2)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from courtside.app.settings import TraderSettings, load_settings
from courtside.domain.errors import CourtsideError
from courtside.domain.mode import Mode
from courtside.store.db import make_engine
from courtside.store.journal import Journal

console = Console()
err_console = Console(stderr=True)

Opt = typer.Option
ConfigOpt = Annotated[Path | None, Opt("--config", help="TOML file of settings (flags win over it)")]
DbOpt = Annotated[str | None, Opt("--db", help="SQLAlchemy URL of the journal [sqlite:///var/courtside.db]")]
EnvOpt = Annotated[str | None, Opt("--env", help="prod | demo | a REST base URL (the simulator) [prod]")]


def new_table(*headers: str) -> Table:
    """Columns wrap rather than cut: a ticker or client_order_id is useless with an ellipsis in it."""
    table = Table()
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def fail(e: CourtsideError) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {e}")
    return typer.Exit(2)


def settings_or_exit(config: Path | None, **flags: Any) -> TraderSettings:
    try:
        return load_settings(config, **flags)
    except CourtsideError as e:
        raise fail(e) from e


def journal_or_exit(db: str | None, config: Path | None, mode: Mode = Mode.PAPER) -> Journal:
    s = settings_or_exit(config, db=db)
    try:
        return Journal(make_engine(s.db), mode)
    except CourtsideError as e:
        raise fail(e) from e
