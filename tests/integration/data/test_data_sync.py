"""`courtside data sync`: all-or-nothing downloads into the cache, clear failures without a traceback."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from courtside.cli import data as data_cli
from courtside.data.sync import (
    LAST_PUBLISHED_YEAR,
    DownloadError,
    RemoteFile,
    odds_files,
    sackmann_files,
    sync,
    years_until,
)

UNREACHABLE = "http://127.0.0.1:9"  # discard port: connection refused at once


def _cache_with_old_copy(tmp_path: Path) -> tuple[Path, Path]:
    cache = tmp_path / "cache"
    old = cache / "tennis_atp" / "atp_players.csv"
    old.parent.mkdir(parents=True)
    old.write_text("player_id,name_first\n1,Old\n")
    return cache, old


def _files(base: str) -> list[RemoteFile]:
    return [
        RemoteFile(f"{base}/tennis_atp/master/atp_players.csv", "tennis_atp/atp_players.csv"),
        RemoteFile(f"{base}/tennis_atp/master/atp_matches_2023.csv", "tennis_atp/atp_matches_2023.csv"),
        RemoteFile(
            f"{base}/tennis_atp/master/atp_matches_qual_chall_1990.csv", "x/absent.csv", optional=True
        ),
    ]


def _server(fail_on: str | None = None) -> httpx.Client:
    def handler(request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if fail_on and path.endswith(fail_on):
            return httpx.Response(503)
        if "qual_chall_1990" in path:
            return httpx.Response(404)
        return httpx.Response(200, content=f"fresh copy of {path}\n".encode())

    return httpx.Client(transport=httpx.MockTransport(handler))


def test_unreachable_source_leaves_the_cache_as_it_was(tmp_path: Path) -> None:
    cache, old = _cache_with_old_copy(tmp_path)
    with pytest.raises(DownloadError, match="could not reach") as info:
        sync(cache, _files(UNREACHABLE))
    assert "cache was not changed" in str(info.value)
    assert old.read_text() == "player_id,name_first\n1,Old\n"
    assert sorted(p.name for p in cache.rglob("*")) == ["atp_players.csv", "tennis_atp"]


def test_a_failure_midway_changes_nothing(tmp_path: Path) -> None:
    cache, old = _cache_with_old_copy(tmp_path)
    with pytest.raises(DownloadError, match="HTTP 503"):
        sync(cache, _files("https://example.test"), client=_server(fail_on="atp_matches_2023.csv"))
    assert old.read_text() == "player_id,name_first\n1,Old\n"
    assert not (cache / "tennis_atp" / "atp_matches_2023.csv").exists()


def test_a_complete_sync_replaces_files_and_skips_absent_optional_ones(tmp_path: Path) -> None:
    cache, old = _cache_with_old_copy(tmp_path)
    result = sync(cache, _files("https://example.test"), client=_server())
    assert result.downloaded == ["tennis_atp/atp_players.csv", "tennis_atp/atp_matches_2023.csv"]
    assert result.skipped == ["x/absent.csv"]
    assert old.read_text() == "fresh copy of /tennis_atp/master/atp_players.csv\n"
    assert not [p for p in cache.iterdir() if p.name.startswith(".staging")]


def test_default_file_lists_cover_both_tours_and_the_odds_seasons() -> None:
    sack = {f.relpath for f in sackmann_files(years=range(2023, 2024))}
    assert "tennis_wta/wta_matches_qual_itf_2023.csv" in sack
    assert "tennis_atp/atp_players.csv" in sack
    odds = [f.url for f in odds_files(years=range(2012, 2014))]
    assert "http://www.tennis-data.co.uk/2012w/2012.xls" in odds
    assert "http://www.tennis-data.co.uk/2013/2013.xlsx" in odds


def test_cli_sync_fails_with_a_message_not_a_traceback(tmp_path: Path) -> None:
    cache, old = _cache_with_old_copy(tmp_path)
    app = typer.Typer()
    data_cli.register(app)
    args = ["data", "sync", "--data", str(cache), "--sackmann-base", UNREACHABLE, "--odds-base", UNREACHABLE]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "could not reach" in result.output
    assert "Traceback" not in result.output
    assert old.read_text() == "player_id,name_first\n1,Old\n"


def test_a_season_published_after_the_last_known_one_is_fetched_and_a_missing_one_skipped(
    tmp_path: Path,
) -> None:
    newest = LAST_PUBLISHED_YEAR + 1  # upstream has published one more season than we know of

    def handler(request: httpx.Request) -> httpx.Response:
        year = request.url.path.rsplit("_", 1)[-1].split(".")[0]
        if year.isdigit() and int(year) > newest:
            return httpx.Response(404)
        return httpx.Response(200, content=b"fresh\n")

    years, _ = years_until(newest + 1)
    files = [f for f in sackmann_files("https://example.test", years) if "_matches_" in f.relpath]
    files = [f for f in files if int(f.relpath[-8:-4]) >= LAST_PUBLISHED_YEAR]
    result = sync(tmp_path / "cache", files, client=httpx.Client(transport=httpx.MockTransport(handler)))
    assert f"tennis_atp/atp_matches_{newest}.csv" in result.downloaded
    assert f"tennis_wta/wta_matches_{newest + 1}.csv" in result.skipped
    assert (tmp_path / "cache" / "tennis_wta" / f"wta_matches_{newest}.csv").exists()


def test_a_published_season_missing_upstream_is_an_error_not_a_silent_gap(tmp_path: Path) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404 if request.url.path.endswith(f"_{LAST_PUBLISHED_YEAR}.csv") else 200)

    files = sackmann_files("https://example.test", range(LAST_PUBLISHED_YEAR, LAST_PUBLISHED_YEAR + 1))
    with pytest.raises(DownloadError, match="HTTP 404"):
        sync(tmp_path / "cache", files, client=httpx.Client(transport=httpx.MockTransport(handler)))
