"""`courtside config show | init`: the settings in force and where each came from; a commented
example file to start from."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from courtside.app.config import alert_destinations, config_file, origins_of
from courtside.app.config_docs import example_toml
from courtside.app.urls import redact_url
from courtside.cli import globals as cli_globals
from courtside.cli.common import ConfigOpt, Opt, console, fail, settings_or_exit
from courtside.cli.output import show_table

config_app = typer.Typer(
    help="The settings: those in force and where each came from; an example file.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
CREDENTIALS = ("KALSHI_API_KEY_ID", "KALSHI_PRIVATE_KEY_PATH")


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config")


def _shown(name: str, value: Any) -> str:
    if name == "db":
        return redact_url(str(value))
    if name == "alerts":
        return alert_destinations(str(value))  # the URLs hold tokens: Apprise's privacy form
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(getattr(value, "value", value))


def _credentials() -> dict[str, str]:
    """Whether the Kalshi credentials are set; the key id itself is never shown."""
    key_id = os.environ.get(CREDENTIALS[0])
    key_path = os.environ.get(CREDENTIALS[1])
    return {
        CREDENTIALS[0]: "set (redacted)" if key_id else "not set",
        CREDENTIALS[1]: key_path or "not set",
    }


@config_app.command("show")
def show(
    config: ConfigOpt = None,
    json_out: Annotated[bool, Opt("--json", help="one JSON object: each setting's value and source")] = False,
) -> None:
    """Every setting in force, its value (secrets redacted) and where it came from: flag, config
    file, environment, .env or default."""
    s = settings_or_exit(config)
    home = cli_globals.home()
    toml = config_file(config, home)
    origins = origins_of({}, toml, home)
    values = s.model_dump()
    rows = [(name, _shown(name, values[name]), origins[name].where) for name in values]
    if json_out:
        plain = {**s.model_dump(mode="json"), "db": redact_url(s.db), "alerts": alert_destinations(s.alerts)}
        settings = {name: {"value": plain[name], "source": source} for name, _, source in rows}
        payload = {"home": str(s.home), "config_file": str(toml) if toml else None, "settings": settings}
        typer.echo(json.dumps({**payload, "credentials": _credentials()}))
        return
    console.print(f"home: {home.describe()}", markup=False)
    console.print(f"config file: {toml or 'none'}", markup=False)
    show_table(console, ("setting", "value", "from"), rows)
    for name, state in _credentials().items():
        console.print(f"{name}: {state}", markup=False)


@config_app.command("init")
def init(
    out: Annotated[
        Path | None,
        Opt("--out", help="file to write, - for stdout  [default: <home>/courtside.toml]"),
    ] = None,
    force: Annotated[bool, Opt("--force", help="replace an existing file")] = False,
) -> None:
    """Write a commented example config file: every setting at its default, with its range."""
    text = example_toml()
    if out is not None and str(out) == "-":
        typer.echo(text)
        return
    target = out or cli_globals.home().root / "courtside.toml"
    if target.exists() and not force:
        raise fail(f"{target} exists: pass --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    console.print(f"wrote {target}", markup=False)
