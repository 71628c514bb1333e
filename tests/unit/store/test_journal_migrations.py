"""The journal's schema is Alembic's: a new journal equals the models; a journal written by the last
version before Alembic (its tables exactly as schema_v1 freezes them, no version table) or by an
older one (without the columns added since) migrates on opening without losing a row, its rows
filed under prod; keys hold per (exchange, mode) afterwards; the way down refuses to merge exchanges."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, insert, inspect, text

import courtside.store.journal_tables
import courtside.store.operator_tables  # noqa: F401  (the models on Base, the operator's tables too)
from courtside.domain.mode import Mode
from courtside.store.db import Base, is_journal_table
from courtside.store.journal import Journal, NewOrder
from courtside.store.journal_tables import DecisionRow
from courtside.store.migrate import VERSION_TABLE, alembic_config, head, revision_of
from courtside.store.migrations.schema_v1 import metadata_v1
from courtside.venue.paper_ledger import PaperLedger

NOW = datetime(2026, 9, 8, 12, tzinfo=UTC)
OLD = "2026-09-01 10:00:00"
WHEN = datetime(2026, 9, 1, 10)  # naive UTC, as the journal stores it
COID = "cs-E1-Y-ZVE-260901"


def _engine(tmp_path: Path) -> Engine:
    return create_engine(f"sqlite:///{tmp_path / 'journal.db'}")


def _v1_journal(engine: Engine) -> None:
    """A journal as the last version before Alembic left it, with a row in the tables that count."""
    tables = metadata_v1().tables
    metadata_v1().create_all(engine)
    order = {
        "id": 7, "client_order_id": COID, "mode": "live", "event_ticker": "E1", "ticker": "E1-ZVE",
        "route": "Y-ZVE", "side": "bid", "outcome": "yes", "yes_price": "0.54", "count": "3",
        "time_in_force": "good_till_canceled", "attempt": 0, "status": "resting", "order_id": "o-1",
        "fill_count": "0", "fees": "0", "detail": "", "created_at": WHEN, "updated_at": WHEN,
    }  # fmt: skip
    equity = {
        "mode": "live", "peak": "1010.00", "peak_at": WHEN, "equity": "990.00", "measured_at": WHEN,
        "tripped_reason": "max drawdown: test", "tripped_at": WHEN,
    }  # fmt: skip
    scan = {
        "id": 1, "mode": "paper", "started_at": WHEN, "events": 3, "matches": 2, "skipped": 1,
        "opportunities": 1, "orders": 1, "requests": 0, "note": "",
    }  # fmt: skip
    with engine.begin() as conn:
        conn.execute(insert(tables["trader_orders"]).values(**order))
        conn.execute(insert(tables["trader_equity"]).values(**equity))
        conn.execute(insert(tables["trader_scans"]).values(**scan))
        conn.execute(insert(tables["paper_cash"]).values(id=1, starting="750"))
        state = {"id": 1, "state": "HALTED", "reason": "panic", "updated_at": WHEN}
        conn.execute(insert(tables["trader_state"]).values(**state))


def _journal_only(_obj: object, name: str | None, kind: str, _reflected: bool, _other: object) -> bool:
    return kind != "table" or (name is not None and is_journal_table(name))


def test_a_new_journal_has_exactly_the_schema_of_the_models(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    Journal(engine, Mode.PAPER, exchange="prod")
    assert revision_of(engine) == head()
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_object": _journal_only}
        assert compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata) == []


def test_the_last_journal_before_alembic_migrates_on_opening_without_losing_a_row(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    _v1_journal(engine)
    assert VERSION_TABLE not in inspect(engine).get_table_names()
    live = Journal(engine, Mode.LIVE, exchange="prod")  # opening migrates
    assert revision_of(engine) == head()
    (order,) = live.orders()
    assert (order.id, order.exchange, order.client_order_id) == (7, "prod", COID)
    assert order.yes_price == Decimal("0.54")
    mark = live.equity_mark()
    assert mark is not None
    assert (mark.exchange, mark.peak, mark.tripped_reason) == (
        "prod",
        Decimal("1010.00"),
        "max drawdown: test",
    )
    assert len(live.book(Mode.PAPER).scans()) == 1
    assert live.state() == ("HALTED", "panic")  # the kill switch stays global
    assert PaperLedger(engine, Decimal(1000), exchange="prod").funds(3).cash == Decimal(750)  # kept
    # the rows are prod's: another exchange sees none of them, and may use the same ids
    sim = Journal(engine, Mode.LIVE, exchange="http://127.0.0.1:8123/trade-api/v2")
    assert (sim.orders(), sim.equity_mark(), sim.drawdown_trip()) == ([], None, None)
    again = NewOrder(COID, "E1", "E1-ZVE", "Y-ZVE", "bid", "yes", Decimal("0.5"), Decimal(1),
                     "good_till_canceled", None, 0, None)  # fmt: skip
    assert sim.record_intent(again, NOW).exchange == sim.exchange
    assert len(live.orders()) == 1


def test_an_older_journal_gains_the_columns_added_since_and_keeps_its_rows(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    _v1_journal(engine)
    old_row = (
        "INSERT INTO trader_decisions (mode, ts, event_ticker, ticker_a, ticker_b, player_a, player_b, "
        f"p_model, route, style, decision, reasons, model_version) VALUES ('paper', '{OLD}', 'OLD', '', '', "
        "'', '', 0.6, '', '', 'refused', 'x', '')"
    )
    with engine.begin() as conn:  # before the market blend
        conn.execute(text("ALTER TABLE trader_decisions DROP COLUMN p_market"))
        conn.execute(text("ALTER TABLE trader_decisions DROP COLUMN p_blend"))
        conn.execute(text(old_row))
    paper = Journal(engine, Mode.PAPER, exchange="prod")
    new = DecisionRow(scan_id=1, ts=NOW, event_ticker="NEW", p_model=0.7, p_market=0.55, p_blend=0.58,
                      decision="taken")  # fmt: skip
    paper.record_decision(new)
    old, new = paper.decisions()
    assert (old.event_ticker, old.exchange, old.p_model, old.p_blend) == ("OLD", "prod", 0.6, None)
    assert (new.p_model, new.p_market, new.p_blend) == (0.7, 0.55, 0.58)


def test_opening_twice_migrates_once(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    Journal(engine, Mode.LIVE, exchange="prod")
    Journal(create_engine(f"sqlite:///{tmp_path / 'journal.db'}"), Mode.LIVE, exchange="prod")
    assert revision_of(engine) == head()


def test_the_way_down_keeps_one_exchange_and_refuses_two(tmp_path: Path) -> None:
    engine = _engine(tmp_path)
    _v1_journal(engine)
    Journal(engine, Mode.LIVE, exchange="prod")
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0001")
    assert "exchange" not in {c["name"] for c in inspect(engine).get_columns("trader_orders")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT client_order_id FROM trader_orders")).scalar() == COID
    fresh = create_engine(f"sqlite:///{tmp_path / 'journal.db'}")
    Journal(fresh, Mode.LIVE, exchange="demo").mark_traded("E2", NOW, "order")  # a second exchange
    with fresh.begin() as conn:  # the revisions after 0002 go down without touching the exchanges
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0002")
    with fresh.begin() as conn:
        cfg.attributes["connection"] = conn
        with pytest.raises(RuntimeError, match="2 exchanges"):
            command.downgrade(cfg, "0001")
    assert revision_of(fresh) == "0002"  # refused before anything changed
