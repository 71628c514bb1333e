"""The documented script, run as a user would against the simulator on loopback (script_run.py): a
second live trader started on the same journal refuses, naming the first (issue 13, item 1)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from script_run import run, start, trader_args, wait_for


def _live_env(harness: Any) -> dict[str, str]:
    return {
        "KALSHI_API_KEY_ID": harness.sim.key_id,
        "KALSHI_PRIVATE_KEY_PATH": str(harness.sim.private_key_path),
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.parametrize("page", [False, True], ids=["plain", "dashboard"])
def test_a_second_live_trader_on_the_same_journal_refuses_naming_the_first(
    harness: Any, tmp_path: Path, page: bool
) -> None:
    """With --dashboard on the same port too: the lock is taken before the page listens, so the
    second trader is refused by name, not by the port."""
    shown = ["--dashboard", "--dashboard-port", str(_free_port())] if page else []
    args = [*trader_args(harness, tmp_path), "--live", "--confirm-live", *shown]
    first = start(args, tmp_path, _live_env(harness))
    log = tmp_path / "auto_trader.log"
    try:
        wait_for(lambda: log.exists() and "scan 1 done" in log.read_text(encoding="utf-8"), first)
        status, output = run(args, tmp_path, _live_env(harness))
    finally:
        first.terminate()
        first.communicate(timeout=60)
    assert status == 2, output
    assert f"another trader is running on journal sqlite:///{tmp_path / 'journal.db'}" in output
    assert f"pid {first.pid} on " in output
    orders = [o for o in harness.sim.exchange.orders.values() if o.user_id == harness.sim.user_id]
    assert len(orders) == 1  # the first trader's one order (Zverev); the second placed nothing


def test_live_switched_on_by_the_environment_or_a_file_alone_stays_dry(harness: Any, tmp_path: Path) -> None:
    """COURTSIDE_LIVE and COURTSIDE_CONFIRM_LIVE in the environment, in .env and in the TOML file, with no
    flag: one scan, on paper; the exchange sees no order (issue 13, item 3)."""
    env = {**_live_env(harness), "COURTSIDE_LIVE": "true", "COURTSIDE_CONFIRM_LIVE": "true"}
    (tmp_path / ".env").write_text("COURTSIDE_LIVE=true\nCOURTSIDE_CONFIRM_LIVE=true\n", encoding="utf-8")
    args = trader_args(harness, tmp_path)
    config = Path(args[args.index("--config") + 1])
    config.write_text(
        config.read_text(encoding="utf-8") + "live = true\nconfirm_live = true\n", encoding="utf-8"
    )
    status, output = run([*args, "--once"], tmp_path, env)
    log = (tmp_path / "auto_trader.log").read_text(encoding="utf-8")
    assert status == 0, output
    assert "wired paper trader" in log
    assert "live trading needs --live on the command line" in output + log
    assert [o for o in harness.sim.exchange.orders.values() if o.user_id == harness.sim.user_id] == []
    assert "scan 1 done: 1 trades placed" in log  # the Zverev mispricing, on paper


def test_live_needs_the_flag_and_then_the_confirmation_on_the_same_command_line(
    harness: Any, tmp_path: Path
) -> None:
    env = {**_live_env(harness), "COURTSIDE_CONFIRM_LIVE": "true"}
    status, output = run([*trader_args(harness, tmp_path), "--once", "--live"], tmp_path, env)
    assert status == 2, output
    assert "--live without a terminal needs --confirm-live" in output
    assert [o for o in harness.sim.exchange.orders.values() if o.user_id == harness.sim.user_id] == []
    status, output = run(
        [*trader_args(harness, tmp_path), "--once", "--live", "--confirm-live"], tmp_path, env
    )
    assert status == 0, output
    assert len([o for o in harness.sim.exchange.orders.values() if o.user_id == harness.sim.user_id]) == 1
