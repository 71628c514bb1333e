"""Where each command group is attached to the main app (one line per group)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the sub-commands of every group that exists."""
    from courtside.cli import doctor

    doctor.register(app)
