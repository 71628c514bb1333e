"""A trader left running tells its log why it stops and survives a bug in one scan: the start line
(version, exchange, home, model, settings), SIGTERM and the stop line with its reason, an unexpected
exception with its traceback, and after --max-failed-scans failures in a row the book stops opening
positions (REDUCING) with the reason, until `courtside resume`."""

from __future__ import annotations

import asyncio
import json
import os
import signal
from pathlib import Path
from typing import Any

import typer
from trader_sim import FixedModel, Harness, registry
from typer.testing import CliRunner

from courtside.app.logs import logging_to
from courtside.app.loop import run_loop
from courtside.app.run import Overrides
from courtside.cli import trade as trade_cli
from courtside.domain.tennis import MatchContext, PlayerRef, Prediction


class Terminated(FixedModel):
    """A model during whose first prediction the process is sent SIGTERM (systemd stopping it)."""

    def predict(self, a: PlayerRef, b: PlayerRef, ctx: MatchContext) -> Prediction:
        os.kill(os.getpid(), signal.SIGTERM)
        return super().predict(a, b, ctx)


class Broken(FixedModel):
    """A model with a bug: every prediction raises an exception outside courtside's error tree."""

    def predict(self, a: PlayerRef, b: PlayerRef, ctx: MatchContext) -> Prediction:
        raise RuntimeError("model blew up")


def _app() -> typer.Typer:
    app = typer.Typer()
    trade_cli.register(app)
    return app


def _config(h: Harness) -> Path:
    config = h.tmp / "trader.toml"
    config.write_text(
        f'[trader]\nkill_file = "{h.tmp / "KILL"}"\nlog_file = "{h.tmp / "auto_trader.log"}"\n'
        f'min_volume = "0"\nenv = "{h.sim.base_url}"\ndb = "sqlite:///{h.tmp / "journal.db"}"\n'
        'log_format = "plain"\n'
    )
    return config


def test_sigterm_stops_the_trader_cleanly_and_the_log_says_so(harness: Harness) -> None:
    trade_cli.STATE.overrides = Overrides(predictor=Terminated(), resolver=registry(), auth=harness.auth)
    try:
        result = CliRunner().invoke(_app(), ["trade", "--config", str(_config(harness))])
    finally:
        trade_cli.STATE.overrides = None
    assert result.exit_code == 0, result.output
    log = (harness.tmp / "auto_trader.log").read_text()
    start = next(line for line in log.splitlines() if " starting: " in line)
    assert f"on {harness.sim.base_url} " in start.replace(";", " ")
    assert f"; home {os.environ['COURTSIDE_HOME']}; " in start
    assert "model given by the caller" in start
    assert "max_size=10 " in start
    assert "SIGTERM received: stopping" in log
    assert log.rstrip().splitlines()[-1].endswith("courtside stopped: SIGTERM received")


async def test_a_bug_in_a_scan_is_logged_and_enough_in_a_row_stop_the_book(harness: Harness) -> None:
    log_file = harness.tmp / "auto_trader.log"
    wiring = harness.wire(max_failed_scans=2)
    wiring.trader.predictor = Broken()
    with logging_to(log_file, console=False):
        scans = await run_loop(wiring.trader, interval=0, once=False, max_scans=3)  # the loop goes on
    await wiring.aclose()
    assert scans == 3
    log = log_file.read_text()
    assert log.count("scan crashed (RuntimeError), will retry next interval") == 3
    assert "Traceback (most recent call last)" in log
    assert "RuntimeError: model blew up" in log
    (stop,) = wiring.journal.stops()
    assert stop.reason == "2 scans in a row failed (last: RuntimeError: model blew up)"
    assert f"trading REDUCING on {wiring.journal.exchange} (paper only): {stop.reason}" in log
    assert wiring.journal.book(wiring.journal.mode.LIVE).stops() == []  # the other mode trades on


def _cli(h: Harness, *args: str) -> Any:
    return CliRunner().invoke(_app(), [*args, "--config", str(_config(h))])


def test_status_shows_the_stop_and_resume_lifts_it(harness: Harness) -> None:
    async def one_failed_scan() -> None:
        wiring = harness.wire(max_failed_scans=1)
        wiring.trader.predictor = Broken()
        await run_loop(wiring.trader, interval=0, once=False, max_scans=1)
        await wiring.aclose()

    asyncio.run(one_failed_scan())
    status = json.loads(_cli(harness, "status", "--json").output)
    assert status["state"] == "REDUCING"
    assert status["modes"]["paper"]["stops"] == [
        "1 scans in a row failed (last: RuntimeError: model blew up)"
    ]
    assert "stopped: 1 scans in a row failed" in " ".join(_cli(harness, "status").output.split())
    assert "stop lifted for paper" in _cli(harness, "resume").output
    assert json.loads(_cli(harness, "status", "--json").output)["state"] == "ACTIVE"


def test_with_once_a_bug_is_the_runs_failure_with_its_traceback_in_the_log(harness: Harness) -> None:
    trade_cli.STATE.overrides = Overrides(predictor=Broken(), resolver=registry(), auth=harness.auth)
    try:
        result = CliRunner().invoke(_app(), ["trade", "--once", "--config", str(_config(harness))])
    finally:
        trade_cli.STATE.overrides = None
    assert result.exit_code == 2
    assert result.output.splitlines()[-1].startswith(
        "error: unexpected RuntimeError: model blew up (traceback in "
    )
    log = (harness.tmp / "auto_trader.log").read_text()
    assert "RuntimeError: model blew up" in log
    assert "Traceback (most recent call last)" in log
    assert "courtside stopped: RuntimeError: model blew up" in log
