"""SIGINT and SIGTERM stop the documented script at once, whatever it is doing (issue 13, item 4): in
the wait between scans, and in the middle of a scan whose request the exchange holds for minutes. The
wait between scans is ten minutes and the held request two, so an exit at all within the hang guard
shows the signal was answered, not waited out."""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

import pytest
from script_run import start, trader_args, wait_for


def _log(tmp: Path) -> str:
    path = tmp / "auto_trader.log"
    return path.read_text(encoding="utf-8") if path.exists() else ""


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_between_scans_stops_the_trader_at_once(
    harness: Any, tmp_path: Path, sig: signal.Signals
) -> None:
    proc = start(trader_args(harness, tmp_path), tmp_path)
    wait_for(lambda: "scan 1 done" in _log(tmp_path), proc)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)  # the next scan is 10 minutes away
    assert proc.returncode == 0, err
    assert f"stopped ({sig.name})" in out
    assert f"{sig.name} received: stopping" in _log(tmp_path)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_mid_scan_stops_the_trader_without_waiting_for_the_exchange(
    harness: Any, tmp_path: Path, sig: signal.Signals
) -> None:
    harness.sim.control.fault(delay_ms=120_000, count=1, path_regex="markets/orderbooks")
    proc = start(trader_args(harness, tmp_path), tmp_path)
    wait_for(lambda: "scan 1 start" in _log(tmp_path), proc)
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=25)  # the held request would take 2 minutes (its deadline: 30 s)
    assert proc.returncode == 0, err
    assert f"stopped ({sig.name})" in out
    assert "scan 1 done" not in _log(tmp_path)
