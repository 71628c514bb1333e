"""Loading the settings through pydantic-settings' sources, where each value came from, and a bad
value as one line naming the flag, the variable or the file key, and the allowed range."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import annotated_types as at
from pydantic import ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import DotEnvSettingsSource, EnvSettingsSource, InitSettingsSource

from courtside.app.config_toml import TomlSource, suggest
from courtside.app.home import Home, resolve_home
from courtside.app.settings import ENV_PREFIX, TOML_FILE, FlagsOnly, TraderSettings
from courtside.app.urls import redact_url
from courtside.domain.errors import ConfigError

CONFIG_NAME = "courtside.toml"  # read from the home folder when --config is not given
# COURTSIDE_* variables that are not trader settings but are read elsewhere
OTHER_VARIABLES = (
    "COURTSIDE_HOME",
    "COURTSIDE_DATA",
    "COURTSIDE_HISTORY",
    "COURTSIDE_BACKTEST_CACHE",
    "COURTSIDE_RECORDED",  # the tests' recorded Kalshi responses
    "COURTSIDE_E2E_MODEL",  # the acceptance test's model
)


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a setting's value came from: kind is flag, config, env, .env or default."""

    kind: str
    where: str  # the flag, the variable, the file key, or "default"


def flag_name(field: str) -> str:
    return "--" + field.replace("_", "-")


def env_name(field: str) -> str:
    return ENV_PREFIX + field.upper()


def config_file(config: Path | None, home: Home) -> Path | None:
    """--config FILE, else <home>/courtside.toml when there is one."""
    if config is not None:
        return config
    default = home.root / CONFIG_NAME
    return default if default.is_file() else None


@contextmanager
def _toml(path: Path | None) -> Iterator[None]:
    token = TOML_FILE.set(path)
    try:
        yield
    finally:
        TOML_FILE.reset(token)


def load_settings(config: Path | None = None, *, home: Home | None = None, **flags: Any) -> TraderSettings:
    """The settings in force: flags (None: not given) > TOML > environment > <home>/.env > defaults.
    A bad value raises ConfigError with one line naming its flag, variable or key and its range."""
    home = home or resolve_home(flags.pop("home", None))
    given = {k: v for k, v in flags.items() if v is not None}
    unknown = sorted(set(given) - set(TraderSettings.model_fields))
    if unknown:
        raise ConfigError(f"unknown settings: {', '.join(unknown)}")
    toml = config_file(config, home)
    with _toml(toml):
        try:
            return TraderSettings(_env_file=home.root / ".env", home=home.root, **given)
        except ValidationError as e:
            origins = origins_of(given, toml, home)
            raise ConfigError(describe_error(e, origins, given)) from e


def _source_values(
    given: Mapping[str, Any], toml: Path | None, home: Home
) -> list[tuple[str, dict[str, Any]]]:
    """Each source's own values, highest precedence first (the same sources the settings use, `live`
    and `confirm_live` taken out of all but the flags as there)."""
    cls = TraderSettings
    return [
        ("flag", InitSettingsSource(cls, dict(given))()),
        ("config", FlagsOnly(cls, TomlSource(cls, toml), warn=False)() if toml else {}),
        ("env", FlagsOnly(cls, EnvSettingsSource(cls), warn=False)()),
        (".env", FlagsOnly(cls, DotEnvSettingsSource(cls, env_file=home.root / ".env"), warn=False)()),
    ]


def origins_of(given: Mapping[str, Any], toml: Path | None, home: Home) -> dict[str, Origin]:
    """For every setting, the source its value comes from."""
    found: dict[str, Origin] = {}
    for kind, values in _source_values(given, toml, home):
        for name in values:
            if name in found or name == "home":
                continue
            where = {
                "flag": flag_name(name),
                "config": f"{name.replace('_', '-')} in {toml}",
                "env": env_name(name),
                ".env": f"{env_name(name)} in {home.root / '.env'}",
            }[kind]
            found[name] = Origin(kind, where)
    for name in TraderSettings.model_fields:
        found.setdefault(name, Origin("default", "default"))
    found["home"] = Origin("home", home.source.value)
    return found


def allowed(info: FieldInfo) -> str:
    """The allowed values of a setting, in words, from its type and constraints."""
    extra = info.json_schema_extra
    if isinstance(extra, dict) and "allowed" in extra:
        return str(extra["allowed"])
    kind = info.annotation
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "one of " + ", ".join(str(m.value) for m in kind)
    if kind is bool:
        return "true or false"
    if kind is Path:
        return "a path"
    bounds = []
    for m in info.metadata:
        for attr, sign in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            value = getattr(m, attr, None)
            if isinstance(m, at.Ge | at.Gt | at.Le | at.Lt | at.Interval) and value is not None:
                bounds.append(f"{sign} {value}")
        if isinstance(m, at.MinLen):
            bounds.append(f"at least {m.min_length} item")
    nouns: dict[object, str] = {int: "a whole number", float: "a number", Decimal: "a number"}
    noun = nouns.get(kind, "")
    return " ".join(filter(None, [noun, " and ".join(bounds)])) or "any value"


def _shown(value: Any) -> str:
    text = redact_url(value) if isinstance(value, str) else str(value)
    return repr(text) if not text or any(c.isspace() for c in text) else text


def describe_error(e: ValidationError, origins: Mapping[str, Origin], given: Mapping[str, Any]) -> str:
    """The first error as one line: `--max-size 0: must be a number ≥ 1 (maximum contracts per order)`."""
    err = e.errors()[0]
    loc = [str(p) for p in err["loc"]]
    name = loc[0] if loc else ""
    info = TraderSettings.model_fields.get(name)
    if info is None:  # a check across settings (the trading window)
        return str(err["msg"]).removeprefix("Value error, ")
    origin = origins.get(name, Origin("default", "default"))
    value = err.get("input", given.get(name))
    reason = str(err["msg"]).removeprefix("Value error, ").strip() if err["type"] == "value_error" else ""
    range_text = f"must be {allowed(info)}"
    return f"{origin.where} {_shown(value)}: {f'{reason}; ' if reason else ''}{range_text}"


def unknown_variables(environ: Mapping[str, str] | None = None) -> list[str]:
    """COURTSIDE_* variables that name no setting, each with a "did you mean"."""
    env = os.environ if environ is None else environ
    known = [env_name(f) for f in TraderSettings.model_fields] + list(OTHER_VARIABLES)
    return [
        f"{name} is not a setting{suggest(name, known)}"
        for name in sorted(env)
        if name.upper().startswith(ENV_PREFIX) and name.upper() not in known
    ]


def alert_destinations(urls: str) -> str:
    """The alert URLs as they may be shown: Apprise's privacy form (tokens masked)."""
    from courtside.alerts.destinations import destinations

    return " ".join(d.name for d in destinations(urls)) if urls else ""


def in_force(settings: TraderSettings) -> str:
    """Every setting as `name=value`, one line, for the log's start line; the database URL's password
    is redacted, the alert URLs masked and the dashboard token never shown (the Kalshi key is read from
    its own variables)."""
    values = settings.model_dump(mode="json")
    values["db"] = redact_url(settings.db)
    values["alerts"] = alert_destinations(settings.alerts)
    return " ".join(f"{k}={','.join(map(str, v)) if isinstance(v, list) else v}" for k, v in values.items())
