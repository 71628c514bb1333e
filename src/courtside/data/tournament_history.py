"""Build `tournament_history.json` from the match data: `python scripts/build_tournament_history.py`.

One row per (tour, level category, city, week of year, surface, level, country) with the first and last
season and the number of editions; plus the calendar (editions per surface in each week of each level
category). The output is deterministic (sorted, no timestamp), so regenerating on the same data gives
the same bytes and a new season shows as a reviewable diff. The source files' digest is recorded.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from courtside.data.manifest import digest
from courtside.data.sources import load_matches, match_files
from courtside.domain.errors import ConfigError
from courtside.domain.tennis import Level, Tour
from courtside.markets import history as history_module
from courtside.markets.history import (
    CALENDAR_COLUMNS,
    FILE,
    ROW_COLUMNS,
    SCHEMA,
    category_of,
    city_key,
    season_week,
)

DEFAULT_YEARS = range(2008, 2100)  # recent enough that venues and the calendar look like today's
_TEAM = re.compile(r"\bcup\b", re.I)  # ATP Cup, Laver Cup, United Cup: team events, their own series
ATTRIBUTION = (
    "Derived from Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract "
    "(CC BY-NC-SA 4.0)"
)
_ITF_COUNTRY = re.compile(r"-ITF-([A-Z]{3})-")


def _main_draw_level(levels: pd.Series) -> str | None:
    main = levels[levels != Level.QUALIFYING.value]
    return None if main.empty else str(main.mode().iat[0])


def _most_common(values: pd.Series) -> str | None:
    known = values.dropna()
    return None if known.empty else str(known.mode().iat[0])


def editions(matches: pd.DataFrame) -> pd.DataFrame:
    """One row per tournament edition: name, city key, level (of its main draw), surface, week, country."""
    grouped = matches.groupby(["tour", "tourney_id"], sort=True)
    ed = grouped.agg(
        name=("tourney_name", "first"),
        date=("tourney_date", "min"),
        draw_size=("draw_size", "max"),
        code=("tourney_level", "first"),
    )
    ed["level"] = grouped["level"].agg(_main_draw_level)
    ed["surface"] = grouped["surface"].agg(_most_common)
    ed = ed.reset_index()
    keep = ed["level"].notna() & ed["surface"].notna() & (ed["level"] != Level.TEAM.value)
    ed = ed[keep & ~ed["name"].astype(str).str.contains(_TEAM)].copy()
    ed["name"] = ed["name"].astype(str).str.strip()
    ed["category"] = ed["level"].map(lambda v: category_of(Level(v)))
    ed["city"] = ed["name"].map(city_key)
    ed["week"] = ed["date"].dt.isocalendar().week.astype(int).map(season_week)
    ed["year"] = ed["date"].dt.year.astype(int)
    ed["country"] = ed["tourney_id"].astype(str).str.extract(_ITF_COUNTRY, expand=False).fillna("")
    return ed[ed["city"] != ""].reset_index(drop=True)


def history_rows(ed: pd.DataFrame) -> tuple[list[list[Any]], list[list[Any]]]:
    """(rows, calendar) in the file's column order, sorted."""
    keys = ["tour", "category", "city", "week", "surface", "level", "country"]
    rows = (
        ed.groupby(keys, sort=True)
        .agg(first=("year", "min"), last=("year", "max"), editions=("year", "size"))
        .reset_index()
    )
    calendar = ed.groupby(["tour", "category", "week", "surface"], sort=True).size().reset_index(name="n")
    as_rows = [[_plain(v) for v in row] for row in rows[list(ROW_COLUMNS)].itertuples(index=False)]
    as_cal = [[_plain(v) for v in row] for row in calendar.itertuples(index=False)]
    return as_rows, as_cal


def _plain(value: Any) -> Any:
    """numpy scalars as the JSON number or string they stand for."""
    return value.item() if hasattr(value, "item") else value


def source_digest(data_dir: Path, years: range) -> dict[str, Any]:
    """Which files the table was built from: their count and one blake2b over their names and digests."""
    h = hashlib.blake2b(digest_size=16)
    files = [p for tour in Tour for p, _ in match_files(data_dir, tour, years=years)]
    for path in sorted(files, key=lambda p: p.name):
        size, hexdigest = digest(path)
        h.update(f"{path.name}:{size}:{hexdigest}\n".encode())
    return {"files": len(files), "digest": h.hexdigest()}


def history_document(ed: pd.DataFrame, source: dict[str, Any]) -> dict[str, Any]:
    """The JSON document for a set of editions (the benchmark builds one per season, as of that season)."""
    rows, calendar = history_rows(ed)
    seasons = [int(ed["year"].min()), int(ed["year"].max())] if len(ed) else []
    return {
        "schema": SCHEMA,
        "built_by": "python scripts/build_tournament_history.py --data $COURTSIDE_DATA",
        "attribution": ATTRIBUTION,
        "source": {"seasons": seasons, "editions": len(ed), **source},
        "columns": list(ROW_COLUMNS),
        "calendar_columns": list(CALENDAR_COLUMNS),
        "rows": rows,
        "calendar": calendar,
    }


def render(doc: dict[str, Any]) -> str:
    """JSON with one table row per line, so a regenerated table diffs row by row."""
    head = [f" {json.dumps(k)}: {json.dumps(v)}," for k, v in doc.items() if k not in ("rows", "calendar")]
    lines = ["{", *head]
    for key in ("rows", "calendar"):
        body = ",\n".join("  " + json.dumps(row, ensure_ascii=False) for row in doc[key])
        lines.append(f' "{key}": [\n{body}\n ]' + ("," if key == "rows" else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def build(data_dir: Path, years: range = DEFAULT_YEARS) -> dict[str, Any]:
    """Read the match files of the seasons and return the document."""
    matches = load_matches(data_dir, years=years)
    if matches.empty:
        raise ConfigError(f"no match files for seasons {years.start}-{years.stop - 1} under {data_dir}")
    return history_document(editions(matches), source_digest(data_dir, years))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=os.environ.get("COURTSIDE_DATA"), help="$COURTSIDE_DATA")
    parser.add_argument("--since", type=int, default=DEFAULT_YEARS.start, help="first season to read")
    default_out = Path(history_module.__file__).with_name(FILE)
    parser.add_argument("--out", type=Path, default=default_out, help=f"default: the package's {FILE}")
    args = parser.parse_args(argv)
    if args.data is None or not Path(args.data).is_dir():
        parser.error("give --data or set COURTSIDE_DATA to the folder with tennis_atp/ and tennis_wta/")
    doc = build(Path(args.data), range(args.since, DEFAULT_YEARS.stop))
    args.out.write_text(render(doc), encoding="utf-8")
    print(f"{args.out}: {len(doc['rows'])} rows, {len(doc['calendar'])} calendar cells, {doc['source']}")
    return 0
