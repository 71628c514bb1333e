"""Run the documented entry point, scripts/trading/run_auto_trader.py, as a subprocess against the
simulator on loopback. The only thing injected is the model (a pinned probability per player and a
registry of the listed players, as in trader_sim.py): a real model needs the match history and takes
minutes to train, and it is not what these tests are about. Everything else is the script's own path:
argument parsing, settings from flags, files and the environment, wiring, the loop, signals, exit."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "trading" / "run_auto_trader.py"
PROBE = """
import runpy, sys
sys.path[:0] = [{tests!r}, {trader!r}]
from trader_sim import FixedModel, registry
from courtside.app.run import Overrides
from courtside.cli.trade import STATE
STATE.overrides = Overrides(predictor=FixedModel(), resolver=registry())
sys.argv = [{script!r}, *sys.argv[1:]]
runpy.run_path({script!r}, run_name="__main__")
"""


def probe_code() -> str:
    return PROBE.format(tests=str(ROOT / "tests"), trader=str(Path(__file__).parent), script=str(SCRIPT))


def start(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """The script with `args`, in `cwd` (so a stray .env or var/ of the checkout is not read)."""
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("COURTSIDE_", "KALSHI_"))}
    full_env.update({"COLUMNS": "400"}, **(env or {}))  # one error, one line: no wrapping to a terminal
    return subprocess.Popen(
        [sys.executable, "-c", probe_code(), *args],
        cwd=cwd,
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> tuple[int, str]:
    """Run to the end; (exit status, stdout + stderr)."""
    proc = start(args, cwd, env)
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out + err


def wait_for(condition: Callable[[], bool], proc: subprocess.Popen[str], timeout: float = 60) -> None:
    """Poll until `condition` (a hang guard, not a timing assertion); fail if the process ends first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the trader ended early ({proc.returncode}):\n{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            raise AssertionError("the trader never got there")
        time.sleep(0.1)


def trader_args(harness: Any, tmp: Path) -> list[str]:
    """The documented script's flags for a run on the harness's simulator, its state under tmp."""
    config = tmp / "trader.toml"
    config.write_text(
        f'[trader]\nkill_file = "{tmp / "KILL"}"\nlog_file = "{tmp / "auto_trader.log"}"\n', encoding="utf-8"
    )
    return [
        "--env", harness.sim.base_url, "--db", f"sqlite:///{tmp / 'journal.db'}", "--config", str(config),
        "--min-volume", "0", "--scan-interval", "600",
    ]  # fmt: skip
