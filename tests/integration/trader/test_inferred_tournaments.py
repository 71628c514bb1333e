"""A tournament missing from the table (WTA Guangzhou, the issue's example) is priced by inference, the
inference is logged once per run (not once per match or scan), and `courtside unmatched` lists the
tournament beside the players the registry could not identify."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import typer
from trader_sim import FixedModel
from typer.testing import CliRunner

from courtside.app.run import Overrides
from courtside.cli import trade as trade_cli
from courtside.data.registry import PlayerRegistry
from courtside.domain.tennis import Tour
from courtside.sim.generator import Liquidity, MatchSpec, build_bundle

NAMES = [("Iga", "Swiatek"), ("Coco", "Gauff"), ("Aryna", "Sabalenka"), ("Elena", "Rybakina")]


@pytest.fixture
def cli(sim_server: Any, tmp_path: Path) -> Any:
    now = sim_server.exchange.now()
    specs = [
        MatchSpec("Iga Swiatek", "Coco Gauff", Tour.WTA, "WTA Guangzhou", "Quarterfinal",
                  now + timedelta(hours=5), 0.5),
        MatchSpec("Aryna Sabalenka", "Elena Rybakina", Tour.WTA, "WTA Guangzhou", "Quarterfinal",
                  now + timedelta(hours=7), 0.5),
        MatchSpec("Iga Swiatek", "Jessica Pegula", Tour.WTA, "US Open Women Singles", "Final",
                  now + timedelta(hours=30), 0.5),
    ]  # fmt: skip
    sim_server.control.bulk(build_bundle(specs, sim_server.mm_user_id, now, seed=4, liquidity=Liquidity()))
    registry = PlayerRegistry.from_records(
        {"key": f"wta:{i}", "name_first": f, "name_last": last} for i, (f, last) in enumerate(NAMES)
    )  # Pegula unknown: a player not identified, beside the tournament
    app = typer.Typer()
    trade_cli.register(app)
    config = tmp_path / "trader.toml"
    config.write_text(f'[trader]\nkill_file = "{tmp_path / "KILL"}"\nlog_file = "{tmp_path / "t.log"}"\n')
    trade_cli.STATE.overrides = Overrides(predictor=FixedModel(), resolver=registry, auth=None)
    common = ["--db", f"sqlite:///{tmp_path / 'j.db'}", "--config", str(config)]

    def invoke(*args: str) -> Any:
        extra = ["--env", sim_server.base_url] if args[0] == "scan" else []
        return CliRunner().invoke(app, [*args, *extra, *common], env={"COLUMNS": "250"})

    yield invoke, tmp_path / "t.log"
    trade_cli.STATE.overrides = None


def test_inference_is_logged_once_a_run_and_listed_beside_unknown_players(cli: Any) -> None:
    invoke, log_file = cli
    assert invoke("scan", "--json").exit_code == 0
    assert invoke("scan", "--json").exit_code == 0
    lines = [ln for ln in log_file.read_text(encoding="utf-8").splitlines() if "priced by inference" in ln]
    assert len(lines) == 2  # one per run (two runs), though two matches are in Guangzhou
    assert all("tournament 'WTA Guangzhou' priced by inference: level " in ln for ln in lines)
    rows = [json.loads(line) for line in invoke("unmatched", "--json").output.splitlines()]
    (guangzhou,) = [r for r in rows if r["kind"] == "tournament"]
    assert (guangzhou["name"], guangzhou["tour"], guangzhou["status"], guangzhou["times"]) == (
        "WTA Guangzhou",
        "wta",
        "inferred",
        2,  # seen once a scan
    )
    assert guangzhou["surface"] in ("Hard", "unknown")
    assert guangzhou["detail"].startswith("tournament 'WTA Guangzhou' priced by inference")
    assert [r["name"] for r in rows if r["kind"] == "player"] == ["Jessica Pegula"]
    table = " ".join(invoke("unmatched").output.split())
    assert "tournaments priced by inference" in table
    assert "WTA Guangzhou" in table
