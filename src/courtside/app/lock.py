"""One trader per journal and exchange: an exclusive lock a trader holds for as long as it runs.

The lock is `flock` on a file: the kernel drops it when its holder exits, however it exits (a crash, a
kill -9), so a dead trader never blocks the next one, and a live one always blocks a second. For a
SQLite journal the file sits beside the database (`<journal>.<exchange digest>.lock`), so every
trader naming that file meets the same lock whatever its home folder or working directory; for a
journal on a database server it sits in the home folder's `var/locks/`, which covers one machine.
The file holds who took it (pid, host, start time), for the message the second trader gives.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import socket
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from courtside.domain.errors import ConfigError


class TraderRunningError(ConfigError):
    """Another trader holds this journal and exchange."""


def lock_path(db_url: str, exchange: str, locks_dir: Path) -> Path:
    """Where the lock of this journal and exchange lives (see the module docstring)."""
    digest = hashlib.sha256(exchange.encode()).hexdigest()[:12]
    try:
        url = make_url(db_url)
    except ArgumentError as e:
        raise ConfigError(f"the journal URL is not a database URL: {e}") from None
    database = url.database or ""
    if url.get_backend_name() == "sqlite" and database and database != ":memory:":
        db_file = Path(database).expanduser().resolve()
        return db_file.with_name(f"{db_file.name}.{digest}.lock")
    key = hashlib.sha256(f"{url.render_as_string(hide_password=True)}|{exchange}".encode()).hexdigest()[:16]
    return locks_dir / f"trader-{key}.lock"


@dataclass
class TraderLock:
    """A held lock; `release` (or the process ending) lets the next trader in."""

    path: Path
    _fd: int | None

    @classmethod
    def acquire(cls, path: Path, *, journal: str, exchange: str, now: datetime) -> TraderLock:
        """Take the lock or raise TraderRunningError naming the trader that holds it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise TraderRunningError(
                f"another trader is running on journal {journal} and exchange {exchange}: {holder}; "
                f"stop it first (lock {path})"
            ) from None
        except OSError as e:
            os.close(fd)
            raise ConfigError(f"cannot lock {path}: {e.strerror}") from None
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": now.isoformat()}
        os.ftruncate(fd, 0)
        os.pwrite(fd, (json.dumps(info) + "\n").encode(), 0)
        return cls(path, fd)

    def release(self) -> None:
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing the descriptor drops the flock
        self._fd = None


def _holder(fd: int) -> str:
    """Who holds the lock, as its file says (empty while the holder is still writing it)."""
    try:
        info = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        info = {}
    if not isinstance(info, dict) or "pid" not in info:
        return "its holder is starting"
    return f"pid {info['pid']} on {info.get('host', '?')}, started {info.get('started', '?')}"
