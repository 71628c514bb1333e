"""Tables for people and for pipes: on a terminal a rich table that fits its width (cells fold, never
cut); piped or redirected (`courtside scan > f`, systemd, Docker) one record per line as
`key=value` pairs (logfmt), never wrapped, so grep and awk read it."""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich.console import Console
from rich.table import Table

_BARE = re.compile(r"^[^\s=\"]+$")


def _key(header: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "_", header).strip("_").lower()


def _value(cell: str) -> str:
    if cell and _BARE.match(cell):
        return cell
    return '"' + cell.replace("\\", "\\\\").replace('"', '\\"') + '"'


def record_line(headers: Sequence[str], row: Sequence[str]) -> str:
    """One record as `key=value key="value with spaces"`."""
    return " ".join(f"{_key(h)}={_value(c)}" for h, c in zip(headers, row, strict=True))


def show_table(
    console: Console, headers: Sequence[str], rows: Sequence[Sequence[str]], *, title: str | None = None
) -> None:
    """A rich table on a terminal, else one `key=value` line per row (a title as `# title`)."""
    if console.is_terminal:
        table = Table(title=title)
        for header in headers:
            table.add_column(header, overflow="fold")
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return
    if title:
        console.print(f"# {title}", markup=False, highlight=False, soft_wrap=True)
    for row in rows:
        console.print(record_line(headers, row), markup=False, highlight=False, soft_wrap=True)
