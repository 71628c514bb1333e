"""The journal's tables as revision 0002 leaves them, written as version 1 (schema_v1.py) and the
change of each table: an `exchange` column everywhere, a `mode` on the paper ledger, keys and
indexes per (exchange, mode). Frozen like version 1: a later change of schema is a new revision.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.sql.schema import SchemaItem

from courtside.store.migrations.schema_v1 import metadata_v1

LEGACY_EXCHANGE = "prod"
EXCHANGE_LENGTH = 200


@dataclass(frozen=True)
class Change:
    """How one table changes: its new primary key and unique key, indexes added and dropped, a mode
    column added (the paper ledger) and columns dropped."""

    pk: tuple[str, ...] | None = None
    unique: tuple[str, ...] | None = None
    drop_unique: bool = False  # the table's unique key of version 1 goes (replaced by `unique`)
    index: tuple[str, ...] = ("exchange", "mode")
    drop_index: str | None = None
    mode: bool = False
    drop_columns: tuple[str, ...] = ()


CHANGES: dict[str, Change] = {
    "trader_scans": Change(),
    "trader_decisions": Change(),
    "trader_orders": Change(
        unique=("exchange", "mode", "client_order_id"), drop_unique=True, drop_index="ix_trader_orders_mode"
    ),
    "trader_fills": Change(unique=("exchange", "mode", "fill_id"), drop_unique=True),
    "trader_positions": Change(unique=("exchange", "mode", "ticker"), drop_unique=True),
    "trader_settlements": Change(unique=("exchange", "mode", "ticker"), drop_unique=True),
    "trader_traded_events": Change(unique=("exchange", "mode", "event_ticker"), drop_unique=True),
    "trader_start_prices": Change(unique=("exchange", "ticker"), drop_unique=True, index=("exchange",)),
    "trader_equity": Change(pk=("exchange", "mode"), index=()),
    "trader_shard_cash": Change(pk=("exchange", "mode"), index=()),
    "paper_orders": Change(unique=("exchange", "client_order_id"), drop_unique=True, mode=True),
    "paper_fills": Change(mode=True),
    "paper_settlements": Change(pk=("exchange", "ticker"), index=(), mode=True),
    "paper_cash": Change(pk=("exchange",), index=(), mode=True, drop_columns=("id",)),
}


def _name(prefix: str, table: str, columns: Sequence[str]) -> str:
    return f"{prefix}_{table}_{'_'.join(columns)}"


def target(name: str, md: sa.MetaData, table_name: str) -> sa.Table:
    """The version-2 table `name`, created as `table_name`, without its indexes."""
    old, change = metadata_v1().tables[name], CHANGES[name]
    pk = change.pk or tuple(c.name for c in old.primary_key.columns)
    columns = [sa.Column("exchange", sa.String(EXCHANGE_LENGTH), nullable=False)]
    if change.mode:
        columns.append(sa.Column("mode", sa.String(8), nullable=False))
    for c in old.columns:
        if c.name not in change.drop_columns:
            columns.append(sa.Column(c.name, c.type, nullable=c.nullable and c.name not in pk))
    args: list[SchemaItem] = [sa.PrimaryKeyConstraint(*pk, name=f"pk_{name}")]
    kept = [] if change.drop_unique else [u for u in old.constraints if isinstance(u, sa.UniqueConstraint)]
    for u in kept:
        cols = [c.name for c in u.columns]
        args.append(sa.UniqueConstraint(*cols, name=_name("uq", name, cols)))
    if change.unique:
        args.append(sa.UniqueConstraint(*change.unique, name=_name("uq", name, change.unique)))
    return sa.Table(table_name, md, *columns, *args)


def indexes(name: str) -> list[tuple[str, list[str]]]:
    """The indexes of the version-2 table: version 1's (less the one dropped) and the new one."""
    change = CHANGES[name]
    out = [
        (str(i.name), [c.name for c in i.columns])
        for i in metadata_v1().tables[name].indexes
        if i.name != change.drop_index
    ]
    if change.index:
        out.append((_name("ix", name, change.index), list(change.index)))
    return out
