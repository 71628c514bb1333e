"""`courtside data sync`: download the match and odds files from their public sources into a cache.

Everything is fetched into a staging folder first and moved into place only when every download
succeeded, each with an atomic rename: a failure (no network, a 5xx) leaves the cache exactly as it was.
Sources: github.com/JeffSackmann/tennis_atp and tennis_wta ("Tennis databases, files, and algorithms by
Jeff Sackmann / Tennis Abstract", CC BY-NC-SA 4.0) and tennis-data.co.uk (workbooks, converted to CSV
when openpyxl/xlrd are installed).
"""

from __future__ import annotations

import io
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from courtside.domain.errors import CourtsideError

DEFAULT_CACHE = Path("~/.cache/courtside/data").expanduser()
SACKMANN_BASE = "https://raw.githubusercontent.com/JeffSackmann"
ODDS_BASE = "http://www.tennis-data.co.uk"
FIRST_YEAR = 1990
FIRST_ODDS_YEAR = 2010
# Seasons up to this one are published in full by both sources; later ones may not exist yet upstream
# (Sackmann's files stop at 2024), so a 404 for them is reported as absent, not an error.
LAST_PUBLISHED_YEAR = 2023
DEFAULT_YEARS = range(FIRST_YEAR, LAST_PUBLISHED_YEAR + 1)
ODDS_YEARS = range(FIRST_ODDS_YEAR, LAST_PUBLISHED_YEAR + 1)


def years_until(last: int) -> tuple[range, range]:
    """(match years, odds years) from the first season through `last`, e.g. the current year."""
    return range(FIRST_YEAR, last + 1), range(FIRST_ODDS_YEAR, last + 1)


class DownloadError(CourtsideError):
    """A source could not be reached or answered with an error; retry later, the cache is unchanged."""

    retryable = True


@dataclass(frozen=True, slots=True)
class RemoteFile:
    """One file to fetch: its URL, where it lands under the cache, and whether a 404 is acceptable."""

    url: str
    relpath: str
    optional: bool = False


@dataclass
class SyncResult:
    """What a sync fetched, skipped (optional files absent upstream) and left unconverted."""

    dest: Path
    downloaded: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def sackmann_files(base: str = SACKMANN_BASE, years: Iterable[int] = DEFAULT_YEARS) -> list[RemoteFile]:
    """The Sackmann players, rankings and match files of both tours for the given years."""
    out: list[RemoteFile] = []
    for tour, lower in (("atp", "qual_chall"), ("wta", "qual_itf")):
        root = f"{base.rstrip('/')}/tennis_{tour}/master"
        out.append(RemoteFile(f"{root}/{tour}_players.csv", f"tennis_{tour}/{tour}_players.csv"))
        out.append(
            RemoteFile(f"{root}/{tour}_rankings_20s.csv", f"tennis_{tour}/{tour}_rankings_20s.csv", True)
        )
        for year in years:
            for name in (f"{tour}_matches_{year}.csv", f"{tour}_matches_{lower}_{year}.csv"):
                optional = lower in name or year > LAST_PUBLISHED_YEAR
                out.append(RemoteFile(f"{root}/{name}", f"tennis_{tour}/{name}", optional=optional))
    return out


def odds_files(base: str = ODDS_BASE, years: Iterable[int] = ODDS_YEARS) -> list[RemoteFile]:
    """The tennis-data.co.uk season workbooks (.xls before 2013, .xlsx after) of both tours."""
    out: list[RemoteFile] = []
    for year in years:
        ext = "xls" if year < 2013 else "xlsx"
        root = base.rstrip("/")
        late = year > LAST_PUBLISHED_YEAR
        out.append(RemoteFile(f"{root}/{year}/{year}.{ext}", f"tennis_odds/raw/atp_{year}.{ext}", late))
        out.append(RemoteFile(f"{root}/{year}w/{year}.{ext}", f"tennis_odds/raw/wta_{year}.{ext}", late))
    return out


def sync(
    dest: Path = DEFAULT_CACHE,
    files: list[RemoteFile] | None = None,
    *,
    client: httpx.Client | None = None,
    on_file: Callable[[RemoteFile], None] | None = None,
) -> SyncResult:
    """Fetch every file into a staging folder, then move them into dest; on any failure dest is untouched."""
    files = files if files is not None else sackmann_files() + odds_files()
    dest = Path(dest).expanduser()
    dest.mkdir(parents=True, exist_ok=True)
    own_client = client is None
    http = client or httpx.Client(timeout=httpx.Timeout(30.0, connect=10.0), follow_redirects=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=dest))
    result = SyncResult(dest)
    try:
        for remote in files:
            if _fetch(http, remote, staging / remote.relpath):
                result.downloaded.append(remote.relpath)
            else:
                result.skipped.append(remote.relpath)
            if on_file is not None:
                on_file(remote)
        result.notes.extend(_convert_workbooks(staging))
        _promote(staging, dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
        if own_client:
            http.close()
    return result


def _fetch(http: httpx.Client, remote: RemoteFile, target: Path) -> bool:
    """Download one file to target; False for an optional file absent upstream."""
    try:
        response = http.get(remote.url)
    except httpx.HTTPError as e:
        raise DownloadError(
            f"could not reach {remote.url} ({type(e).__name__}: {e}); "
            "check the network or point --data/COURTSIDE_DATA at a local copy. The cache was not changed."
        ) from e
    if response.status_code == 404 and remote.optional:
        return False
    if response.status_code != 200:
        raise DownloadError(f"{remote.url} answered HTTP {response.status_code}; the cache was not changed.")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(response.content)
    return True


def _convert_workbooks(staging: Path) -> list[str]:
    """tennis_odds/raw/*.xls(x) -> tennis_odds/<tour>_<year>.csv, when pandas has an Excel reader."""
    import pandas as pd

    notes: list[str] = []
    for book in sorted((staging / "tennis_odds" / "raw").glob("*.xls*")):
        try:
            frame = pd.read_excel(io.BytesIO(book.read_bytes()))
        except ImportError:
            notes.append(f"{book.name} kept as a workbook: `pip install openpyxl xlrd` to convert it to CSV")
            continue
        frame.to_csv(book.parent.parent / f"{book.stem}.csv", index=False)
    return notes


def _promote(staging: Path, dest: Path) -> None:
    """Move each staged file over its cache copy with an atomic rename."""
    for path in sorted(p for p in staging.rglob("*") if p.is_file()):
        target = dest / path.relative_to(staging)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
