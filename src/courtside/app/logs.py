"""Logging for the trader: rich on the console, and a rotating file (logs/auto_trader.log)."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from rich.console import Console
from rich.logging import RichHandler

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
GUIDE = "courtside.guide"  # the user guide's lines (app/guide.py): the file has them, not the console


def setup_logging(log_file: Path, *, console: bool = True, level: int = logging.INFO) -> None:
    """Idempotent: replaces the handlers courtside installed before (several commands per process)."""
    root = logging.getLogger("courtside")
    for handler in list(root.handlers):
        if getattr(handler, "_courtside", False):
            root.removeHandler(handler)
            handler.close()
    log_file.parent.mkdir(parents=True, exist_ok=True)
    file_handler = RotatingFileHandler(log_file, maxBytes=5_000_000, backupCount=5, encoding="utf-8")
    file_handler.setFormatter(logging.Formatter(FORMAT))
    handlers: list[logging.Handler] = [file_handler]
    if console:
        # stderr, so that `--json` output on stdout stays machine-readable
        console_handler = RichHandler(
            console=Console(stderr=True), show_path=False, rich_tracebacks=False, markup=False
        )
        console_handler.addFilter(lambda record: not record.name.startswith(GUIDE))  # file only
        handlers.append(console_handler)
    for handler in handlers:
        handler._courtside = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel(level)
