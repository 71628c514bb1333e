"""What the trader's command modules share: the consoles, the common options (each setting's flag
with its help, range and default taken from the settings model), settings and the journal, each
failing as a CLI does (one `error:` line and exit status 2)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from courtside.app.config import allowed, flag_name, load_settings, unknown_variables
from courtside.app.settings import TraderSettings
from courtside.cli import globals as cli_globals
from courtside.cli.errors import say, warn
from courtside.domain.errors import CourtsideError
from courtside.domain.mode import Mode
from courtside.kalshi.env import exchange_id
from courtside.store.db import make_engine, missing_journal
from courtside.store.journal import Journal

if TYPE_CHECKING:  # app.run pulls in the model stack: only for the type
    from courtside.app.run import Overrides

console = Console(soft_wrap=True)  # piped output is never wrapped at 80 columns
err_console = Console(stderr=True, soft_wrap=True)

Opt = typer.Option
# defaults that live in the home folder, as help shows them
HOME_DEFAULTS = {
    "db": "sqlite:///<home>/var/courtside.db",
    "model": "<home>/var/model",
    "kill_file": "<home>/var/KILL",
    "log_file": "<home>/logs/auto_trader.log",
}
METAVARS = {Decimal: "NUMBER", float: "NUMBER", int: "INTEGER", Path: "PATH", str: "TEXT"}


def _metavar(name: str, kind: Any) -> str:
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "[" + "|".join(str(m.value) for m in kind) + "]"
    return {"env": "EXCHANGE", "db": "URL"}.get(name) or METAVARS.get(kind, "NUMBER")


def setting(name: str, *decls: str, hidden: bool = False) -> Any:
    """The flag of one setting: its help and allowed range from the model, its default shown."""
    info = TraderSettings.model_fields[name]
    default = HOME_DEFAULTS.get(name)
    if default is None:
        value = info.get_default(call_default_factory=True)
        default = "none" if value is None else str(value.value if isinstance(value, Enum) else value)
    description = info.description or ""
    kind = info.annotation
    text = description if kind is bool else f"{description}; {allowed(info)}  [default: {default}]"
    return typer.Option(
        *(decls or (flag_name(name),)),
        help=text,
        metavar=None if kind is bool else _metavar(name, kind),
        show_default=False,
        hidden=hidden,
    )


ConfigOpt = Annotated[
    Path | None,
    Opt("--config", help="TOML file of settings (flags win over it)  [default: <home>/courtside.toml]"),
]
DbOpt = Annotated[str | None, setting("db")]
EnvOpt = Annotated[str | None, setting("env", "--env", "--exchange")]


@dataclass
class CliContext:
    """What a test may inject into the commands (predictor, registry, auth, clock, transport)."""

    overrides: Overrides | None = None


STATE = CliContext()


def fail(e: CourtsideError | str) -> typer.Exit:
    say(str(e))
    return typer.Exit(2)


_WARNED: set[str] = set()


def settings_or_exit(config: Path | None, **flags: Any) -> TraderSettings:
    """The settings in force, or one line naming the bad flag, variable or key and exit 2. A COURTSIDE_*
    variable that names no setting is a warning with a "did you mean" (once per process)."""
    for note in unknown_variables():
        if note not in _WARNED:
            _WARNED.add(note)
            warn(note)
    options = cli_globals.current()
    if options.level_name is not None and flags.get("log_level") is None:
        flags["log_level"] = options.level_name
    try:
        return load_settings(config, home=cli_globals.home(), **flags)
    except CourtsideError as e:
        raise fail(e) from e


def journal_or_exit(
    s: TraderSettings, mode: Mode = Mode.PAPER, *, read_only: bool = False, exchange: str | None = None
) -> Journal:
    """The journal of these settings (of `exchange`, else the configured one); a read-only command on a
    journal that does not exist says so and creates nothing."""
    if read_only and (missing := missing_journal(s.db)) is not None:
        raise fail(f"no journal at {missing} (home {s.home}): nothing was traded with this home or --db yet")
    try:
        return Journal(make_engine(s.db), mode, exchange=exchange or exchange_id(s.env))
    except CourtsideError as e:
        raise fail(e) from e
