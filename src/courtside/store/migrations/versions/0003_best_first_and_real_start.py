"""Best first and the real start: a rank on each decision (its place among the scan's candidates,
best expected profit first), the matches stopped for good per exchange and mode (begun, or their
start near when their orders were cancelled: never ordered on again), and the tournaments priced by
inference (global, like the unmatched players, for `courtside unmatched`).

Nothing is rewritten: a column is added (NULL for decisions made before it) and two tables created.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from courtside.store.migrations.schema_v2 import EXCHANGE_LENGTH

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("trader_decisions") as batch:
        batch.add_column(sa.Column("rank", sa.Integer(), nullable=True))
    op.create_table(
        "trader_match_stops",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("exchange", sa.String(EXCHANGE_LENGTH), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("event_ticker", sa.String(80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("ts", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "exchange", "mode", "event_ticker", name="uq_trader_match_stops_exchange_mode_event_ticker"
        ),
    )
    op.create_index("ix_trader_match_stops_exchange_mode", "trader_match_stops", ["exchange", "mode"])
    op.create_table(
        "trader_inferred_tournaments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("tour", sa.String(4), nullable=False),
        sa.Column("level", sa.String(20), nullable=False),
        sa.Column("surface", sa.String(10), nullable=False),
        sa.Column("best_of", sa.Integer(), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("event_ticker", sa.String(80), nullable=False),
        sa.Column("first_seen", sa.DateTime(), nullable=False),
        sa.Column("last_seen", sa.DateTime(), nullable=False),
        sa.Column("times", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name", "tour", name="uq_trader_inferred_tournaments_name_tour"),
    )


def downgrade() -> None:
    op.drop_table("trader_inferred_tournaments")
    op.drop_index("ix_trader_match_stops_exchange_mode", table_name="trader_match_stops")
    op.drop_table("trader_match_stops")
    with op.batch_alter_table("trader_decisions") as batch:
        batch.drop_column("rank")
