"""Where the state lives: --home, $COURTSIDE_HOME, the source checkout, else the user data dir; and
where the match history is read from."""

from __future__ import annotations

from pathlib import Path

import platformdirs
import pytest

from courtside.app.home import Home, HomeSource, checkout_root, match_history, resolve_home
from courtside.domain.errors import ConfigError

REPO = Path(__file__).resolve().parents[3]


def test_the_flag_wins_over_the_variable(tmp_path: Path) -> None:
    home = resolve_home(tmp_path / "a", {"COURTSIDE_HOME": str(tmp_path / "b")})
    assert (home.root, home.source) == (tmp_path / "a", HomeSource.FLAG)
    home = resolve_home(None, {"COURTSIDE_HOME": str(tmp_path / "b")})
    assert (home.root, home.source) == (tmp_path / "b", HomeSource.ENV)


def test_run_from_this_checkout_the_home_is_the_checkout() -> None:
    home = resolve_home(None, {})
    assert (home.root, home.source) == (REPO, HomeSource.CHECKOUT)
    assert home.log_file == REPO / "logs" / "auto_trader.log"  # what the user guide promises
    assert home.db_url == f"sqlite:///{REPO / 'var' / 'courtside.db'}"
    assert home.kill_file == REPO / "var" / "KILL"


def _package(root: Path, pyproject: str | None, under_src: bool = True) -> str:
    package = (root / "src" / "courtside") if under_src else (root / "site-packages" / "courtside")
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    if pyproject is not None:
        (root / "pyproject.toml").write_text(pyproject)
    return str(package / "__init__.py")


def test_only_a_checkout_of_courtside_counts(tmp_path: Path) -> None:
    assert checkout_root(_package(tmp_path / "ok", '[project]\nname = "courtside"\n')) == tmp_path / "ok"
    assert checkout_root(_package(tmp_path / "other", '[project]\nname = "other"\n')) is None
    assert checkout_root(_package(tmp_path / "none", None)) is None
    assert checkout_root(_package(tmp_path / "bad", "[project\n")) is None
    assert checkout_root(_package(tmp_path / "wheel", '[project]\nname = "courtside"\n', False)) is None


def test_an_installed_copy_uses_the_user_data_dir(tmp_path: Path) -> None:
    wheel = _package(tmp_path, '[project]\nname = "courtside"\n', under_src=False)
    home = resolve_home(None, {}, package_file=wheel)
    assert home.source is HomeSource.USER_DATA
    assert home.root == Path(platformdirs.user_data_dir("courtside", appauthor=False))


def test_the_history_is_the_flag_the_variable_then_the_data_cache(tmp_path: Path) -> None:
    home = Home(tmp_path / "home", HomeSource.FLAG)
    given = tmp_path / "given"
    given.mkdir()
    assert match_history(home, given, {}) == given
    assert match_history(home, None, {"COURTSIDE_DATA": str(given)}) == given
    with pytest.raises(ConfigError, match="no such folder"):
        match_history(home, tmp_path / "absent", {})
    (home.data_cache / "tennis_atp").mkdir(parents=True)
    assert match_history(home, None, {}) == home.data_cache


def test_no_history_anywhere_says_what_to_do(tmp_path: Path) -> None:
    home = Home(tmp_path / "home", HomeSource.FLAG)
    with pytest.raises(ConfigError, match="courtside data sync"):
        match_history(home, None, {}, legacy=tmp_path / "old-cache")
    (tmp_path / "old-cache" / "tennis_wta").mkdir(parents=True)  # synced by an earlier version
    assert match_history(home, None, {}, legacy=tmp_path / "old-cache") == tmp_path / "old-cache"
