"""The operator's page tried as a person would (issue 12, item 5): the documented trader runs live
against the simulator with --dashboard; a real headless Chromium loads the page, whose figures match
the journal and `courtside status`; Kill pressed without the token is refused and changes nothing,
pressed with it halts trading, cancels the resting order on the exchange, and the next decision is a
refusal; SIGTERM then stops the trader with exit 0. Screenshots at desktop and phone width are kept."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration" / "trader"))
from trader_sim import list_semifinal, specs

from browser import chromium
from courtside.dashboard.format import money
from courtside.kalshi.env import exchange_id
from courtside.sim.generator import Liquidity, build_bundle
from courtside.store.db import make_engine
from courtside.store.journal import Journal

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "trading" / "run_auto_trader.py"
TOKEN = "phone-of-the-owner-token-0123456789"
PROBE = """
import runpy, sys
sys.path[:0] = [{trader!r}]
from trader_sim import FixedModel, registry
from courtside.app.run import Overrides
from courtside.cli.common import STATE
STATE.overrides = Overrides(predictor=FixedModel(), resolver=registry())
sys.argv = [{script!r}, *sys.argv[1:]]
runpy.run_path({script!r}, run_name="__main__")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(condition: Callable[[], bool], proc: subprocess.Popen[str], what: str, timeout: float = 90) -> None:
    """Poll until `condition` (a hang guard, not a timing assertion); fail if the trader ends first."""
    deadline = time.monotonic() + timeout
    while not condition():
        if proc.poll() is not None:
            out, err = proc.communicate()
            raise AssertionError(f"the trader ended before {what} ({proc.returncode}):\n{out}\n{err}")
        assert time.monotonic() < deadline, f"never got to {what}"
        time.sleep(0.2)


class Run:
    def __init__(self, sim: Any, tmp: Path) -> None:
        self.sim, self.tmp, self.port = sim, tmp, _free_port()
        self.db = f"sqlite:///{tmp / 'journal.db'}"
        self.url = f"http://127.0.0.1:{self.port}"
        config = tmp / "trader.toml"
        config.write_text(
            f'kill_file = "{tmp / "KILL"}"\nlog_file = "{tmp / "auto_trader.log"}"\n', encoding="utf-8"
        )
        self.common = ["--env", sim.base_url, "--db", self.db, "--config", str(config)]
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("COURTSIDE_", "KALSHI_"))}
        self.env.update(
            COURTSIDE_HOME=str(tmp / "home"), COURTSIDE_DASHBOARD_TOKEN=TOKEN, KALSHI_API_KEY_ID=sim.key_id,
            KALSHI_PRIVATE_KEY_PATH=str(sim.private_key_path),
        )  # fmt: skip

    def start(self) -> subprocess.Popen[str]:
        probe = PROBE.format(trader=str(ROOT / "tests" / "integration" / "trader"), script=str(SCRIPT))
        args = [
            "--live", "--confirm-live", "--min-volume", "0", "--scan-interval", "2", "--update-every", "0",
            "--dashboard", "--dashboard-port", str(self.port), *self.common,
        ]  # fmt: skip
        return subprocess.Popen(
            [sys.executable, "-c", probe, *args], cwd=self.tmp, env=self.env, text=True,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip

    def journal(self) -> Journal:
        return Journal(make_engine(self.db), "live", exchange=exchange_id(self.sim.base_url))

    def status(self) -> dict[str, Any]:
        code = "import sys; from courtside.cli import main; sys.argv[0] = 'courtside'; main()"
        out = subprocess.run(
            [sys.executable, "-c", code, "status", "--json", "--mode", "live", *self.common],
            cwd=self.tmp, env=self.env, text=True, capture_output=True, check=True, timeout=120,
        )  # fmt: skip
        return dict(json.loads(out.stdout))

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False


@pytest.fixture
def run(sim_server: Any, tmp_path: Path) -> Run:
    now = sim_server.exchange.now()
    sim_server.control.bulk(
        build_bundle(specs(now), sim_server.mm_user_id, now, seed=3, liquidity=Liquidity(noise=0.0))
    )
    return Run(sim_server, tmp_path)


def _semifinal(run: Run) -> list[Any]:
    """The decisions on Zverev vs Auger-Aliassime, listed after the kill."""
    return [d for d in run.journal().decisions() if "Zverev" in d.player_a and "Auger" in d.player_b]


def _figure(page: Any, name: str) -> str:
    return str(page.inner_text(f'[data-figure="{name}"]')).strip()


def test_the_page_of_a_live_trader_its_figures_and_its_kill_button(run: Run, tmp_path: Path) -> None:
    proc = run.start()
    try:
        _wait(run.healthy, proc, "a healthy /healthz")
        _wait(lambda: len(run.journal().orders(statuses=("resting",))) == 1, proc, "the order resting")
        with chromium() as browser:
            page = browser.new_page()
            page.on("dialog", lambda dialog: dialog.accept())  # "Kill?" confirmed
            page.goto(f"{run.url}/?mode=live")
            mark = run.journal().equity_mark()
            assert mark is not None
            status = run.status()
            assert _figure(page, "equity") == money(mark.equity) == money(Decimal(status["equity"]))
            assert _figure(page, "peak") == money(mark.peak)
            assert _figure(page, "state") == status["state"] == "ACTIVE"
            assert page.locator("#resting tbody tr").count() == 1
            assert "Alexander Zverev vs Karen Khachanov" in page.inner_text("#resting")
            page.screenshot(path=str(tmp_path / "dashboard.png"), full_page=True)

            page.click('button[data-action="kill"]')  # no token typed
            page.wait_for_function(
                "document.getElementById('control-result').textContent.includes('refused')"
            )
            assert "401" in page.inner_text("#control-result")
            assert run.journal().state()[0] == "ACTIVE"
            assert not (tmp_path / "KILL").exists()

            page.fill("#token", TOKEN)
            page.fill("#by", "owner")
            page.fill("#reason", "seen enough")
            page.click('button[data-action="kill"]')
            page.wait_for_function("document.getElementById('control-result').textContent.includes('HALTED')")
            assert run.journal().state()[0] == "HALTED"
            assert [o for o in run.journal().orders() if o.status == "resting"] == []
            page.wait_for_selector('[data-figure="state"]:has-text("HALTED")')
            page.set_viewport_size({"width": 390, "height": 844})
            page.screenshot(path=str(tmp_path / "dashboard-phone.png"), full_page=True)

        killed_at = run.journal().state()
        list_semifinal(run.sim, run.sim.exchange.now())  # a new match the model would buy
        _wait(lambda: bool(_semifinal(run)), proc, "the next decision")
        new = _semifinal(run)
        assert new
        assert all(d.decision == "refused" for d in new), [(d.decision, d.reasons) for d in new]
        assert any("kill switch" in d.reasons or "HALTED" in d.reasons for d in new)
        assert len(run.journal().orders()) == 1, killed_at  # nothing placed after the kill
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
