"""Alembic's environment for the journal: only the trader_* and paper_* tables (the match history is
kept apart), batch mode so SQLite can rebuild tables. store/migrate.py passes the connection; run
from the `alembic` command line (developers), sqlalchemy.url comes from the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool

import courtside.store.journal_tables
import courtside.store.operator_tables  # noqa: F401  (registers the journal's and the operator's tables on Base)
from courtside.store.db import Base, is_journal_table

config = context.config
target_metadata = Base.metadata


def include_name(name: str | None, type_: str, _parents: object) -> bool:
    return type_ != "table" or (name is not None and is_journal_table(name))


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        engine = engine_from_config(
            config.get_section(config.config_ini_section, {}), poolclass=pool.NullPool
        )
        with engine.connect() as conn:
            _migrate(conn)
        return
    _migrate(connection)


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        include_name=include_name,
        render_as_batch=True,
        version_table=config.get_main_option("version_table") or "journal_alembic_version",
    )
    with context.begin_transaction():
        context.run_migrations()


run()
