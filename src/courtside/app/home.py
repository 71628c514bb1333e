"""The one folder that holds all of courtside's state, found the same from any working directory.

Resolution, first match wins: the `--home` flag, `$COURTSIDE_HOME`, the source checkout courtside
runs from (the package imported from `<repo>/src/courtside` next to a pyproject.toml naming
courtside: the checkout root, so `python scripts/trading/run_auto_trader.py` keeps logging to the
checkout's `logs/`), otherwise the platform's user data dir (platformdirs). Inside it:

    logs/auto_trader.log   the trader's log         var/courtside.db   the journal
    var/KILL               the kill-switch file     var/model          the model artifact
    var/cache/data         the downloaded files     var/history        the match-history store (Parquet)
    var/demo               `courtside demo`'s state var/report         `courtside report`'s output
"""

from __future__ import annotations

import logging
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import platformdirs

import courtside
from courtside.domain.errors import ConfigError

log = logging.getLogger("courtside")
HOME_VAR = "COURTSIDE_HOME"
DATA_VAR = "COURTSIDE_DATA"
# where `courtside data sync` wrote before the home folder existed: still read, with a note to move it
LEGACY_CACHE = Path("~/.cache/courtside/data")
APP_NAME = "courtside"


class HomeSource(StrEnum):
    FLAG = "--home"
    ENV = HOME_VAR
    CHECKOUT = "source checkout"
    USER_DATA = "user data dir"


@dataclass(frozen=True, slots=True)
class Home:
    """The home folder and where its location came from; every state path derives from it."""

    root: Path
    source: HomeSource

    @property
    def var(self) -> Path:
        return self.root / "var"

    @property
    def locks(self) -> Path:
        """Trader locks of journals on a database server (app/lock.py); a SQLite journal's sits beside it."""
        return self.var / "locks"

    @property
    def db_path(self) -> Path:
        return self.var / "courtside.db"

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.db_path}"

    @property
    def kill_file(self) -> Path:
        return self.var / "KILL"

    @property
    def log_file(self) -> Path:
        return self.root / "logs" / "auto_trader.log"

    @property
    def model(self) -> Path:
        return self.var / "model"

    @property
    def data_cache(self) -> Path:
        return self.var / "cache" / "data"

    @property
    def history(self) -> Path:
        return self.var / "history"

    @property
    def demo(self) -> Path:
        return self.var / "demo"

    @property
    def report(self) -> Path:
        return self.var / "report"

    def describe(self) -> str:
        return f"{self.root} (from {self.source.value})"


def checkout_root(package_file: str | None = courtside.__file__) -> Path | None:
    """The source checkout courtside is imported from: `<repo>/src/courtside/__init__.py` with a
    pyproject.toml naming courtside at `<repo>`; None for an installed (site-packages) copy."""
    if package_file is None:
        return None
    package = Path(package_file).resolve().parent
    if package.parent.name != "src":
        return None
    repo = package.parent.parent
    try:
        project = tomllib.loads((repo / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError):
        return None
    return repo if isinstance(project, dict) and project.get("name") == APP_NAME else None


def resolve_home(
    flag: Path | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    package_file: str | None = courtside.__file__,
) -> Home:
    """The home folder, by the order in the module docstring; paths are made absolute.
    package_file: where courtside is imported from (the checkout test)."""
    env = os.environ if environ is None else environ
    if flag is not None:
        return Home(flag.expanduser().resolve(), HomeSource.FLAG)
    if env.get(HOME_VAR):
        return Home(Path(env[HOME_VAR]).expanduser().resolve(), HomeSource.ENV)
    repo = checkout_root(package_file)
    if repo is not None:
        return Home(repo, HomeSource.CHECKOUT)
    return Home(Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)), HomeSource.USER_DATA)


def _has_history(folder: Path) -> bool:
    return (folder / "tennis_atp").is_dir() or (folder / "tennis_wta").is_dir()


def match_history(
    home: Home,
    given: Path | None = None,
    environ: Mapping[str, str] | None = None,
    *,
    legacy: Path = LEGACY_CACHE,
) -> Path:
    """The match-history folder a command reads: --data, else $COURTSIDE_DATA, else the home's data
    cache (what `courtside data sync` fills), else the cache of versions before the home folder.
    ConfigError with what to do when none holds the history."""
    env = os.environ if environ is None else environ
    if given is not None or env.get(DATA_VAR):
        path = given if given is not None else Path(env[DATA_VAR])
        source = "--data" if given is not None else f"${DATA_VAR}"
        if not path.expanduser().is_dir():
            raise ConfigError(f"{source} {path}: no such folder (run `courtside data sync` or fix it)")
        return path.expanduser()
    if _has_history(home.data_cache):
        return home.data_cache
    if _has_history(legacy.expanduser()):
        log.warning("reading the match history from %s: move it to %s", legacy, home.data_cache)
        return legacy.expanduser()
    raise ConfigError(
        f"no match history: the data cache {home.data_cache} is empty; run `courtside data sync`, "
        f"pass --data DIR or set {DATA_VAR}"
    )
