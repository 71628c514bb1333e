"""The database: one SQLAlchemy declarative base, engine and session factory for every table.

SQLite by default (a file under var/), any SQLAlchemy URL otherwise. The trader's journal lives in
store/journal_tables.py and registers on `Base`; the match history is a Parquet store (store/history.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect, text
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

DEFAULT_URL = "sqlite:///var/courtside.db"


class Base(DeclarativeBase):
    """Declarative base shared by all courtside tables."""


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def make_engine(url: str = DEFAULT_URL) -> Engine:
    """An engine for url; creates the SQLite file's folder and turns on WAL for crash safety."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def init_db(engine: Engine) -> None:
    """Create every table that is not there yet (idempotent)."""
    import courtside.store.journal_tables  # noqa: F401

    Base.metadata.create_all(engine)
    _add_new_columns(engine)


def _add_new_columns(engine: Engine) -> None:
    """A journal made by an older version lacks the nullable columns added since (create_all leaves
    existing tables alone): add them, so an upgrade keeps its history instead of failing on insert."""
    names = inspect(engine).get_table_names()
    with engine.begin() as conn:
        for table in Base.metadata.sorted_tables:
            if table.name not in names:
                continue
            have = {c["name"] for c in inspect(conn).get_columns(table.name)}
            for column in table.columns:
                if column.name in have or not column.nullable or column.primary_key:
                    continue
                kind = column.type.compile(dialect=engine.dialect)
                conn.execute(text(f'ALTER TABLE "{table.name}" ADD COLUMN "{column.name}" {kind}'))


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    with factory() as session, session.begin():
        yield session
