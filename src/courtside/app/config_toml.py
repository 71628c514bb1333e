"""The settings' TOML file as a pydantic-settings source: top-level keys or a [trader] table, named
like the settings (dashes or underscores); an unknown key is an error with a "did you mean"."""

from __future__ import annotations

import difflib
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic_settings import InitSettingsSource

from courtside.domain.errors import ConfigError

if TYPE_CHECKING:
    from pydantic_settings import BaseSettings

TABLE = "trader"


def suggest(name: str, known: list[str]) -> str:
    """' (did you mean X?)' for the closest known name, or ''."""
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return f" (did you mean {close[0]}?)" if close else ""


def read_table(path: Path, fields: list[str]) -> dict[str, Any]:
    """The settings a TOML file sets, keys as field names; ConfigError for an unreadable file, a
    [trader] that is not a table, or a key that names no setting."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"config file {path}: cannot read it: {e}") from e
    table = data.get(TABLE, data)
    if not isinstance(table, dict):
        raise ConfigError(f"config file {path}: [{TABLE}] must be a table")
    for key in table:
        if str(key).replace("-", "_") not in fields:
            spelled = [f.replace("_", "-") if "-" in str(key) else f for f in fields]
            raise ConfigError(f"config file {path}: unknown setting {key!r}{suggest(str(key), spelled)}")
    return {str(k).replace("-", "_"): v for k, v in table.items()}


class TomlSource(InitSettingsSource):
    """pydantic-settings' init source over the file's values (no file: no values)."""

    def __init__(self, settings_cls: type[BaseSettings], path: Path | None) -> None:
        self.path = path
        fields = [f for f in settings_cls.model_fields if f != "home"]
        super().__init__(settings_cls, read_table(path, fields) if path is not None else {})

    def __repr__(self) -> str:
        return f"TomlSource({self.path})"
