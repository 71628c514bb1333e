"""Logging for the trader: the console (stderr) and a rotating file (<home>/logs/auto_trader.log).

The file is always one line per record with an ISO 8601 UTC timestamp (or one JSON object per line
with log_format json), never wrapped, and keeps INFO and up whatever -q says. The console is rich on
a terminal and the same plain lines otherwise (piped, systemd, Docker), at the level asked for.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path

from rich.console import Console
from rich.logging import RichHandler
from rich.text import Text

from courtside.app.settings import LogFormat, LogLevel

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MARK = "_courtside"
GUIDE = "courtside.guide"  # the user guide's lines (app/guide.py): the file has them, not the console


def iso_utc(created: float) -> str:
    """A record's time as ISO 8601 UTC with milliseconds: 2026-03-12T10:04:05.123Z."""
    return datetime.fromtimestamp(created, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class PlainFormatter(logging.Formatter):
    """`<ISO 8601 UTC> LEVEL logger: message`, a traceback on the lines after it."""

    def __init__(self) -> None:
        super().__init__(FORMAT)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        return iso_utc(record.created)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: ts, level, logger, message and, with one, the traceback."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, str] = {
            "ts": iso_utc(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            line["traceback"] = self.formatException(record.exc_info)
        return json.dumps(line)


class StderrHandler(logging.Handler):
    """Writes to whatever sys.stderr is at the time of the record (a test runner swaps it)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except (OSError, ValueError):  # a closed or broken stream: logging's own error report
            self.handleError(record)


def _formatter(fmt: LogFormat) -> logging.Formatter:
    return JsonFormatter() if fmt is LogFormat.JSON else PlainFormatter()


def _console_handler(fmt: LogFormat) -> logging.Handler:
    rich = fmt is LogFormat.RICH or (fmt is LogFormat.AUTO and sys.stderr.isatty())
    if not rich:
        handler = StderrHandler()
        handler.setFormatter(_formatter(fmt))
        return handler
    return RichHandler(
        console=Console(stderr=True),  # stderr, so that `--json` output on stdout stays machine-readable
        show_path=False,
        rich_tracebacks=False,
        markup=False,
        log_time_format=lambda dt: Text(dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")),
    )


def _level(level: LogLevel | int | str) -> int:
    if isinstance(level, int):
        return level
    return int(logging.getLevelName(str(level)))


def remove_handlers() -> None:
    """Take off the handlers setup_logging installed (a command done, in a process that goes on)."""
    root = logging.getLogger("courtside")
    for handler in list(root.handlers):
        if getattr(handler, _MARK, False):
            root.removeHandler(handler)
            handler.close()


@contextmanager
def logging_to(
    log_file: Path,
    *,
    console: bool = True,
    level: LogLevel | int | str = logging.INFO,
    fmt: LogFormat = LogFormat.AUTO,
) -> Iterator[None]:
    """setup_logging for the length of one command: the next command (or test) starts clean."""
    setup_logging(log_file, console=console, level=level, fmt=fmt)
    try:
        yield
    finally:
        remove_handlers()


def setup_logging(
    log_file: Path,
    *,
    console: bool = True,
    level: LogLevel | int | str = logging.INFO,
    fmt: LogFormat = LogFormat.AUTO,
) -> None:
    """Idempotent: replaces the handlers courtside installed before (several commands per process)."""
    remove_handlers()
    root = logging.getLogger("courtside")
    wanted = _level(level)
    log_file.parent.mkdir(parents=True, exist_ok=True)
    file_handler = RotatingFileHandler(log_file, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    file_handler.setFormatter(JsonFormatter() if fmt is LogFormat.JSON else PlainFormatter())
    file_handler.setLevel(min(wanted, logging.INFO))
    handlers: list[logging.Handler] = [file_handler]
    if console:
        console_handler = _console_handler(fmt)
        console_handler.setLevel(wanted)
        console_handler.addFilter(lambda record: not record.name.startswith(GUIDE))  # file only
        handlers.append(console_handler)
    for handler in handlers:
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    root.setLevel(min(wanted, logging.INFO))
