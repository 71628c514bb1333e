"""Which data files an ingest must read: each file's size and blake2b digest, against the ones the history
store recorded when its rows went in (in the same generation as the rows).

A file whose bytes are unchanged, and that the current reader already read, is skipped: its rows are in
the store as this reader would make them. A new or changed file (or every file, with --full) is read.
A file recorded before but gone now is listed as missing; its rows stay (an ingest never deletes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from courtside.data.sources import match_files
from courtside.data.tennisdata import tennisdata_files
from courtside.domain.errors import ConfigError
from courtside.domain.tennis import Tour

# Bump when a change to the readers (sources, tennisdata) changes what a file yields: every file is read
# again.
READER_VERSION = 2
UNCHANGED = "unchanged, skipped"
_CHUNK = 1 << 20


@dataclass(frozen=True)
class DataFile:
    """One CSV the ingest knows how to read, with the size and digest of its current bytes."""

    path: Path
    rel: str  # relative to the data folder, '/'-separated: the key in history_source_files
    kind: str  # players, matches or tennisdata
    tour: Tour
    source: str  # the match file's source (tour, qual_chall, qual_itf), else the kind
    size: int
    digest: str
    stamp: tuple[int, int, int] = (0, 0, 0)  # inode, size and mtime (ns) seen before the digest

    def unchanged(self) -> bool:
        """Whether the file is still the one digested: a write or a replacing rename (a sync) gives it
        a new mtime or inode, so its rows were read from the bytes the digest describes."""
        try:
            return _stamp(self.path) == self.stamp
        except OSError:
            return False


@dataclass(frozen=True)
class FilePlan:
    """What this ingest reads (with why: new, changed, --full, reader updated), skips, and misses."""

    read: list[tuple[DataFile, str]]
    skipped: list[DataFile]
    missing: list[str]

    def kinds_read(self) -> set[str]:
        return {f.kind for f, _ in self.read}

    def statuses(self) -> dict[str, str]:
        out = {f.rel: why for f, why in self.read}
        out.update({f.rel: UNCHANGED for f in self.skipped})
        out.update({rel: "missing (its rows stay)" for rel in self.missing})
        return dict(sorted(out.items()))


def digest(path: Path) -> tuple[int, str]:
    """Size and blake2b (32-byte) hex digest of the file's bytes."""
    h = hashlib.blake2b(digest_size=32)
    size = 0
    with path.open("rb") as f:
        while block := f.read(_CHUNK):
            h.update(block)
            size += len(block)
    return size, h.hexdigest()


def discover(data_dir: Path, tours: Iterable[Tour]) -> list[DataFile]:
    """Every player, match and odds file of the tours under data_dir, digested; a player file is required."""
    found: list[tuple[Path, str, Tour, str]] = []
    for tour in tours:
        players = data_dir / f"tennis_{tour.value}" / f"{tour.value}_players.csv"
        if not players.is_file():
            raise ConfigError(f"no player file at {players}: run `courtside data sync`")
        found.append((players, "players", tour, "players"))
        found += [(p, "matches", tour, source) for p, source in match_files(data_dir, tour)]
    found += [(p, "tennisdata", tour, "tennisdata") for p, tour in tennisdata_files(data_dir, tours)]
    out = []
    for path, kind, tour, source in found:
        stamp = _stamp(path)
        size, hexdigest = digest(path)
        rel = path.relative_to(data_dir).as_posix()
        out.append(DataFile(path, rel, kind, tour, source, size, hexdigest, stamp))
    return out


def _stamp(path: Path) -> tuple[int, int, int]:
    stat = path.stat()
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def plan_reads(stored: Mapping[str, Mapping[str, Any]], files: Sequence[DataFile], *, full: bool) -> FilePlan:
    """Split files into those to read and those whose recorded size, digest and reader still hold."""
    read: list[tuple[DataFile, str]] = []
    skipped: list[DataFile] = []
    for f in files:
        rec = stored.get(f.rel)
        if rec is None:
            read.append((f, "new"))
        elif (rec.get("size"), rec.get("blake2b")) != (f.size, f.digest):
            read.append((f, "changed"))
        elif full:
            read.append((f, "re-read (--full)"))
        elif rec.get("reader") != READER_VERSION:
            read.append((f, "re-read (reader updated)"))
        else:
            skipped.append(f)
    present = {f.rel for f in files}
    return FilePlan(read, skipped, sorted(set(stored) - present))


def record(stored: Mapping[str, Any], files: Iterable[DataFile], now: datetime) -> dict[str, Any]:
    """The file records with these files' current size and digest (kept with the rows they yielded)."""
    out = dict(stored)
    for f in files:
        out[f.rel] = {
            "kind": f.kind,
            "size": f.size,
            "blake2b": f.digest,
            "reader": READER_VERSION,
            "read_at": now.isoformat(),
        }
    return out
