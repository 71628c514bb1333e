"""`courtside kill` acts on the exchange itself, whether a trader runs or not: the bot's resting orders
are cancelled there at once (a batch cancel) and listed, the kill switch set; `cancel-all` only
cancels. An order the bot did not place (another client_order_id) is left alone."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal
from typing import Any

import pytest
import typer
from trader_sim import FixedModel, Harness, registry
from typer.testing import CliRunner

from courtside.app.run import Overrides
from courtside.cli import trade as trade_cli
from courtside.domain.orders import BookSide, OrderRequest, OrderStatus
from courtside.kalshi.env import exchange_id
from courtside.kalshi.rest import KalshiClient
from courtside.store.db import make_engine
from courtside.store.journal import Journal
from courtside.venue.paper_ledger import PaperLedger


@pytest.fixture
def cli(harness: Harness) -> Any:
    app = typer.Typer()
    trade_cli.register(app)
    config = harness.tmp / "trader.toml"
    config.write_text(
        f'[trader]\nkill_file = "{harness.tmp / "KILL"}"\nlog_file = "{harness.tmp / "auto_trader.log"}"\n'
        f'min_volume = "0"\nenv = "{harness.sim.base_url}"\ndb = "sqlite:///{harness.tmp / "j.db"}"\n'
    )
    trade_cli.STATE.overrides = Overrides(predictor=FixedModel(), resolver=registry(), auth=harness.auth)

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(app, [*args, "--config", str(config)])

    yield invoke
    trade_cli.STATE.overrides = None


def _resting(h: Harness) -> list[Any]:
    return [o for o in asyncio.run(h.exchange_orders()) if o.status is OrderStatus.RESTING]


def _manual_order(h: Harness) -> str:
    """An order placed by hand on the same account, not by the bot."""

    async def place() -> str:
        async with KalshiClient(h.sim.base_url, auth=h.auth) as client:
            (ticker, *_) = sorted(m.ticker for m in await client.get_markets(status="open"))
            req = OrderRequest(ticker, BookSide.BID, Decimal(1), Decimal("0.01"), client_order_id="by-hand-1")
            return (await client.create_order(req)).order_id

    return asyncio.run(place())


def _journal(h: Harness, mode: str) -> Journal:
    return Journal(make_engine(f"sqlite:///{h.tmp / 'j.db'}"), mode, exchange=exchange_id(h.sim.base_url))


def test_kill_cancels_the_bots_resting_orders_on_the_exchange_and_lists_them(
    cli: Any, harness: Harness
) -> None:
    assert cli("trade", "--once", "--live", "--confirm-live").exit_code == 0  # a maker order rests
    (ours,) = _resting(harness)
    manual = _manual_order(harness)
    result = cli("kill", "--reason", "panic", "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["state"] == "HALTED"
    live = next(r for r in report["exchanges"] if r["mode"] == "live")
    assert live["exchange"] == exchange_id(harness.sim.base_url)
    assert [c["client_order_id"] for c in live["cancelled"]] == [ours.client_order_id]
    assert [o.order_id for o in _resting(harness)] == [manual]  # gone on the exchange; the manual one stays
    (row,) = _journal(harness, "live").orders()
    assert row.status == "canceled"
    assert (harness.tmp / "KILL").exists()
    status = json.loads(cli("status", "--json", "--mode", "live").output)
    assert (status["state"], status["kill_switch"], status["open_orders"]) == ("HALTED", True, 0)
    assert "cancelled by kill" not in cli("status").output  # status reads the journal only
    assert f"{ours.client_order_id}" in (harness.tmp / "auto_trader.log").read_text()  # the kill is logged


def test_cancel_all_cancels_paper_orders_and_trading_goes_on(cli: Any, harness: Harness) -> None:
    assert cli("trade", "--once").exit_code == 0  # dry-run: the maker order rests on the paper ledger
    ledger = PaperLedger(make_engine(f"sqlite:///{harness.tmp / 'j.db'}"), Decimal(1000),
                         exchange=exchange_id(harness.sim.base_url))  # fmt: skip
    (paper,) = ledger.order_rows(status="resting")
    result = cli("cancel-all", "--mode", "paper")
    assert result.exit_code == 0, result.output
    assert "1 resting order(s) cancelled" in result.output
    assert paper.client_order_id in result.output
    assert ledger.order_rows(status="resting") == []
    assert json.loads(cli("status", "--json").output)["state"] == "ACTIVE"
    assert not (harness.tmp / "KILL").exists()


def test_live_orders_the_journal_knows_are_an_error_without_credentials(
    cli: Any, harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("trade", "--once", "--live", "--confirm-live").exit_code == 0
    trade_cli.STATE.overrides = None  # no injected key, and none in the environment
    monkeypatch.delenv("KALSHI_API_KEY_ID", raising=False)
    monkeypatch.delenv("KALSHI_PRIVATE_KEY_PATH", raising=False)
    result = cli("kill")
    assert result.exit_code == 1
    assert "could not cancel" in result.output
    assert "1 open order(s) in the journal" in result.output
    assert (harness.tmp / "KILL").exists()  # the kill switch is set all the same
    assert len(_resting(harness)) == 1


def test_an_exchange_that_cannot_be_reached_is_a_note_when_the_journal_holds_nothing_there(
    cli: Any, harness: Harness
) -> None:
    result = cli("cancel-all", "--mode", "live", "--exchange", "http://127.0.0.1:9/trade-api/v2")
    assert result.exit_code == 0, result.output
    assert "not reached" in result.output
    assert "the journal holds no open order there" in result.output
