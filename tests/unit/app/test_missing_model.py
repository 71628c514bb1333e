"""A user without a model gets told how to get one, not a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from courtside.app.wiring import load_model
from courtside.cli import trade as trade_cli
from courtside.domain.errors import ConfigError


def _app() -> typer.Typer:
    app = typer.Typer()
    trade_cli.register(app)
    return app


@pytest.mark.parametrize("command", ["trade", "scan"])
def test_trade_and_scan_without_a_model_say_how_to_build_one(
    command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    home = tmp_path / "home"
    monkeypatch.setenv("COURTSIDE_HOME", str(home))
    trade_cli.STATE.overrides = None
    args = [command, "--env", "http://127.0.0.1:9/trade-api/v2", "--db", f"sqlite:///{tmp_path / 'j.db'}"]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    text = " ".join(result.output.split())
    assert f"courtside model train --out {home.resolve()}/var/model" in text  # the home's model folder
    assert "Traceback" not in result.output


def test_the_demo_model_is_offered_when_there_is_one(tmp_path: Path) -> None:
    demo = tmp_path / "home" / "var" / "demo" / "model"  # where `courtside demo` caches its model
    demo.mkdir(parents=True)
    (demo / "meta.json").write_text("{}")
    with pytest.raises(ConfigError, match=re.escape(f"--model {demo}")):
        load_model(tmp_path / "home" / "var" / "model", demo)
