"""`courtside report` over a journal written through the journal's own API (store.trading.Journal)."""

import csv
import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal as D
from pathlib import Path

from typer.testing import CliRunner

from courtside.cli import app
from courtside.cli.registry import register
from courtside.domain.orders import BookSide, Fill, Outcome, Settlement
from courtside.store.db import make_engine
from courtside.store.journal import Journal, NewOrder
from courtside.store.journal_tables import DecisionRow

T0 = datetime(2026, 6, 11, 12, 0, tzinfo=UTC)


def _trade(journal: Journal, n: int, *, p_a: float, ticker: str, outcome: Outcome, yes_price: D,
           count: D, fee: D) -> str:  # fmt: skip
    event = f"KXATPMATCH-26JUN11E{n}"
    decision = journal.record_decision(
        DecisionRow(mode="", ts=T0, event_ticker=event, ticker_a=f"{event}-AAA", ticker_b=f"{event}-BBB",
                    p_model=p_a, decision="taken", route="r", reasons="")
    )  # fmt: skip
    side = BookSide.to_buy(outcome)
    order = NewOrder(f"coid-{n}", event, f"{event}-{ticker}", "r", side.value, outcome.value, yes_price,
                     count, "immediate_or_cancel", None, 0, decision)  # fmt: skip
    journal.record_intent(order, T0)
    journal.update_order(f"coid-{n}", T0, status="executed", order_id=f"o{n}", fill_count=count, fees=fee)
    journal.add_fills([Fill(f"f{n}", f"o{n}", f"{event}-{ticker}", side, outcome, count, yes_price, True, fee,
                            T0 + timedelta(days=n))])  # fmt: skip
    return f"{event}-{ticker}"


def _settle(journal: Journal, ticker: str, result: str, yes: D, no: D, revenue: D, n: int) -> None:
    journal.add_settlements([Settlement(ticker, ticker.rsplit("-", 1)[0], result, yes, no, D(0), D(0),
                                        revenue, D(0), T0 + timedelta(days=n, hours=3))])  # fmt: skip


def build(url: str) -> None:
    journal = Journal(make_engine(url), "paper", exchange="prod")
    t1 = _trade(journal, 1, p_a=0.6, ticker="AAA", outcome=Outcome.YES, yes_price=D("0.51"), count=D(10),
                fee=D("0.1750"))  # fmt: skip
    _settle(journal, t1, "yes", D(10), D(0), D(10), 1)
    journal.record_start_price(t1, "e1", D("0.52"), D("0.54"), T0)
    t2 = _trade(journal, 2, p_a=0.3, ticker="AAA", outcome=Outcome.NO, yes_price=D("0.60"), count=D(5),
                fee=D("0.0840"))  # fmt: skip
    _settle(journal, t2, "yes", D(0), D(5), D(0), 2)
    t4 = _trade(journal, 4, p_a=0.5, ticker="AAA", outcome=Outcome.YES, yes_price=D("0.45"), count=D(4),
                fee=D("0.0693"))  # fmt: skip
    _settle(journal, t4, "scalar", D(4), D(0), D("2.20"), 4)
    _trade(journal, 5, p_a=0.5, ticker="BBB", outcome=Outcome.YES, yes_price=D("0.30"), count=D(2),
           fee=D("0.0294"))  # fmt: skip


def test_report_scores_the_journal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'journal.db'}"
    build(url)
    register(app)
    out = tmp_path / "report"
    res = CliRunner().invoke(app, ["report", "--db", url, "--mode", "paper", "--out", str(out), "--json"])
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    # 10 x 0.49 - 0.175 = 4.725; 5 x (0 - 0.40) - 0.084 = -2.084; scalar 0.55: 4 x 0.10 - 0.0693 = 0.3307
    assert D(summary["pnl"]) == D("2.9717")
    assert D(summary["turnover"]) == D("8.90")
    assert (summary["settled_fills"], summary["open_fills"]) == (3, 1)
    assert D(summary["open_cost"]) == D("0.6294")
    assert summary["fills_with_clv"] == 1
    assert abs(summary["mean_clv"] - 0.02) < 1e-9  # start mid 0.53 - 0.51 paid
    assert summary["hit_rate"] == 2 / 3
    with (out / "fills.csv").open() as fh:
        fills = list(csv.DictReader(fh))
    assert [f["pnl"] for f in fills] == ["4.7250", "-2.0840", "0.3307", ""]
    for name in ("equity.png", "calibration.png", "exposure.png"):
        assert (out / name).stat().st_size > 1000


def test_a_journal_path_that_does_not_exist_is_refused_not_created(tmp_path: Path) -> None:
    register(app)
    path = tmp_path / "typo.db"
    res = CliRunner().invoke(app, ["report", "--db", f"sqlite:///{path}", "--out", str(tmp_path / "r")])
    assert res.exit_code == 2
    assert "no journal at" in res.output
    assert not path.exists()
