"""Where each command group is attached to the main app (one line per group)."""

from __future__ import annotations

import ast
import importlib
import importlib.util
from collections.abc import Sequence
from pathlib import Path

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
    "cancel-all": "trade",
    "resume": "trade",
    "status": "trade",
    "dashboard": "trade",
    "fund": "trade",
    "model": "model",
    "config": "config",
}  # a module with a single command is not listed: alone it would become the root command


# Modules whose import loads pandas/sklearn: for the bare `courtside --help` they are listed from
# their source (the command's docstring, the group's help=) instead of being imported.
HEAVY = {"backtest": "command", "report": "command", "data": "group", "model": "group"}


GLOBAL_VALUE_OPTIONS = ("--home", "--log-level")  # root options that take a value


def command_name(argv: Sequence[str]) -> str | None:
    """The first word of argv that is not a root option or its value: the command named."""
    words = iter(argv)
    for word in words:
        if word in GLOBAL_VALUE_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def register_for(app: typer.Typer, argv: Sequence[str]) -> None:
    """Register only the group that owns the command in argv; every group otherwise (a listing
    only, without the heavy modules, when no command is named at all)."""
    first = command_name(argv)
    owner = OWNERS.get(first) if first is not None else None
    if owner is not None:
        importlib.import_module(f"courtside.cli.{owner}").register(app)
    else:
        register(app, listing_only=first is None)
    plain_help(app)


def plain_help(app: typer.Typer) -> None:
    """Every group's help in click's plain format, like the root's: full option names, defaults in
    brackets, wrapped to the terminal (typer's rich panels cut names and eat [brackets])."""
    for group in app.registered_groups:
        if group.typer_instance is not None:
            group.typer_instance.rich_markup_mode = None


def _typer_help(node: ast.stmt, name: str) -> str | None:
    """help= of `<name>_app = typer.Typer(help=...)`, or None when node is something else."""
    if not isinstance(node, ast.Assign) or not isinstance(node.value, ast.Call):
        return None
    if not any(isinstance(t, ast.Name) and t.id == f"{name}_app" for t in node.targets):
        return None
    helps = [
        kw.value.value
        for kw in node.value.keywords
        if kw.arg == "help" and isinstance(kw.value, ast.Constant)
    ]
    return str(helps[0]) if helps else ""


def _summary(module: str, name: str) -> str:
    """The help a module gives `name` (a function's docstring or its Typer's help=), read from its
    source without importing it."""
    spec = importlib.util.find_spec(f"courtside.cli.{module}")
    if spec is None or spec.origin is None:
        return ""
    for node in ast.parse(Path(spec.origin).read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return ast.get_docstring(node) or ""
        found = _typer_help(node, name)
        if found is not None:
            return found
    return ""


def _listed(app: typer.Typer, name: str) -> None:
    """A stand-in that only shows in the help listing (the real module is loaded to run it)."""
    help_text = _summary(name, name)
    if HEAVY[name] == "group":
        app.add_typer(typer.Typer(help=help_text, rich_markup_mode=None), name=name)
        return

    def stand_in() -> None:  # never runs: a named command registers the real module
        raise typer.Exit(2)

    app.command(name, help=help_text)(stand_in)


def register(app: typer.Typer, *, listing_only: bool = False) -> None:
    """Add the sub-commands of every group that exists."""
    from courtside.cli import config as config_cli
    from courtside.cli import demo as demo_cli
    from courtside.cli import doctor
    from courtside.cli import sim as sim_cli
    from courtside.cli import trade as trade_cli

    if listing_only:
        doctor.register(app)
        _listed(app, "data")
        _listed(app, "backtest")
        _listed(app, "report")
        sim_cli.register(app)
        trade_cli.register(app)
        _listed(app, "model")
        demo_cli.register(app)
        config_cli.register(app)
        return
    from courtside.cli import backtest, report
    from courtside.cli import data as data_cli
    from courtside.cli import model as model_cli

    doctor.register(app)
    data_cli.register(app)
    backtest.register(app)
    report.register(app)
    sim_cli.register(app)
    trade_cli.register(app)
    model_cli.register(app)
    demo_cli.register(app)
    config_cli.register(app)
