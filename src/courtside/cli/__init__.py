"""The typer application: `courtside [--home DIR] [-v|-q|--log-level L] <group> <command>`.

Each command group lives in its own module and is registered here; only the CLI and app/
know which concrete exchange, store and clock are wired in. `main()` is the one place a usage error
becomes one line on stderr (`error: ...`, exit 2) and an unexpected exception a logged traceback.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated

import typer

from courtside import __version__
from courtside.cli.globals import GLOBAL, GlobalOptions, console_level

app = typer.Typer(
    name="courtside",
    help="Kalshi tennis trading: scan, price, trade (dry-run by default), backtest and report.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 120},
)
COMPLETE_VAR = "_COURTSIDE_COMPLETE"


def _version(value: bool) -> None:
    if value:
        typer.echo(f"courtside {__version__}")
        raise typer.Exit(0)


@app.callback()
def root(
    ctx: typer.Context,
    home: Annotated[
        Path | None,
        typer.Option(
            "--home",
            help="folder of all state (journal, kill file, logs, models, data cache)  [default: "
            "$COURTSIDE_HOME, else the source checkout, else the user data dir]",
            show_default=False,
        ),
    ] = None,
    verbose: Annotated[bool, typer.Option("-v", "--verbose", help="log DEBUG and up")] = False,
    quiet: Annotated[bool, typer.Option("-q", "--quiet", help="log WARNING and up")] = False,
    log_level: Annotated[
        str | None,
        typer.Option(
            "--log-level", metavar="LEVEL", help="DEBUG, INFO, WARNING or ERROR [INFO]", show_default=False
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """Options every command shares; they go before the command name."""
    level = console_level(verbose=verbose, quiet=quiet, log_level=log_level)
    token = GLOBAL.set(GlobalOptions(home=home, log_level=level))
    ctx.call_on_close(lambda: GLOBAL.reset(token))
    logging.getLogger("courtside").setLevel(level or logging.INFO)


def _completion_words() -> list[str]:
    """The words typed so far when the shell asks for completions (bash: COMP_WORDS; zsh, fish and
    PowerShell: _TYPER_COMPLETE_ARGS), without the program name."""
    from typer._click.shell_completion import split_arg_string

    line = os.environ.get("COMP_WORDS") or os.environ.get("_TYPER_COMPLETE_ARGS", "")
    return split_arg_string(line)[1:]


def _register(args: Sequence[str]) -> None:
    """Attach the command groups; imported lazily so `courtside --help` and the journal commands
    stay fast. Completion registers what the words typed so far need, at every level."""
    from courtside.cli import registry

    words = _completion_words() if os.environ.get(COMPLETE_VAR) else list(args)
    registry.register_for(app, words)


def main(argv: Sequence[str] | None = None) -> None:
    """The `courtside` console script."""
    from courtside.cli.errors import run

    args = list(sys.argv[1:] if argv is None else argv)
    _register(args)
    sys.exit(run(app, args))
