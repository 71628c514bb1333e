"""The user guide's log lines as people grep them, and the refusal reasons counted by kind for the
table `courtside scan` ends with."""

from __future__ import annotations

import ast
import logging
from decimal import Decimal
from pathlib import Path

import pytest

from courtside.app import guide
from courtside.app.logs import setup_logging
from courtside.app.scan_result import MatchVerdict, reason_kind, top_reasons
from courtside.markets.match import parse_match
from courtside.strategy.decide import OrderIntent, PricedMatch, StrategyParams, StrategyState, decide
from courtside.strategy.sizing import SizingParams
from trader_factories import NOW, event, series, two_books

D = Decimal


def _intent() -> OrderIntent:
    m = parse_match(event(), series())
    params = StrategyParams(max_hours=1000, min_minutes=0, sizing=SizingParams(max_size=D(10)))
    d = decide(PricedMatch(m, 0.60), two_books(m.tickers), params, StrategyState(NOW, D(1000), D(0)))
    assert isinstance(d, OrderIntent), d
    return d


def test_the_order_is_a_python_dict_literal_with_the_outcome_bought_and_its_price() -> None:
    intent = _intent()
    parsed = ast.literal_eval(guide.order_text(intent))
    assert parsed == {
        "ticker": intent.ticker,
        "side": intent.quote.route.outcome.value,
        "action": "buy",
        "count": int(intent.count),
        "price": float(intent.quote.price),
    }
    assert "Decimal" not in guide.order_text(intent)


def test_the_lines_go_to_the_file_in_the_guide_s_order_and_not_to_the_console(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    log_file = tmp_path / "logs" / "auto_trader.log"
    setup_logging(log_file, console=True)
    intent = _intent()
    guide.scan_started()
    guide.opportunities(3)
    guide.order(intent, "Alexander Zverev wins", dry_run=True)
    guide.order(intent, "Alexander Zverev wins", dry_run=False)
    guide.scan_done(2)
    logging.getLogger("courtside.trader").info("a richer console line")
    text = log_file.read_text(encoding="utf-8")
    messages = [line.split(": ", 1)[1] for line in text.splitlines() if "courtside.guide" in line]
    edge = f"{(intent.quote.value_edge * 100).quantize(D('0.1'))}%"
    ev = f"{(intent.quote.ev * 100).quantize(D('0.1'))}%"
    assert messages == [
        "Starting market scan...",
        "Found 3 tradable opportunities",
        f"[DRY RUN] Would place order: {guide.order_text(intent)}",
        "  Opportunity: Alexander Zverev wins",
        f"  Value edge: {edge}",
        f"  Expected value: {ev}",
        f"Placed order: {guide.order_text(intent)}",
        "  Opportunity: Alexander Zverev wins",
        f"  Value edge: {edge}",
        f"  Expected value: {ev}",
        "Placed 2 trades in this scan",
    ]
    console = capsys.readouterr().err
    assert "a richer console line" in console
    assert "Would place order" not in console
    assert "Starting market scan" not in console


def test_reasons_of_one_kind_count_together() -> None:
    assert (
        reason_kind("EV 0.0123 < min-ev 0.05") == reason_kind("EV -0.2000 < min-ev 0.05") == "EV N < min-ev N"
    )
    assert reason_kind("starts in 71.6 h > max-hours 48.0") == "starts in N h > max-hours N"
    assert (
        reason_kind("KXATPMATCH-26SEP08ZVEVAN: tournament 'WTA Guangzhou' is not in the tournament table")
        == "tournament '…' is not in the tournament table"
    )
    assert reason_kind("player not identified: Carlos Sanchez Jover (unknown)") == "player not identified"
    assert (
        reason_kind(
            "orders-per-scan cap taken by better #1-#5: KXA-1, KXB-2 (already 5 orders this scan (max 5))"
        )
        == "orders-per-scan cap taken by better"
    )
    assert reason_kind("no order book for one of the markets") == "no order book for one of the markets"


def test_top_reasons_count_matches_not_taken_commonest_first() -> None:
    def v(decision: str, *reasons: str) -> MatchVerdict:
        return MatchVerdict("E", (), (), None, decision, reasons)

    items = [
        v("refused", "EV 0.01 < min-ev 0.05", "value edge 0.0100 < min-value 0.02"),
        v("refused", "EV 0.03 < min-ev 0.05"),
        v("skipped", "player not identified: A (unknown)"),
        v("taken"),
        v("holding", "an order already rests on KXATPMATCH-26SEP08ZVEVAN-ZVE"),
    ]
    assert top_reasons(items) == [
        ("EV N < min-ev N", 2),
        ("an order already rests on <market>", 1),
        ("player not identified", 1),
        ("value edge N < min-value N", 1),
    ]
