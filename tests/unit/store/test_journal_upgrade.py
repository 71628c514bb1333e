"""A journal written before the blend columns existed keeps working: init_db adds the new nullable
columns instead of leaving every insert to fail."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from courtside.store.journal import DecisionRow
from courtside.store.trading import Journal

NOW = datetime(2026, 9, 8, 12, tzinfo=UTC)


def test_an_old_decisions_table_gains_the_probability_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    Journal(create_engine(url), "paper")
    engine = create_engine(url)
    with engine.begin() as conn:  # as an older version left it: no p_market / p_blend
        conn.execute(text("ALTER TABLE trader_decisions DROP COLUMN p_market"))
        conn.execute(text("ALTER TABLE trader_decisions DROP COLUMN p_blend"))
        conn.execute(
            text(
                "INSERT INTO trader_decisions (mode, ts, event_ticker, ticker_a, ticker_b, player_a, "
                "player_b, p_model, route, style, decision, reasons, model_version) VALUES ('paper', "
                "'2026-09-01 10:00:00', 'OLD', '', '', '', '', 0.6, '', '', 'refused', 'x', '')"
            )
        )
    assert "p_blend" not in {c["name"] for c in inspect(engine).get_columns("trader_decisions")}
    journal = Journal(create_engine(url), "paper")
    journal.record_decision(
        DecisionRow(
            scan_id=1, ts=NOW, event_ticker="NEW", p_model=0.7, p_market=0.55, p_blend=0.58, decision="taken"
        )
    )
    old, new = journal.decisions()
    assert (old.event_ticker, old.p_model, old.p_blend) == ("OLD", 0.6, None)
    assert (new.p_model, new.p_market, new.p_blend) == (0.7, 0.55, 0.58)
