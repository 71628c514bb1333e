"""Where each command group is attached to the main app (one line per group)."""

from __future__ import annotations

import typer


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
