"""Best first on the simulator (real client, real trader): four matches the model likes, listed in an
order that is not the order of their worth, and an orders-per-scan cap of 2. The two best by expected
profit get the orders whatever the listing; the others say which better ones took the cap; scan
--json, the journal and the scan table show the ranks; the log carries the guide's lines in order."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
from trader_sim import Harness, table_day
from typer.testing import CliRunner

from courtside.app.logs import setup_logging
from courtside.app.run import Overrides
from courtside.cli import trade as trade_cli
from courtside.kalshi.env import exchange_id
from courtside.store.db import make_engine
from courtside.store.journal import Journal

# (player A, player B, the market's P(A), the model's P(A)), in listing order. Expected profit of 10
# maker contracts after fees: Sinner 1.573, Rublev and Fritz 1.5625 (Rublev listed first), Ruud 1.456.
MATCHES = [
    ("Casper Ruud", "Holger Rune", 0.50, 0.65),
    ("Andrey Rublev", "Tommy Paul", 0.70, 0.85),
    ("Taylor Fritz", "Ben Shelton", 0.70, 0.85),
    ("Jannik Sinner", "Daniil Medvedev", 0.20, 0.35),
]
BEST_TWO = ("SINMED", "RUBPAU")
FLAGS = {"max_orders_per_scan": 2, "max_exposure": "100"}
LIVE = {"live": True, "confirm_live": True}


@pytest.fixture
def four(sim_server: Any, tmp_path: Path) -> Harness:
    return table_day(sim_server, tmp_path, MATCHES, "fixed-best-first")


@pytest.mark.parametrize("mode", ["live", "paper"])
async def test_the_cap_goes_to_the_best_two_not_the_first_two_listed(four: Harness, mode: str) -> None:
    setup_logging(four.tmp / "logs" / "auto_trader.log", console=False)
    report = await four.scan(**FLAGS, **(LIVE if mode == "live" else {}))
    journal = Journal(
        make_engine(f"sqlite:///{four.tmp / 'journal.db'}"), mode, exchange=exchange_id(four.sim.base_url)
    )
    assert [o.event_ticker[-6:] for o in journal.orders()] == list(BEST_TWO)
    items = {i.event_ticker[-6:]: i for i in report.items}
    assert {k: (i.rank, i.decision) for k, i in items.items()} == {
        "SINMED": (1, "taken"),
        "RUBPAU": (2, "taken"),
        "FRISHE": (3, "refused"),
        "RUURUN": (4, "refused"),
    }
    placed = [o.ticker for o in journal.orders()]
    for late in ("FRISHE", "RUURUN"):
        (reason,) = items[late].reasons
        assert reason.startswith(f"orders-per-scan cap taken by better #1-#2: {', '.join(placed)} (")
    ranks = {d.event_ticker[-6:]: d.rank for d in journal.decisions()}
    assert ranks == {"SINMED": 1, "RUBPAU": 2, "FRISHE": 3, "RUURUN": 4}
    if mode == "live":
        assert sorted(o.ticker for o in await four.exchange_orders()) == sorted(placed)

    log = (four.tmp / "logs" / "auto_trader.log").read_text(encoding="utf-8")
    guide = [ln.split("courtside.guide: ", 1)[1] for ln in log.splitlines() if "courtside.guide: " in ln]
    head = "[DRY RUN] Would place order: " if mode == "paper" else "Placed order: "
    assert guide[:2] == ["Starting market scan...", "Found 4 tradable opportunities"]
    assert [g.removeprefix(head)[:40] for g in guide[2::4][:2]] == [f"{{'ticker': '{t}'"[:40] for t in placed]
    assert [g.split(":")[0] for g in guide[2:10]] == [head.rstrip(": "), "  Opportunity", "  Value edge",
                                                       "  Expected value"] * 2  # fmt: skip
    assert guide[-1] == "Placed 2 trades in this scan"
    for late in ("FRISHE", "RUURUN"):  # every refusal is one line of the log
        assert re.search(rf"refused \S+{late}: orders-per-scan cap taken by better #1-#2", log)


def test_scan_shows_ranks_and_ends_with_the_top_refusal_reasons(four: Harness) -> None:
    app = typer.Typer()
    trade_cli.register(app)
    config = four.tmp / "trader.toml"
    config.write_text(
        f'[trader]\nkill_file = "{four.tmp / "KILL"}"\nlog_file = "{four.tmp / "auto_trader.log"}"\n'
        'min_volume = "0"\nmax_orders_per_scan = 2\n'
    )
    trade_cli.STATE.overrides = Overrides(predictor=four.predictor, resolver=four.resolver, auth=four.auth)
    common = ["--env", four.sim.base_url, "--db", f"sqlite:///{four.tmp / 'j.db'}", "--config", str(config)]
    try:
        as_json = CliRunner().invoke(app, ["scan", "--json", *common])
        table = CliRunner().invoke(app, ["scan", "--max-hours", "4.5", *common], env={"COLUMNS": "250"})
    finally:
        trade_cli.STATE.overrides = None
    assert as_json.exit_code == 0, as_json.output
    rows = {r["event_ticker"][-6:]: r for r in map(json.loads, as_json.output.splitlines())}
    assert {k: r["rank"] for k, r in rows.items()} == {"SINMED": 1, "RUBPAU": 2, "FRISHE": 3, "RUURUN": 4}
    assert all(
        r["decision"] == "taken" for r in rows.values()
    )  # `scan` places nothing, so nothing is used up
    assert table.exit_code == 0, table.output
    text = " ".join(table.output.split())
    # not a terminal: one `key=value` line per row (cli/output.show_table), the reasons' table last;
    # --max-hours 4.5: the two matches starting 5 h and 6 h from now are out of the window
    assert text.endswith('top_refusal_reasons="starts in N h > max-hours N" matches=2'), text
    assert "#1" in text
