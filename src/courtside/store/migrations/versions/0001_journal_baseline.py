"""The journal as it was before Alembic: every table created, and the nullable columns that journals
of earlier versions lack (decisions' p_market and p_blend, equity's tripped_reason and tripped_at)
added, so a journal written by any older version arrives at one known schema without losing a row.

Revision ID: 0001
Revises:
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from courtside.store.migrations.schema_v1 import metadata_v1

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    present = set(sa.inspect(bind).get_table_names())
    for table in metadata_v1().sorted_tables:
        if table.name not in present:
            table.create(bind)
            continue
        have = {c["name"] for c in sa.inspect(bind).get_columns(table.name)}
        for column in table.columns:
            if column.name not in have:
                if not column.nullable:
                    raise RuntimeError(f"journal table {table.name} lacks the required column {column.name}")
                op.add_column(table.name, sa.Column(column.name, column.type, nullable=True))


def downgrade() -> None:
    for table in reversed(metadata_v1().sorted_tables):
        op.drop_table(table.name)
