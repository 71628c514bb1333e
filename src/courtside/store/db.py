"""The database: one SQLAlchemy declarative base, engine and session factory for every table.

SQLite by default (a file under var/), any SQLAlchemy URL otherwise. History tables live in
store/history.py, the trader's journal in store/journal_tables.py; both register on `Base`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, make_url
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


def make_engine(url: str = DEFAULT_URL) -> Engine:
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
    """Every table at its current schema: the journal through its Alembic migrations, the match
    history created when missing (idempotent)."""
    import courtside.store.history
    import courtside.store.journal_tables  # noqa: F401
    from courtside.store.migrate import upgrade

    history = [t for t in Base.metadata.sorted_tables if not is_journal_table(t.name)]
    Base.metadata.create_all(engine, tables=history)
    upgrade(engine)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session]) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    with factory() as session, session.begin():
        yield session
