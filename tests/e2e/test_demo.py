"""`courtside demo` end to end: model from the match history, simulator, dry-run, live, settlement."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from courtside.cli import demo as demo_cli
from courtside.store.db import make_engine
from courtside.store.journal import Journal
from courtside.store.operator import OperatorLog


def _app() -> typer.Typer:
    app = typer.Typer()
    demo_cli.register(app)
    app.command("noop", hidden=True)(lambda: None)  # a group of one command would swallow its name
    return app


def test_without_data_it_says_how_to_get_it_and_fails(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        _app(),
        ["demo", "--data", str(tmp_path / "none"), "--model", str(tmp_path / "m"), "--out", str(tmp_path)],
    )
    assert result.exit_code == 1
    assert "COURTSIDE_DATA" in result.output


@pytest.mark.slow
def test_demo_trades_dry_run_then_live_and_settles(data_dir: Path, tmp_path: Path) -> None:
    args = [
        "demo",
        "--data",
        str(data_dir),
        "--model",
        str(tmp_path / "none"),
        "--out",
        str(tmp_path / "var"),
    ]
    result = CliRunner().invoke(_app(), args)
    assert result.exit_code == 0, result.output
    assert "demo P&L" in result.output
    assert "seeded mispricings traded: 3 of 3" in result.output
    engine = make_engine(f"sqlite:///{tmp_path / 'var' / 'demo.db'}")
    (exchange,) = Journal(engine, "paper", exchange="-").exchanges()  # the demo's simulator, its URL
    assert exchange.startswith("http://127.0.0.1:")
    paper, live = Journal(engine, "paper", exchange=exchange), Journal(engine, "live", exchange=exchange)
    assert paper.fills()
    assert live.fills()
    assert {s.ticker for s in live.settlements()} == {f.ticker for f in live.fills()}
    assert {s.ticker for s in paper.settlements()} == {f.ticker for f in paper.fills()}
    assert sum(f.count for f in paper.fills()) == sum(f.count for f in live.fills())
    for book in (paper, live):  # the day as the dashboard shows it: each book's run, model and alerts
        run = OperatorLog(book).last_run()
        assert run is not None
        assert run.stopped_at is not None
        assert run.exchange_status == "open"
        assert run.results_through is not None  # the model the demo traded on, not the configured one
        alerts = [a for a in OperatorLog(book).alerts(100) if a.mode == book.mode]
        assert {"first_scan", "order_placed", "order_filled"} <= {a.kind for a in alerts}
        assert {a.outcome for a in alerts} == {"off"}  # journalled, never sent from a simulated day
    assert (tmp_path / "var" / "model" / "meta.json").exists()  # cached for the next run
    assert not any(p.is_file() and not p.is_symlink() for p in (tmp_path / "var" / "history").rglob("*.csv"))
