"""Checks of the two URLs a user gives: the exchange (`--env`) and the journal database (`--db`).
Each returns the value unchanged or raises ValueError with a one-line reason (pydantic turns it into
a validation error naming the flag or the variable)."""

from __future__ import annotations

import re

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from courtside.domain.errors import ConfigError
from courtside.kalshi.env import resolve_env

_PASSWORD = re.compile(r"(://[^:/@]*:)[^@/]*@")


def redact_url(url: str) -> str:
    """A URL fit for a message or a log: any password replaced by ***."""
    return _PASSWORD.sub(r"\1***@", url)


def check_env(value: str) -> str:
    """prod, demo or an http(s) base URL ending in /trade-api/v2 (the range says so: no reason)."""
    try:
        resolve_env(value)
    except ConfigError as e:
        raise ValueError("") from e
    return value.strip()


def check_db_url(value: str) -> str:
    """A SQLAlchemy URL whose dialect and driver are importable here."""
    try:
        url = make_url(value)
    except ArgumentError as e:
        raise ValueError(f"not a database URL ({e.__class__.__name__})") from e
    try:
        dialect = url.get_dialect()
    except NoSuchModuleError as e:
        raise ValueError(f"unsupported database {url.drivername!r}") from e
    try:
        dialect.import_dbapi()
    except ImportError as e:
        raise ValueError(f"the driver for {url.drivername!r} is not installed ({e.name or e})") from e
    if url.get_backend_name() == "sqlite" and not url.database:
        raise ValueError("a SQLite URL needs a file: sqlite:///PATH")
    return value
