"""The options given before the command name (`--home`, `-v`, `-q`, `--log-level`), kept for the
commands of this invocation; a command run without the root (a test's bare Typer) sees the defaults."""

from __future__ import annotations

import logging
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

import typer

from courtside.app.home import Home, resolve_home

LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


@dataclass(frozen=True, slots=True)
class GlobalOptions:
    home: Path | None = None  # --home
    log_level: int | None = None  # -v, -q or --log-level; None: the setting (INFO by default)

    @property
    def level_name(self) -> str | None:
        return None if self.log_level is None else logging.getLevelName(self.log_level)


GLOBAL: ContextVar[GlobalOptions | None] = ContextVar("courtside_global_options", default=None)


def console_level(*, verbose: bool, quiet: bool, log_level: str | None) -> int | None:
    """The level the flags ask for; exit 2 with one line for a contradiction or an unknown level."""
    if verbose and quiet:
        raise typer.BadParameter("-v and -q contradict each other: give one", param_hint="-v/-q")
    if log_level is not None:
        name = log_level.strip().upper()
        if name not in LEVELS:
            raise typer.BadParameter(
                f"{log_level!r} is not one of {', '.join(LEVELS)}", param_hint="'--log-level'"
            )
        return int(logging.getLevelName(name))
    if verbose:
        return logging.DEBUG
    if quiet:
        return logging.WARNING
    return None


def current() -> GlobalOptions:
    return GLOBAL.get() or GlobalOptions()


def home() -> Home:
    """The home folder of this invocation: --home, $COURTSIDE_HOME, the checkout or the user data dir."""
    return resolve_home(current().home)
