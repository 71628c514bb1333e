"""The command line follows the conventions a user expects: --version, -h everywhere, completion at
every level, the same state from any folder, one error prefix."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from courtside import __version__

COURTSIDE = Path(sys.executable).parent / "courtside"


def run(cwd: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    cwd.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        [str(COURTSIDE), *args],
        cwd=cwd,
        env=os.environ | (env or {}),
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_version_and_short_help(tmp_path: Path) -> None:
    assert run(tmp_path, "--version").stdout.strip() == f"courtside {__version__}"
    for args in (["-h"], ["trade", "-h"], ["model", "train", "-h"], ["config", "show", "-h"]):
        done = run(tmp_path, *args)
        assert done.returncode == 0, done.stderr
        assert done.stdout.startswith("Usage: courtside"), args


def test_help_shows_defaults_and_whole_option_names(tmp_path: Path) -> None:
    text = run(tmp_path, "trade", "-h", env={"COLUMNS": "80"}).stdout
    flat = " ".join(text.split())
    assert "--max-orders-per-scan INTEGER" in flat
    assert "[default: prod]" in flat
    assert "a number ≥ 1 [default: 10]" in flat  # --max-size: the range and the default
    assert "<str>" not in text
    assert "…" not in text


def complete(tmp_path: Path, line: str) -> list[str]:
    """What bash completion offers after `line` (the last word is the one being completed)."""
    words = line.split(" ")
    env = {"_COURTSIDE_COMPLETE": "complete_bash", "COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    done = run(tmp_path, env=env)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.mark.parametrize(
    ("line", "offered"),
    [
        ("courtside ", {"trade", "status", "model", "data", "backtest", "config"}),
        ("courtside model ", {"train", "evaluate"}),
        ("courtside data ", {"ingest", "sync"}),
        ("courtside config ", {"show", "init"}),
        ("courtside status --", {"--mode", "--exchange", "--json"}),
        ("courtside backtest --", {"--from", "--to", "--out", "--data"}),
        ("courtside --home /tmp model train --", {"--out", "--learner"}),
    ],
)
def test_completion_offers_every_level(tmp_path: Path, line: str, offered: set[str]) -> None:
    assert offered <= set(complete(tmp_path, line))


def test_kill_from_another_folder_reaches_the_same_journal_and_kill_file(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"COURTSIDE_HOME": str(home)}
    killed = run(tmp_path / "one", "kill", "--reason", "panic", env=env)
    assert killed.returncode == 0, killed.stderr
    status = run(tmp_path / "two", "status", "--json", env=env)
    assert status.returncode == 0, status.stderr
    summary = json.loads(status.stdout)
    assert (summary["state"], summary["reason"], summary["kill_switch"]) == ("HALTED", "panic", True)
    assert summary["home"] == str(home)
    assert (home / "var" / "KILL").is_file()
    assert not any((tmp_path / "one").iterdir())  # nothing left in the folders the user stood in
    assert not any((tmp_path / "two").iterdir())


def test_config_show_says_where_each_value_came_from(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "courtside.toml").write_text('[trader]\nmin-ev = "0.07"\n')
    (home / ".env").write_text("COURTSIDE_MIN_VALUE=0.03\n")
    env = {"COURTSIDE_HOME": str(home), "COURTSIDE_MAX_SIZE": "4", "COURTSIDE_DB": "sqlite:///x.db"}
    env |= {"KALSHI_API_KEY_ID": "key-id-never-shown", "COURTSIDE_LIVE": "true"}
    done = run(tmp_path / "cwd", "config", "show", "--json", env=env)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    settings = shown["settings"]
    assert settings["max_size"] == {"value": "4", "source": "COURTSIDE_MAX_SIZE"}
    assert settings["min_ev"] == {"value": "0.07", "source": f"min-ev in {home / 'courtside.toml'}"}
    assert settings["min_value"] == {"value": "0.03", "source": f"COURTSIDE_MIN_VALUE in {home / '.env'}"}
    assert settings["kelly_fraction"] == {"value": "0.25", "source": "default"}
    # live only from the command line: the variable is ignored, so it is not where the value came from
    assert settings["live"] == {"value": False, "source": "default"}
    assert done.stderr.count("live from a file or variable ignored") == 1
    assert settings["kill_file"]["value"] == str(home / "var" / "KILL")
    assert shown["config_file"] == str(home / "courtside.toml")
    assert "key-id-never-shown" not in done.stdout
    assert shown["credentials"]["KALSHI_API_KEY_ID"] == "set (redacted)"


def test_config_init_writes_a_file_that_loads_unchanged(tmp_path: Path) -> None:
    home = tmp_path / "home"
    env = {"COURTSIDE_HOME": str(home)}
    assert run(tmp_path, "config", "init", env=env).returncode == 0
    text = (home / "courtside.toml").read_text()
    assert '# max-size = "10"' in text  # Decimal settings as strings: exact
    again = run(tmp_path, "config", "init", env=env)
    assert (again.returncode, again.stderr.startswith("error: ")) == (2, True)  # never overwritten
    shown = json.loads(run(tmp_path, "config", "show", "--json", env=env).stdout)
    assert shown["config_file"] == str(home / "courtside.toml")
    assert {s["source"] for s in shown["settings"].values()} <= {"default", "COURTSIDE_HOME"}


def test_a_misspelt_variable_is_a_warning_with_a_suggestion(tmp_path: Path) -> None:
    env = {"COURTSIDE_HOME": str(tmp_path / "home"), "COURTSIDE_MAX_SIZ": "3"}
    done = run(tmp_path, "config", "show", "--json", env=env)
    assert done.returncode == 0, done.stderr
    assert "warning: COURTSIDE_MAX_SIZ is not a setting (did you mean COURTSIDE_MAX_SIZE?)" in done.stderr
    assert json.loads(done.stdout)["settings"]["max_size"]["source"] == "default"
