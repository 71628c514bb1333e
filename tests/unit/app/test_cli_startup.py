"""The journal commands and the help answer at once: they never load the model stack."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import json, sys
sys.argv = ["courtside", *json.loads(sys.argv[1])]
from courtside.cli import main
try:
    main()
except SystemExit:
    pass
heavy = ("sklearn", "pandas", "scipy", "matplotlib")
prefixes = ("courtside.model", "courtside.backtest")
loaded = [m for m in sys.modules if m.split(".")[0] in heavy or m.startswith(prefixes)]
print("\\nLOADED " + json.dumps(sorted(loaded)))
"""


@pytest.mark.parametrize(
    "args",
    [["status"], ["status", "--json"], ["unmatched"], ["kill", "--reason", "t"], ["resume"], ["--help"], []],
)
def test_journal_commands_and_help_do_not_load_the_model_stack(tmp_path: Path, args: list[str]) -> None:
    env_args = [*args, "--db", f"sqlite:///{tmp_path / 'j.db'}"] if args and args[0] != "--help" else args
    config = tmp_path / "c.toml"
    config.write_text(f'[trader]\nkill_file = "{tmp_path / "KILL"}"\n')
    if args and args[0] in ("kill", "resume"):
        env_args = [*env_args, "--config", str(config)]
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(env_args)],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    loaded = json.loads(out.rsplit("LOADED ", 1)[1])
    assert loaded == [], f"{args} loaded {loaded[:5]}"


def test_help_still_lists_every_command() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(["--help"])], capture_output=True, text=True, check=True
    ).stdout
    for name in ("backtest", "model", "data", "report", "trade", "status", "fund", "doctor", "sim"):
        assert f" {name} " in out
    assert "Train, update and evaluate the win-probability model." in out


def test_a_heavy_command_still_runs_with_its_own_module() -> None:
    out = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(["model", "--help"])],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "evaluate" in out
    assert "train" in out
