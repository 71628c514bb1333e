"""`courtside trade | scan | kill | resume | status | unmatched` against the simulator: the flags do
what they say. The model and registry are injected through the CLI's one injection point."""

from __future__ import annotations

import asyncio
import json
import re
from decimal import Decimal
from typing import Any

import pytest
import typer
from trader_sim import FixedModel, registry
from typer.testing import CliRunner

from courtside.app.run import Overrides
from courtside.cli import trade as trade_cli
from courtside.data.registry import PlayerRegistry
from courtside.domain.clock import SystemClock
from courtside.kalshi.doctor import Verdict, run_doctor
from courtside.kalshi.env import exchange_id
from courtside.kalshi.rest import KalshiClient
from courtside.store.db import make_engine
from courtside.store.journal import Journal


@pytest.fixture
def cli(harness: Any) -> Any:
    app = typer.Typer()
    trade_cli.register(app)
    config = harness.tmp / "trader.toml"
    config.write_text(
        f'[trader]\nkill_file = "{harness.tmp / "KILL"}"\nlog_file = "{harness.tmp / "auto_trader.log"}"\n'
        'min_volume = "0"\n'
    )
    trade_cli.STATE.overrides = Overrides(predictor=FixedModel(), resolver=registry(), auth=harness.auth)
    runner = CliRunner()

    def invoke(*args: str) -> Any:
        common = [
            "--env",
            harness.sim.base_url,
            "--db",
            f"sqlite:///{harness.tmp / 'j.db'}",
            "--config",
            str(config),
        ]
        if args[0] == "unmatched":
            common = ["--db", f"sqlite:///{harness.tmp / 'j.db'}", "--config", str(config)]
        if args[0] == "fund":
            common = ["--env", harness.sim.base_url, "--config", str(config)]
        return runner.invoke(app, [*args, *common])

    yield invoke
    trade_cli.STATE.overrides = None


def _orders(h: Any) -> list[Any]:
    return asyncio.run(h.exchange_orders())


def _shards(h: Any) -> dict[int, Decimal]:
    async def read() -> dict[int, Decimal]:
        async with KalshiClient(h.sim.base_url, auth=h.auth) as client:
            balance = await client.get_balance()
            return {shard: balance.on_shard(shard) for shard in (0, 3)}

    return asyncio.run(read())


def _move(h: Any, amount: str, source: int, dest: int) -> None:
    async def send() -> None:
        async with KalshiClient(h.sim.base_url, auth=h.auth) as client:
            await client.intra_exchange_transfer(Decimal(amount), source_shard=source, destination_shard=dest)

    asyncio.run(send())


def _journal(h: Any, mode: str) -> Journal:
    return Journal(make_engine(f"sqlite:///{h.tmp / 'j.db'}"), mode, exchange=exchange_id(h.sim.base_url))


def test_once_live_with_max_size(cli: Any, harness: Any) -> None:
    result = cli("trade", "--once", "--live", "--confirm-live", "--max-size", "3")
    assert result.exit_code == 0, result.output
    (order,) = _orders(harness)
    assert order.initial_count == 3
    assert len(_journal(harness, "live").scans()) == 1  # --once: exactly one scan, then exit
    log = (harness.tmp / "auto_trader.log").read_text()
    assert "opportunities found" in log
    assert f"order: {order.ticker}" in log
    assert "value edge" in log
    assert "expected value" in log


def test_live_without_a_terminal_refuses_unless_confirmed(cli: Any, harness: Any) -> None:
    result = cli("trade", "--once", "--live")
    assert result.exit_code == 2
    assert "--confirm-live" in result.output
    assert _orders(harness) == []


def test_dry_run_is_the_default_and_min_value_filters(cli: Any, harness: Any) -> None:
    assert cli("trade", "--once").exit_code == 0
    assert _orders(harness) == []
    assert len(_journal(harness, "paper").orders()) == 1
    harness.tmp.joinpath("j.db").unlink()
    assert cli("trade", "--once", "--min-value", "0.5").exit_code == 0
    assert _journal(harness, "paper").orders() == []


def test_scan_json_prints_one_line_per_priced_match_and_orders_nothing(cli: Any, harness: Any) -> None:
    result = cli("scan", "--json")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    assert len(rows) == 2
    keys = {
        "tickers",
        "players",
        "p_model",
        "route",
        "price",
        "fee",
        "edge",
        "ev",
        "size",
        "decision",
        "reasons",
    }
    assert all(keys <= set(r) for r in rows)
    taken = [r for r in rows if r["decision"] == "taken"]
    assert len(taken) == 1
    assert taken[0]["p_model"] == pytest.approx(0.70)
    assert _orders(harness) == []
    assert _journal(harness, "paper").orders() == []


def test_kill_and_resume(cli: Any, harness: Any) -> None:
    assert cli("kill", "--reason", "test").exit_code == 0
    assert (harness.tmp / "KILL").exists()
    status = json.loads(cli("status", "--json").output)
    assert (status["state"], status["kill_switch"]) == ("HALTED", True)
    assert cli("trade", "--once", "--live", "--confirm-live").exit_code == 0
    assert _orders(harness) == []
    assert cli("resume").exit_code == 0
    assert not (harness.tmp / "KILL").exists()
    assert cli("trade", "--once", "--live", "--confirm-live").exit_code == 0
    assert len(_orders(harness)) == 1


def test_unmatched_lists_players_the_registry_does_not_know(cli: Any, harness: Any) -> None:
    partial = PlayerRegistry.from_records(
        [{"key": "atp:1", "name_first": "Alexander", "name_last": "Zverev"}]
    )
    trade_cli.STATE.overrides = Overrides(predictor=FixedModel(), resolver=partial, auth=harness.auth)
    assert cli("scan", "--json").exit_code == 0
    rows = [json.loads(line) for line in cli("unmatched", "--json").output.splitlines()]
    assert {r["name"] for r in rows} >= {"Karen Khachanov", "Felix Auger-Aliassime"}
    assert all(r["status"] == "unknown" for r in rows)


def test_stream_once_runs_one_interval_over_the_websocket(cli: Any, harness: Any) -> None:
    result = cli("trade", "--stream", "--once", "--scan-interval", "1", "--live", "--confirm-live")
    assert result.exit_code == 0, result.output
    assert len(_orders(harness)) == 1
    assert len(_journal(harness, "live").scans()) == 1


def test_fund_moves_cash_to_the_tennis_shard(cli: Any, harness: Any) -> None:
    before = _shards(harness)
    result = cli("fund", "--amount", "25.50", "--yes")
    assert result.exit_code == 0, result.output
    assert "transfer" in result.output
    after = _shards(harness)
    assert after[3] - before[3] == Decimal("25.50")
    assert before[0] - after[0] == Decimal("25.50")


def test_fund_without_a_terminal_refuses_unless_yes(cli: Any, harness: Any) -> None:
    before = _shards(harness)
    result = cli("fund", "--amount", "10", "--from-shard", "0", "--to-shard", "3")
    assert result.exit_code == 2
    assert "--yes" in result.output
    assert _shards(harness) == before
    assert cli("fund", "--amount", "-3", "--yes").exit_code != 0
    assert _shards(harness) == before


def test_a_thin_tennis_shard_is_reported_at_startup_in_status_and_doctor(cli: Any, harness: Any) -> None:
    _move(harness, "999.50", 3, 0)  # $0.50 left on shard 3: not enough for one 3-lot
    result = cli("trade", "--once", "--live", "--confirm-live", "--max-size", "3")
    assert result.exit_code == 0, result.output
    log = (harness.tmp / "auto_trader.log").read_text()
    assert "tennis shard 3 holds $0.5" in log
    assert "courtside fund" in log
    status = json.loads(cli("status", "--mode", "live", "--json").output)
    assert (Decimal(status["tennis_shard_cash"]), status["tennis_shard_low"]) == (Decimal("0.5"), True)
    assert "WARNING" in cli("status", "--mode", "live").output

    async def doctor() -> dict[str, Any]:
        async with KalshiClient(harness.sim.base_url, auth=harness.auth) as client:
            checks = await run_doctor(client, SystemClock(), with_auth=True, need=Decimal(3))
            return {c.name: c for c in checks}

    shard = asyncio.run(doctor())["tennis shard"]
    assert shard.verdict is Verdict.WARN
    assert "courtside fund" in shard.fix
    _move(harness, "10", 0, 3)
    assert cli("trade", "--once", "--live", "--confirm-live", "--max-size", "3").exit_code == 0
    assert json.loads(cli("status", "--mode", "live", "--json").output)["tennis_shard_low"] is False


# ---- each seed flag changes what the trader does (dry-run journal; Zverev is the one edge) ---------


def _zverev(h: Any) -> Any:
    rows = [d for d in _journal(h, "paper").decisions() if d.player_a.endswith("Zverev")]
    assert rows, "Zverev's match was not priced"
    return rows[-1]


def test_max_hours_filters_by_the_start_time(cli: Any, harness: Any) -> None:
    """Zverev plays in 5 h: --max-hours 4 refuses him with the reason, --max-hours 6 trades."""
    assert cli("trade", "--once", "--max-hours", "4").exit_code == 0
    assert _journal(harness, "paper").orders() == []
    row = _zverev(harness)
    assert row.decision == "refused"
    assert "max-hours 4.0" in row.reasons, row.reasons
    assert cli("trade", "--once", "--max-hours", "6").exit_code == 0
    assert len(_journal(harness, "paper").orders()) == 1


def test_min_volume_counts_contracts_traded(cli: Any, harness: Any) -> None:
    """Nothing has traded in the freshly listed markets: any --min-volume above 0 refuses."""
    assert cli("trade", "--once", "--min-volume", "1").exit_code == 0
    assert _journal(harness, "paper").orders() == []
    assert "min-volume 1" in _zverev(harness).reasons


def test_order_style_taker_crosses_at_the_ask_and_maker_rests_at_the_bid(cli: Any, harness: Any) -> None:
    assert cli("trade", "--once", "--live", "--confirm-live", "--order-style", "taker").exit_code == 0
    (taker,) = _journal(harness, "live").orders()
    assert (taker.time_in_force, taker.expiration) == ("immediate_or_cancel", None)
    (on_exchange,) = _orders(harness)
    assert on_exchange.fill_count > 0  # it crossed
    maker = _journal(harness, "paper")
    assert cli("trade", "--once", "--order-style", "maker").exit_code == 0
    (rest,) = maker.orders()
    assert rest.time_in_force == "good_till_canceled"
    assert rest.yes_price < taker.yes_price  # the bid side of the same book
    assert rest.expiration is not None


def test_kelly_fraction_scales_the_size_when_no_cap_binds(cli: Any, harness: Any) -> None:
    counts = []
    for fraction in ("0.05", "0.1"):
        harness.tmp.joinpath("j.db").unlink(missing_ok=True)
        big = ["--max-size", "100000", "--kelly-fraction", fraction]
        assert cli("trade", "--once", *big).exit_code == 0
        (order,) = _journal(harness, "paper").orders()
        counts.append(order.count)
    assert counts[0] > 0
    assert abs(counts[1] - 2 * counts[0]) <= 1, counts  # whole contracts, floored


def test_config_file_sets_values_and_flags_win(cli: Any, harness: Any) -> None:
    config = harness.tmp / "trader.toml"
    config.write_text(config.read_text() + "max-size = 2\n")
    assert cli("trade", "--once").exit_code == 0
    (order,) = _journal(harness, "paper").orders()
    assert order.count == 2
    harness.tmp.joinpath("j.db").unlink()
    assert cli("trade", "--once", "--max-size", "4").exit_code == 0
    (order,) = _journal(harness, "paper").orders()
    assert order.count == 4


def test_scan_json_says_how_many_contracts_the_fee_is_for(cli: Any, harness: Any) -> None:
    result = cli("scan", "--json", "--max-size", "3")
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    (taken,) = [r for r in rows if r["decision"] == "taken"]
    assert Decimal(taken["fee_contracts"]) == Decimal(taken["size"]) == 3


def test_status_never_cuts_a_ticker_or_order_id_short(cli: Any, harness: Any) -> None:
    assert cli("trade", "--once").exit_code == 0
    (order,) = _journal(harness, "paper").orders()
    result = cli("status")
    assert result.exit_code == 0, result.output
    assert "…" not in result.output
    # piped (as under CliRunner): one record per line, every id whole
    assert f"client_order_id={order.client_order_id} ticker={order.ticker} status=resting" in result.output


def test_once_exits_non_zero_when_its_scan_fails(cli: Any, harness: Any) -> None:
    """An unreachable exchange: the loop would retry next interval, but --once has no next interval,
    so a cron job or a shell must see the failure (exit 2 and the error, no traceback)."""
    harness.sim.control.fault(path_regex=r"/exchange/status$", status=503, count=100)
    result = cli("trade", "--once")
    assert result.exit_code == 2, result.output
    assert "exchange/status" in result.output
    assert "Traceback" not in result.output
    harness.sim.control.clear_faults()
    assert cli("trade", "--once").exit_code == 0


def test_model_weight_blends_with_the_market_and_changes_the_decision(cli: Any, harness: Any) -> None:
    """Zverev: model 0.70, market mid 0.55, maker bid 0.54. Alone the model trades; blended at
    --model-weight 0.1 (0.566) the EV after the maker fee is 4% < --min-ev. scan --json and the
    journal show both probabilities."""
    rows = [json.loads(line) for line in cli("scan", "--json", "--model-weight", "0.1").output.splitlines()]
    zverev = next(r for r in rows if r["players"][0].endswith("Zverev"))
    assert zverev["p_model"] == pytest.approx(0.70)
    assert 0.5 < zverev["p_market"] < 0.6
    assert zverev["p_market"] < zverev["p_blend"] < zverev["p_model"]
    assert zverev["decision"] == "refused"
    assert cli("trade", "--once", "--model-weight", "0.1").exit_code == 0
    assert _journal(harness, "paper").orders() == []
    row = _zverev(harness)
    assert (row.p_model, row.p_market, row.p_blend) == (
        pytest.approx(0.70),
        pytest.approx(zverev["p_market"]),
        pytest.approx(zverev["p_blend"]),
    )
    assert "< min-ev 0.05" in row.reasons, row.reasons
    harness.tmp.joinpath("j.db").unlink()
    assert cli("trade", "--once", "--model-weight", "1").exit_code == 0
    (order,) = _journal(harness, "paper").orders()
    assert order.ticker == zverev["tickers"][0]
    assert _zverev(harness).p_blend == pytest.approx(0.70)


def test_scan_piped_is_one_readable_record_per_match_naming_the_leg(cli: Any, harness: Any) -> None:
    """`courtside scan > file`: no table squeezed into 80 columns, one key=value line per match; the
    probabilities are of player A, the price of the buy shown and the player it backs."""
    result = cli("scan")
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("a_vs_b=")]
    assert len(lines) == 2
    zverev = next(line for line in lines if "Zverev vs" in line)
    assert "p_a_model=0.700" in zverev
    assert "decision=taken" in zverev
    assert re.search(r'backs="?[^=]*Zverev"? price=0\.54 ', zverev), zverev
    assert "# P(A): the probability that A, the first player named, wins" in result.output
    assert all(len(line) > 80 for line in lines)  # never wrapped
