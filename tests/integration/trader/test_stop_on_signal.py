"""SIGTERM stops the documented trader cleanly (issue 12, item 4): exit 0, the run's stop and reason in
the journal, and with --cancel-on-exit its resting order cancelled on the exchange (as cancel-all)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from trader_sim import Harness

from courtside.kalshi.env import exchange_id
from courtside.store.db import make_engine
from courtside.store.journal import Journal
from courtside.store.operator import OperatorLog

ROOT = Path(__file__).resolve().parents[3]
SCRIPT = ROOT / "scripts" / "trading" / "run_auto_trader.py"
PROBE = """
import runpy, sys
sys.path[:0] = [{here!r}]
from trader_sim import FixedModel, registry
from courtside.app.run import Overrides
from courtside.cli.common import STATE
STATE.overrides = Overrides(predictor=FixedModel(), resolver=registry())
sys.argv = [{script!r}, *sys.argv[1:]]
runpy.run_path({script!r}, run_name="__main__")
"""


def _start(h: Harness, *extra: str) -> subprocess.Popen[str]:
    config = h.tmp / "trader.toml"
    config.write_text(
        f'kill_file = "{h.tmp / "KILL"}"\nlog_file = "{h.tmp / "auto_trader.log"}"\n', encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("COURTSIDE_", "KALSHI_"))}
    env.update(
        COURTSIDE_HOME=str(h.tmp / "home"), KALSHI_API_KEY_ID=h.sim.key_id,
        KALSHI_PRIVATE_KEY_PATH=str(h.sim.private_key_path),
    )  # fmt: skip
    args = [
        "--live", "--confirm-live", "--env", h.sim.base_url, "--db", f"sqlite:///{h.tmp / 'journal.db'}",
        "--config", str(config), "--min-volume", "0", "--scan-interval", "600", "--update-every", "0", *extra,
    ]  # fmt: skip
    probe = PROBE.format(here=str(Path(__file__).parent), script=str(SCRIPT))
    return subprocess.Popen(
        [sys.executable, "-c", probe, *args], cwd=h.tmp, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def _journal(h: Harness) -> Journal:
    return Journal(
        make_engine(f"sqlite:///{h.tmp / 'journal.db'}"), "live", exchange=exchange_id(h.sim.base_url)
    )


def _wait_for_resting(h: Harness, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 90  # a hang guard, not a timing assertion
    log = h.tmp / "auto_trader.log"
    while not log.exists() or "scan 1 done" not in log.read_text(encoding="utf-8"):  # journal migrated
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the trader ended early ({proc.returncode}):\n{out}\n{err}")
        assert time.monotonic() < deadline, "the first scan never ended"
        time.sleep(0.2)
    while not _journal(h).orders(statuses=("resting",)):
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the trader ended early ({proc.returncode}):\n{out}\n{err}")
        assert time.monotonic() < deadline, "the order never rested"
        time.sleep(0.2)


async def test_sigterm_with_cancel_on_exit_cancels_records_and_exits_0(harness: Any) -> None:
    proc = _start(harness, "--cancel-on-exit")
    try:
        _wait_for_resting(harness, proc)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert [o for o in await harness.exchange_orders() if o.status.value == "resting"] == []
    journal = _journal(harness)
    assert [o.status for o in journal.orders()] == ["canceled"]
    run = OperatorLog(journal).last_run()
    assert run is not None
    assert run.stopped_at is not None
    assert "SIGTERM" in run.stop_reason
    (control,) = OperatorLog(journal).controls()
    assert control.action == "cancel-all"
    assert "--cancel-on-exit" in control.who


async def test_sigterm_without_it_leaves_the_order_resting(harness: Any) -> None:
    proc = _start(harness)
    try:
        _wait_for_resting(harness, proc)
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert len([o for o in await harness.exchange_orders() if o.status.value == "resting"]) == 1
