"""The database: one SQLAlchemy declarative base, engine and session factory for the trader's journal.

SQLite by default (<home>/var/courtside.db), any SQLAlchemy URL otherwise. The journal's tables live in
store/journal_tables.py and register on `Base`; their schema is Alembic's (store/migrations). The match
history is a Parquet store of its own (store/history.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker


class Base(DeclarativeBase):
    """Declarative base shared by all courtside tables."""


def _sqlite_pragmas(dbapi_conn: DBAPIConnection, _record: object) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def sqlite_file(url: str) -> Path | None:
    """The file a SQLite URL names (None for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def missing_journal(url: str) -> Path | None:
    """The SQLite file a URL names when it does not exist yet (opening it would create it)."""
    path = sqlite_file(url)
    return path if path is not None and not path.exists() else None


def make_engine(url: str) -> Engine:
    """An engine for url; creates the SQLite file's folder and turns on WAL for crash safety."""
    path = sqlite_file(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


JOURNAL_PREFIXES = ("trader_", "paper_")  # the journal's tables, migrated by Alembic (store/migrate.py)


def is_journal_table(name: str) -> bool:
    return name.startswith(JOURNAL_PREFIXES)


def init_db(engine: Engine) -> None:
    """The journal's tables at their current schema, through its Alembic migrations (idempotent)."""
    import courtside.store.journal_tables
    import courtside.store.operator_tables  # noqa: F401
    from courtside.store.migrate import upgrade

    upgrade(engine)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    with factory() as session, session.begin():
        yield session
