"""Every journal row knows its exchange: an `exchange` column (NOT NULL: prod, demo or a normalised
base URL, kalshi.env.exchange_id) on orders, fills, scans, decisions, positions, settlements, traded
events, start prices, equity marks and the paper ledger, which also records its mode; the unique keys
and primary keys that held per mode hold per (exchange, mode); indexes on (exchange, mode); a new
table of stops per (exchange, mode) (trader_stops: consecutive failed scans). The trading state
(the kill switch) and the unmatched players stay global.

Rows written before this revision get the exchange `prod`: the only exchange the versions before it
defaulted to, and the safe reading (a high-water mark or a drawdown stop kept from them can only stop
prod trading, never let it run unchecked). A journal that also holds simulator or demo rows keeps
them under prod: `courtside resume --exchange prod --reset-peak` starts prod's marks afresh.

Each table is rebuilt (new table, rows copied, old table dropped, new one renamed, indexes made), the
portable way to change keys and add NOT NULL columns on SQLite and elsewhere.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from courtside.store.migrations.schema_v1 import metadata_v1
from courtside.store.migrations.schema_v2 import CHANGES, EXCHANGE_LENGTH, LEGACY_EXCHANGE, indexes, target

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _rebuild(name: str) -> None:
    bind = op.get_bind()
    new = target(name, sa.MetaData(), f"{name}__v2")
    new.create(bind)
    old = metadata_v1().tables[name]
    copied = [c.name for c in old.columns if c.name not in CHANGES[name].drop_columns]
    fixed = {"exchange": sa.literal(LEGACY_EXCHANGE)}
    if CHANGES[name].mode:
        fixed["mode"] = sa.literal("paper")
    select = sa.select(*fixed.values(), *(old.c[c] for c in copied))
    bind.execute(sa.insert(new).from_select([*fixed, *copied], select))
    op.drop_table(name)
    op.rename_table(new.name, name)
    for index, cols in indexes(name):
        op.create_index(index, name, cols)
    if bind.dialect.name == "postgresql" and "id" in copied and "id" in new.primary_key.columns:
        ids = sa.table(name, sa.column("id"))
        sequence = sa.func.pg_get_serial_sequence(name, "id")
        bind.execute(sa.select(sa.func.setval(sequence, sa.func.coalesce(sa.func.max(ids.c.id), 1))))


def upgrade() -> None:
    for name in CHANGES:
        _rebuild(name)
    op.create_table(
        "trader_stops",
        sa.Column("exchange", sa.String(EXCHANGE_LENGTH), nullable=False),
        sa.Column("mode", sa.String(8), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("since", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("exchange", "mode", "kind", name="pk_trader_stops"),
    )


def _refuse_several_exchanges() -> None:
    """Version 1 has room for one exchange: refuse, before anything changes, to fold several."""
    bind = op.get_bind()
    found: set[str] = set()
    for name in CHANGES:
        table = sa.table(name, sa.column("exchange"))
        found |= set(bind.execute(sa.select(table.c.exchange).distinct()).scalars())
    if len(found) > 1:
        raise RuntimeError(
            f"the journal holds rows of {len(found)} exchanges ({sorted(found)}): version 1 cannot"
        )


def _downgrade(name: str) -> None:
    bind = op.get_bind()
    old = metadata_v1().tables[name]
    back = old.to_metadata(sa.MetaData(), name=f"{name}__v1")
    for index in list(back.indexes):
        back.indexes.discard(index)
    back.create(bind)
    copied = [c.name for c in old.columns if c.name not in CHANGES[name].drop_columns]
    source = sa.table(name, *(sa.column(c) for c in copied))
    bind.execute(sa.insert(back).from_select(copied, sa.select(*source.c)))
    op.drop_table(name)
    op.rename_table(back.name, name)
    for index in old.indexes:
        op.create_index(str(index.name), name, [c.name for c in index.columns])


def downgrade() -> None:
    _refuse_several_exchanges()
    op.drop_table("trader_stops")
    for name in CHANGES:
        _downgrade(name)
