"""A journal written before the blend columns existed keeps working: init_db adds the new nullable
columns instead of leaving every insert to fail."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from sqlalchemy import create_engine, inspect, text

from courtside.store.journal import Journal
from courtside.store.journal_tables import DecisionRow

NOW = datetime(2026, 9, 8, 12, tzinfo=UTC)


def test_an_old_decisions_table_gains_the_probability_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    Journal(create_engine(url), "paper")
    engine = create_engine(url)
    with engine.begin() as conn:  # as an older version left it: no p_market / p_blend, no Alembic
        conn.execute(text("DROP TABLE journal_alembic_version"))
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


def test_an_old_equity_table_gains_the_drawdown_stop_columns_and_keeps_its_mark(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    Journal(create_engine(url), "paper")
    engine = create_engine(url)
    with engine.begin() as conn:  # trader_equity as the version before the per-mode stop made it
        conn.execute(text("DROP TABLE journal_alembic_version"))
        conn.execute(text("DROP TABLE trader_equity"))
        conn.execute(
            text(
                "CREATE TABLE trader_equity (mode VARCHAR(8) NOT NULL, peak VARCHAR(40) NOT NULL, "
                "peak_at DATETIME NOT NULL, equity VARCHAR(40) NOT NULL, measured_at DATETIME NOT NULL, "
                "PRIMARY KEY (mode))"
            )
        )
        conn.execute(
            text(
                "INSERT INTO trader_equity VALUES ('live', '1000.00', '2026-09-01 10:00:00', '990.00', "
                "'2026-09-01 11:00:00')"
            )
        )
    assert "tripped_reason" not in {c["name"] for c in inspect(engine).get_columns("trader_equity")}
    live = Journal(create_engine(url), "live")
    assert {"tripped_reason", "tripped_at"} <= {
        c["name"] for c in inspect(engine).get_columns("trader_equity")
    }
    mark = live.equity_mark()
    assert mark is not None
    assert (mark.peak, mark.equity, mark.tripped_reason) == (Decimal("1000.00"), Decimal("990.00"), None)
    assert live.drawdown_trip() is None
    assert live.trip_drawdown("max drawdown: test", NOW)
    assert live.drawdown_trip() == ("max drawdown: test", NOW)
    assert Journal(create_engine(url), "paper").drawdown_trip() is None
