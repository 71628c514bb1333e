"""The match history store: Parquet tables in a folder of their own, committed as whole generations.

The history is columnar and read whole (a rating pass reads every match in order), written in batches
(an ingest, a sync) and never updated row by row, so it lives in Parquet files rather than beside the
trading journal in SQLite: a first ingest writes half a million rows in about a second instead of
half a minute, a read takes a fraction of a second, and the files open in any tool (pandas, DuckDB,
polars). A commit writes every table it changes into a new generation folder, links the unchanged
ones from the last generation, and then switches the one-line `CURRENT` file with an atomic rename:
a reader sees the old generation or the new one, never half of each, and a crash mid-write leaves
the old one in place. One writer at a time (an exclusive lock on `LOCK`); readers take no lock.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from courtside.domain.errors import StoreError

CURRENT = "CURRENT"
STATE = "state.json"
LOCK = "LOCK"
KEEP_GENERATIONS = 2


@dataclass
class Generation:
    """One commit in progress: the tables written so far and the state to record with them."""

    folder: Path
    previous: Path | None
    state: dict[str, Any]
    written: set[str] = field(default_factory=set)

    def write(self, name: str, frame: pd.DataFrame) -> None:
        pq.write_table(arrow_table(frame), self.folder / f"{name}.parquet", compression="zstd")
        self.written.add(name)


def arrow_table(frame: pd.DataFrame) -> pa.Table:
    """The frame as `DataFrame.to_parquet` would store it (same types, same pandas metadata), with its
    text columns handed to Arrow as they are: pandas would first copy each one and mark its gaps."""
    schema = pa.Schema.from_pandas(frame, preserve_index=False)
    arrays = []
    for name, arrow_field in zip(frame.columns, schema, strict=True):
        column = frame[name]
        values = column.to_numpy() if isinstance(column.dtype, pd.StringDtype) else column
        arrays.append(pa.array(values, type=arrow_field.type, from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=schema)


class HistoryStore:
    """The history folder: `read` a table of the current generation, `commit` a new one."""

    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def _current(self) -> Path | None:
        try:
            name = (self.root / CURRENT).read_text().strip()
        except FileNotFoundError:
            return None
        except OSError as e:
            raise StoreError(f"cannot read the history store at {self.root}: {e}") from e
        folder = self.root / name
        return folder if name and folder.is_dir() else None

    def exists(self) -> bool:
        return self._current() is not None

    def has(self, name: str) -> bool:
        folder = self._current()
        return folder is not None and (folder / f"{name}.parquet").is_file()

    def read(
        self,
        name: str,
        columns: Sequence[str] | None = None,
        filters: list[tuple[str, str, Any]] | None = None,
    ) -> pd.DataFrame | None:
        """A table of the current generation (only `columns`, rows passing `filters`), or None."""
        folder = self._current()
        if folder is None or not (folder / f"{name}.parquet").is_file():
            return None
        try:
            return pd.read_parquet(
                folder / f"{name}.parquet", columns=list(columns) if columns else None, filters=filters
            )
        except (OSError, ValueError) as e:
            raise StoreError(f"cannot read {name} from the history store at {self.root}: {e}") from e

    def state(self) -> dict[str, Any]:
        folder = self._current()
        if folder is None:
            return {}
        try:
            loaded: dict[str, Any] = json.loads((folder / STATE).read_text())
        except (OSError, ValueError) as e:
            raise StoreError(f"the history store at {self.root} has no readable {STATE}: {e}") from e
        return loaded

    @contextmanager
    def commit(self) -> Iterator[Generation]:
        """Write a new generation; tables not written in it are linked from the current one."""
        self.root.mkdir(parents=True, exist_ok=True)
        with (self.root / LOCK).open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            previous = self._current()
            number = int(previous.name.split("-")[1]) + 1 if previous is not None else 1
            folder = self.root / f"gen-{number:06d}"
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            gen = Generation(folder, previous, self.state())
            try:
                yield gen
                self._finish(gen)
            except BaseException:
                shutil.rmtree(folder, ignore_errors=True)
                raise

    def _finish(self, gen: Generation) -> None:
        if gen.previous is not None:
            for table in gen.previous.glob("*.parquet"):
                if table.stem not in gen.written:
                    os.link(table, gen.folder / table.name)
        (gen.folder / STATE).write_text(json.dumps(gen.state, indent=1, default=str))
        pointer = self.root / f"{CURRENT}.tmp"
        pointer.write_text(gen.folder.name)
        os.replace(pointer, self.root / CURRENT)
        for old in sorted(self.root.glob("gen-*"))[:-KEEP_GENERATIONS]:
            shutil.rmtree(old, ignore_errors=True)
