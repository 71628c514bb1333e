"""`courtside data sync`: all-or-nothing downloads into the cache, clear failures without a traceback."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import typer
from typer.testing import CliRunner

from courtside.cli import data as data_cli
from courtside.data.sync import DownloadError, RemoteFile, odds_files, sackmann_files, sync

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
    args = ["data", "sync", "--dest", str(cache), "--sackmann-base", UNREACHABLE, "--odds-base", UNREACHABLE]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 1
    assert "could not reach" in result.output
    assert "Traceback" not in result.output
    assert old.read_text() == "player_id,name_first\n1,Old\n"
