"""The typer application: `courtside <group> <command>`.

Each command group lives in its own module and is registered here; only the CLI and app/
know which concrete exchange, store and clock are wired in.
"""

from __future__ import annotations

import sys

import typer

app = typer.Typer(
    name="courtside",
    help="Kalshi tennis trading: scan, price, trade (dry-run by default), backtest and report.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _register() -> None:
    """Attach every command group; imported lazily so `courtside --help` stays fast."""
    from courtside.cli import registry

    registry.register_for(app, sys.argv[1:])


def main() -> None:
    _register()
    app()
