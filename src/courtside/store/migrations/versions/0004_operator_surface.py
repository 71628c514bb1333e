"""The operator's surface (issue 12): each trader run and its health (trader_runs), the equity curve
(trader_equity_points), the controls pressed with who and when (trader_controls), the alerts emitted
(trader_alerts), and the scheduled start of the match a decision was about (trader_decisions.match_start,
for a resting order's distance to the start). New tables and a nullable column: nothing to copy.
Column types are written out (not imported from the models), so this revision stays what it was when
the models change: times as DateTime (UTC, as the journal stores them), money as exact decimal strings.

Revision ID: 0004
Revises: 0003 (issue 11: decisions.rank, match stops, inferred tournaments)
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from courtside.store.migrations.schema_v2 import EXCHANGE_LENGTH

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _book() -> list[sa.Column[str]]:
    return [
        sa.Column("exchange", sa.String(EXCHANGE_LENGTH), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
    ]


def _runs() -> None:
    op.create_table(
        "trader_runs",
        sa.Column("id", sa.Integer, primary_key=True),
        *_book(),
        sa.Column("started_at", sa.DateTime(), nullable=False),
        sa.Column("pid", sa.Integer, nullable=False),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("stream", sa.Boolean, nullable=False),
        sa.Column("scan_interval", sa.Float, nullable=False),
        sa.Column("model_version", sa.String(200), nullable=False),
        sa.Column("results_through", sa.Date, nullable=True),
        sa.Column("max_model_age", sa.Integer, nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(), nullable=False),
        sa.Column("last_scan_at", sa.DateTime(), nullable=True),
        sa.Column("exchange_status", sa.String(40), nullable=False),
        sa.Column("exchange_checked_at", sa.DateTime(), nullable=True),
        sa.Column("exchange_paused_at", sa.DateTime(), nullable=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("failing_since", sa.DateTime(), nullable=True),
        sa.Column("last_error", sa.Text, nullable=False),
        sa.Column("ws_state", sa.String(20), nullable=True),
        sa.Column("ws_books", sa.Integer, nullable=False),
        sa.Column("ws_reconnects", sa.Integer, nullable=False),
        sa.Column("ws_message_at", sa.DateTime(), nullable=True),
        sa.Column("stopped_at", sa.DateTime(), nullable=True),
        sa.Column("stop_reason", sa.Text, nullable=False),
    )
    op.create_index("ix_trader_runs_exchange_mode", "trader_runs", ["exchange", "mode"])


def _curve_controls_alerts() -> None:
    op.create_table(
        "trader_equity_points",
        sa.Column("id", sa.Integer, primary_key=True),
        *_book(),
        sa.Column("ts", sa.DateTime(), nullable=False),
        sa.Column("equity", sa.String(40), nullable=False),
        sa.Column("peak", sa.String(40), nullable=False),
    )
    op.create_index(
        "ix_trader_equity_points_exchange_mode_ts", "trader_equity_points", ["exchange", "mode", "ts"]
    )
    op.create_table(
        "trader_controls",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("ts", sa.DateTime(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("exchange", sa.String(EXCHANGE_LENGTH), nullable=True),
        sa.Column("mode", sa.String(8), nullable=True),
        sa.Column("who", sa.String(200), nullable=False),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("result", sa.Text, nullable=False),
    )
    op.create_index("ix_trader_controls_ts", "trader_controls", ["ts"])
    op.create_table(
        "trader_alerts",
        sa.Column("id", sa.Integer, primary_key=True),
        *_book(),
        sa.Column("ts", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("key", sa.String(300), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
    )
    op.create_index("ix_trader_alerts_exchange_mode", "trader_alerts", ["exchange", "mode"])
    op.create_index("ix_trader_alerts_ts", "trader_alerts", ["ts"])


def upgrade() -> None:
    _runs()
    _curve_controls_alerts()
    with op.batch_alter_table("trader_decisions") as batch:
        batch.add_column(sa.Column("match_start", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("trader_decisions") as batch:
        batch.drop_column("match_start")
    for name in ("trader_alerts", "trader_controls", "trader_equity_points", "trader_runs"):
        op.drop_table(name)
