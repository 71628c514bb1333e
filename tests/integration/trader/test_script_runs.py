"""The documented script, run as a user would against the simulator on loopback (script_run.py): a
second live trader started on the same journal refuses, naming the first (issue 13, item 1)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from script_run import run, start, wait_for


def _live_env(harness: Any) -> dict[str, str]:
    return {
        "KALSHI_API_KEY_ID": harness.sim.key_id,
        "KALSHI_PRIVATE_KEY_PATH": str(harness.sim.private_key_path),
    }


def _args(harness: Any, tmp: Path) -> list[str]:
    config = tmp / "trader.toml"
    config.write_text(
        f'[trader]\nkill_file = "{tmp / "KILL"}"\nlog_file = "{tmp / "auto_trader.log"}"\n', encoding="utf-8"
    )
    return [
        "--env", harness.sim.base_url, "--db", f"sqlite:///{tmp / 'journal.db'}", "--config", str(config),
        "--min-volume", "0", "--scan-interval", "600",
    ]  # fmt: skip


def test_a_second_live_trader_on_the_same_journal_refuses_naming_the_first(
    harness: Any, tmp_path: Path
) -> None:
    args = [*_args(harness, tmp_path), "--live", "--confirm-live"]
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
