"""The settings described from the model itself: the commented example TOML of `courtside config
init` and the table of docs/configuration.md (a test keeps that page equal to this output)."""

from __future__ import annotations

from collections.abc import Collection
from enum import Enum
from typing import Any

from pydantic.fields import FieldInfo

from courtside.app.config import allowed, env_name, flag_name
from courtside.app.settings import TraderSettings

# defaults that depend on the home folder, as the documentation writes them
HOME_DEFAULTS = {
    "home": "the source checkout, else the user data dir",
    "db": "sqlite:///<home>/var/courtside.db",
    "model": "<home>/var/model",
    "kill_file": "<home>/var/KILL",
    "log_file": "<home>/logs/auto_trader.log",
}
NOT_IN_FILE = ("home",)  # read before the file is found: --home or COURTSIDE_HOME only
ROOT_FLAGS = {"home": "`--home`", "log_level": "`--log-level`, `-v`, `-q`"}  # before the command name


def default_text(name: str, info: FieldInfo) -> str:
    """A setting's default as a person reads it."""
    if name in HOME_DEFAULTS:
        return HOME_DEFAULTS[name]
    value = info.get_default(call_default_factory=True)
    if value is None or value == "":
        return "none"
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, Enum):
        return f'"{value.value}"'
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    if isinstance(value, int | float):
        return str(value)
    return f'"{value}"'


def example_toml() -> str:
    """Every setting commented out at its default, with what it does and its range."""
    lines = [
        "# courtside settings. Precedence, lowest first: defaults, <home>/.env, COURTSIDE_* variables,",
        "# this file (--config FILE, else <home>/courtside.toml), command-line flags.",
        "# Uncomment a line to change it. docs/configuration.md describes every setting.",
        "",
        "[trader]",
    ]
    for name, info in TraderSettings.model_fields.items():
        if name in NOT_IN_FILE:
            continue
        key = name.replace("_", "-")
        lines.append(f"# {info.description}; {allowed(info)}")
        if name in HOME_DEFAULTS:
            lines.append(f'# {key} = "{HOME_DEFAULTS[name]}"')
        else:
            lines.append(f"# {key} = {_toml_value(info.get_default(call_default_factory=True))}")
        lines.append("")
    return "\n".join(lines)


def markdown_table(flags: Collection[str]) -> str:
    """One row per setting: its flag (when `courtside trade` has one: `flags`), the variable, the
    default and the allowed values."""
    rows = [
        "| setting (TOML key) | flag | variable | default | allowed | what it does |",
        "|---|---|---|---|---|---|",
    ]
    for name, info in TraderSettings.model_fields.items():
        key = "-" if name in NOT_IN_FILE else f"`{name.replace('_', '-')}`"
        cells = (
            key,
            ROOT_FLAGS.get(name) or (f"`{flag_name(name)}`" if name in flags else "-"),
            f"`{env_name(name)}`",
            f"`{default_text(name, info)}`",
            allowed(info).replace("|", "\\|"),
            (info.description or "").replace("|", "\\|"),
        )
        rows.append("| " + " | ".join(cells) + " |")
    return "\n".join(rows)
