"""Where each command group is attached to the main app (one line per group)."""

from __future__ import annotations

import importlib
from collections.abc import Sequence

import typer

# command (or group) name -> the module that registers it; only that one is imported for a
# journal command, so `courtside status` does not load the model stack of the others.
OWNERS = {
    "data": "data",
    "sim": "sim",
    "trade": "trade",
    "scan": "trade",
    "unmatched": "trade",
    "kill": "trade",
    "resume": "trade",
    "status": "trade",
    "fund": "trade",
    "model": "model",
}  # a module with a single command is not listed: alone it would become the root command


def register_for(app: typer.Typer, argv: Sequence[str]) -> None:
    """Register only the group that owns the command in argv; every group for help or anything else."""
    first = next((a for a in argv if not a.startswith("-")), None)
    owner = OWNERS.get(first) if first is not None else None
    if owner is None:
        register(app)
        return
    importlib.import_module(f"courtside.cli.{owner}").register(app)


def register(app: typer.Typer) -> None:
    """Add the sub-commands of every group that exists."""
    from courtside.cli import backtest, doctor, report
    from courtside.cli import data as data_cli
    from courtside.cli import demo as demo_cli
    from courtside.cli import model as model_cli
    from courtside.cli import sim as sim_cli
    from courtside.cli import trade as trade_cli

    doctor.register(app)
    data_cli.register(app)
    backtest.register(app)
    report.register(app)
    sim_cli.register(app)
    trade_cli.register(app)
    model_cli.register(app)
    demo_cli.register(app)
