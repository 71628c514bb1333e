"""The ingest's reads and writes of the history tables: insert rows whose key is new, replace rows whose
source columns changed (row hash), refresh derived columns in place where their values differ, and read
back what the derived steps need (every match, player and odds row) without touching the CSVs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Select, String, Table, bindparam, delete, func, select, type_coerce

from courtside.data.join import JoinReport
from courtside.store.history import HistoryMatch, HistoryOdds, HistoryPlayer

CHUNK = 5000
BULK_INDEX_ROWS = 50_000  # an empty SQLite table given this many rows builds its indexes after the rows
_KEY_FILTER_MAX = 2000  # a frame with at most this many distinct values of a key column reads only those
Advance = Callable[[int], None]


@dataclass
class TableCounts:
    """What one table got from one ingest: rows inserted, updated (corrected in their file, or a derived
    column refreshed), unchanged among the rows read, rejected with reasons; files read and skipped."""

    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    files_read: int = 0
    files_skipped: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": dict(self.rejected),
            "files_read": self.files_read,
            "files_skipped": self.files_skipped,
        }


def _no_progress(_n: int) -> None:
    return None


def upsert(
    conn: Connection,
    table: Table,
    frame: pd.DataFrame,
    key: Sequence[str],
    *,
    derived: Sequence[str] = (),
    advance: Advance = _no_progress,
) -> TableCounts:
    """Insert rows whose key is new, replace rows whose hash (of every column but `derived`) changed,
    and refresh the derived columns of the other rows where they differ."""
    drop = [c for c in derived if c in frame.columns]
    hashes = row_hashes(frame.drop(columns=drop) if drop else frame)
    old = _existing(conn, table, key, frame)
    new = pd.Series(True, index=frame.index)
    changed = ~new
    refreshed = 0
    if not old.empty:
        probe = frame[list(key)].assign(row_hash=hashes).merge(old, on=list(key), how="left", validate="m:1")
        probe.index = frame.index
        new = probe["_old_hash"].isna()
        changed = ~new & (probe["_old_hash"] != probe["row_hash"])
        stale = probe.loc[changed, "_pk"].tolist()
        for start in range(0, len(stale), CHUNK):
            conn.execute(delete(table).where(table.c[_pk_name(table)].in_(stale[start : start + CHUNK])))
        same = ~new & ~changed
        if drop and same.any():  # the file's columns are as stored, the derived ones may not be
            refreshed = refresh(conn, table, frame.loc[same, drop].set_axis(probe.loc[same, "_pk"].tolist()))
    write = new | changed
    rows, row_hash = (frame, hashes) if write.all() else (frame.loc[write], hashes[write])
    bulk = not has_rows(conn, table) and len(rows) >= BULK_INDEX_ROWS
    _bulk_insert(conn, table, rows, row_hash, advance, indexes_after=bulk)
    unchanged = int((~new & ~changed).sum()) - refreshed
    return TableCounts(int(new.sum()), int(changed.sum()) + refreshed, unchanged)


def row_hashes(frame: pd.DataFrame) -> pd.Series:
    hashed = pd.util.hash_pandas_object(frame, index=False)
    return pd.Series(hashed.to_numpy().view(np.int64), index=frame.index)


def _pk_name(table: Table) -> str:
    return str(next(iter(table.primary_key.columns)).name)


def has_rows(conn: Connection, table: Table) -> bool:
    """Whether the table holds any row (one primary-key read, not a count of them all)."""
    first_key = table.c[next(iter(table.primary_key.columns)).name]
    return conn.execute(select(first_key).limit(1)).first() is not None


def _existing(conn: Connection, table: Table, key: Sequence[str], frame: pd.DataFrame) -> pd.DataFrame:
    """Natural key, row hash and primary key of the stored rows that may share a key with frame."""
    cols = [table.c[k] for k in key]
    query = select(*cols, table.c.row_hash, table.c[_pk_name(table)].label("_pk"))
    narrow = key[1] if len(key) > 1 else key[0]
    values = frame[narrow].drop_duplicates()
    if len(values) <= _KEY_FILTER_MAX:
        query = query.where(table.c[narrow].in_([_plain(v) for v in values]))
    rows = _tuples(conn.execute(query))
    return _key_text(pd.DataFrame.from_records(rows, columns=[*key, "_old_hash", "_pk"]), key)


def _key_text(existing: pd.DataFrame, key: Sequence[str]) -> pd.DataFrame:
    """Existing keys in the frame's dtypes, so a merge on them matches (dates as Timestamps)."""
    out = existing.copy()
    for k in key:
        if k in ("date", "tourney_date"):
            out[k] = pd.to_datetime(out[k])
        elif k == "match_num":
            out[k] = out[k].astype("int64")
    return out


def _bulk_insert(
    conn: Connection,
    table: Table,
    frame: pd.DataFrame,
    row_hash: pd.Series,
    advance: Advance,
    *,
    indexes_after: bool,
) -> None:
    """Insert in chunks; into an empty SQLite table, drop its secondary indexes first and build them once
    after (several times faster than keeping them up to date row by row; DDL is transactional there)."""
    names = [c.name for c in table.columns if c.name in frame.columns and c.name != "row_hash"]
    raw = conn.dialect.name == "sqlite"
    rebuild = list(table.indexes) if indexes_after and raw else []
    for index in rebuild:
        index.drop(conn)
    hashes = row_hash.to_numpy().tolist()
    for start in range(0, len(frame), CHUNK):
        chunk = frame.iloc[start : start + CHUNK][names]
        columns = [*_columns(chunk, table, raw=raw), hashes[start : start + CHUNK]]
        _insert_chunk(conn, table, [*names, "row_hash"], columns)
        advance(len(chunk))
    for index in rebuild:
        index.create(conn)


def _insert_chunk(conn: Connection, table: Table, names: list[str], columns: list[list[Any]]) -> None:
    """SQLite: one driver-level executemany of tuples (twice as fast); elsewhere Core executemany."""
    rows = list(zip(*columns, strict=True))
    if conn.dialect.name == "sqlite":
        quote = conn.dialect.identifier_preparer.quote
        # identifiers come from our own table metadata; values are bound
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(n) for n in names)}) "  # noqa: S608
            f"VALUES ({', '.join('?' for _ in names)})"
        )
        conn.exec_driver_sql(sql, rows)
    else:
        conn.execute(table.insert(), [dict(zip(names, row, strict=True)) for row in rows])


def _columns(chunk: pd.DataFrame, table: Table, *, raw: bool) -> list[list[Any]]:
    """Plain Python values per column: None for missing, dates as date (ISO text when raw), odds Decimal."""
    out: list[list[Any]] = []
    for name in chunk.columns:
        col = chunk[name]
        kind = type(table.c[name].type).__name__
        missing = col.isna().to_numpy()
        if kind == "Date":
            days = pd.to_datetime(col).to_numpy(dtype="datetime64[D]")
            arr = np.datetime_as_string(days).astype(object) if raw else days.astype(object)
        elif kind == "DecimalText":
            arr = col.to_numpy(dtype=object)
            arr = np.array(
                [v if m else (str(v) if raw else Decimal(str(v))) for v, m in zip(arr, missing, strict=True)],
                dtype=object,
            )
        else:
            arr = col.to_numpy(dtype=object)
        arr[missing] = None
        out.append(arr.tolist())
    return out


def refresh(conn: Connection, table: Table, values: pd.DataFrame) -> int:
    """Set values' columns on the stored rows whose primary key is in values' index, where they differ.
    Returns how many rows changed."""
    pk = table.c[_pk_name(table)]
    cols = [str(c) for c in values.columns]
    rows = _fetch(conn, select(pk, *(type_coerce(table.c[c], String) for c in cols)))
    stored = pd.DataFrame.from_records(rows, columns=["_pk", *cols]).set_index("_pk")
    common = values.index.intersection(stored.index)
    new, old = _comparable(values.loc[common], table), _comparable(stored.loc[common], table)
    differs = ((new != old) & ~(new.isna() & old.isna())).any(axis=1).to_numpy()
    integer = [type(table.c[c].type).__name__ in ("Integer", "BigInteger") for c in cols]
    changes = [
        {"_pk": _plain(k), **{c: _plain(v, i) for c, v, i in zip(cols, row, integer, strict=True)}}
        for k, row in zip(common[differs], values.loc[common[differs]].itertuples(index=False), strict=True)
    ]
    if changes:
        stmt = table.update().where(pk == bindparam("_pk")).values({c: bindparam(c) for c in cols})
        for start in range(0, len(changes), CHUNK):
            conn.execute(stmt, changes[start : start + CHUNK])
    return len(changes)


def _comparable(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Columns in one form whatever their source (Timestamps or dates, Int64 or int, NaN or None)."""
    out = pd.DataFrame(index=frame.index)
    for name in frame.columns:
        kind = type(table.c[name].type).__name__
        col = frame[name]
        if kind == "Date":
            out[name] = pd.to_datetime(col)
        elif kind in ("Integer", "BigInteger", "Float"):
            out[name] = pd.to_numeric(col).astype("float64")
        else:
            out[name] = col.astype(object).where(col.notna(), None)
    return out


def _tuples(result: Any) -> list[tuple[Any, ...]]:
    """Result rows as plain tuples (pandas builds a frame from them several times faster than from Rows)."""
    return [tuple(r) for r in result.fetchall()]


def _fetch(conn: Connection, query: Select[Any]) -> list[tuple[Any, ...]]:
    """The rows of a query without bound parameters, straight from the DBAPI cursor in conn's transaction:
    no Row objects, no result processing (half the time for the half-million matches)."""
    compiled = query.compile(dialect=conn.dialect)
    if compiled.params:
        return _tuples(conn.execute(query))
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        cursor.execute(str(compiled))
        return [tuple(r) for r in cursor.fetchall()]
    finally:
        cursor.close()


def _plain(value: object, integer: bool = False) -> object:
    """A value as the database takes it: None for any missing, date for a day, int for a count."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and value != value:
        return None
    if isinstance(value, datetime):  # pd.Timestamp included
        return value.date()
    if isinstance(value, date | str):
        return value
    if isinstance(value, np.generic):
        value = value.item()
    if integer and isinstance(value, float | int):
        return int(value)
    return value


_MATCH_COLS = (
    "tour", "tourney_id", "match_num", "round", "level",
    "winner_key", "winner_name", "loser_key", "loser_name",
)  # fmt: skip
STORED_MATCH_COLUMNS = (*_MATCH_COLS, "tourney_date")


def stored_matches(conn: Connection) -> pd.DataFrame:
    """Every stored match with what activity, the registry and the odds join need, in play order."""
    t = HistoryMatch.__table__
    query = select(*(t.c[c] for c in _MATCH_COLS), type_coerce(t.c.tourney_date, String).label("day"))
    query = query.order_by(t.c.tourney_date, t.c.tourney_id, t.c.round_order, t.c.match_num, t.c.id)
    out = pd.DataFrame.from_records(_fetch(conn, query), columns=list(STORED_MATCH_COLUMNS))
    out["tourney_date"] = pd.to_datetime(out["tourney_date"].astype(str), format="%Y-%m-%d")
    out["match_num"] = out["match_num"].astype("int64")
    return out


def stored_players(conn: Connection) -> pd.DataFrame:
    """Key and names of every stored player (what the registry needs)."""
    t = HistoryPlayer.__table__
    rows = _fetch(conn, select(t.c.key, t.c.name_first, t.c.name_last))
    return pd.DataFrame.from_records(rows, columns=["key", "name_first", "name_last"])


def stored_odds(conn: Connection) -> pd.DataFrame:
    """Every stored odds row: its id and the fields the join reads (indexed by id)."""
    t = HistoryOdds.__table__
    cols = ("id", "tour", "winner", "loser", "round")
    rows = _fetch(conn, select(*(t.c[c] for c in cols), type_coerce(t.c.date, String).label("day")))
    out = pd.DataFrame.from_records(rows, columns=[*cols, "date"])
    out["date"] = pd.to_datetime(out["date"].astype(str), format="%Y-%m-%d")
    return out.set_index("id")


def stored_join_report(conn: Connection) -> JoinReport:
    """The odds join rate over the stored completed rows, with the reasons for the rest."""
    t = HistoryOdds.__table__
    query = (
        select(t.c.join_status, t.c.join_reason, func.count())
        .where(t.c.comment == "Completed")
        .group_by(t.c.join_status, t.c.join_reason)
    )
    rows = conn.execute(query).all()
    reasons = Counter({str(r): int(n) for s, r, n in rows if s != "joined"})
    joined = sum(int(n) for s, _r, n in rows if s == "joined")
    return JoinReport(joined + sum(reasons.values()), joined, reasons)
