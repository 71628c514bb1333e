"""`ingest` into the history store: files read once, sources merged (Sackmann > tennis-data), newcomers
past Sackmann's coverage, seq kept across ingests, links when a richer file names a newcomer, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from courtside.cli import data as data_cli
from courtside.data.history import registry_from_store, stored_matches
from courtside.data.identity import is_newcomer
from courtside.data.ingest import ingest
from courtside.data.sources import ATTRIBUTION
from courtside.domain.clock import ManualClock
from courtside.domain.errors import ConfigError
from courtside.store.history import HistoryStore

HEADER = (
    "tourney_id,tourney_name,surface,draw_size,tourney_level,tourney_date,match_num,winner_id,winner_seed,"
    "winner_entry,winner_name,winner_hand,winner_ht,winner_ioc,winner_age,loser_id,loser_seed,loser_entry,"
    "loser_name,loser_hand,loser_ht,loser_ioc,loser_age,score,best_of,round,minutes,w_ace,w_df,w_svpt,"
    "w_1stIn,w_1stWon,w_2ndWon,w_SvGms,w_bpSaved,w_bpFaced,l_ace,l_df,l_svpt,l_1stIn,l_1stWon,l_2ndWon,"
    "l_SvGms,l_bpSaved,l_bpFaced,winner_rank,winner_rank_points,loser_rank,loser_rank_points"
)
ODDS_HEADER = (
    "ATP,Location,Tournament,Date,Series,Court,Surface,Round,Best of,Winner,Loser,WRank,LRank,"
    "W1,L1,W2,L2,Wsets,Lsets,Comment,B365W,B365L,PSW,PSL,MaxW,MaxL,AvgW,AvgL"
)


def _m(num: int, rnd: str, w: tuple[str, str], lo: tuple[str, str], score: str) -> str:
    head = f"2023-339,Adelaide,Hard,32,A,20230102,{num}"
    sides = f"{w[0]},,,{w[1]},R,185,ESP,25,{lo[0]},,,{lo[1]},R,180,FRA,22"
    return f"{head},{sides},{score},3,{rnd},{',' * 18}10,2000,20,1500"


def _write_tiny(root: Path, final_score: str = "6-4 6-4") -> Path:
    atp = root / "tennis_atp"
    odds = root / "tennis_odds"
    atp.mkdir(parents=True, exist_ok=True)
    odds.mkdir(exist_ok=True)
    a, b, c, d = (
        ("1", "Novak Djokovic"),
        ("2", "Sebastian Korda"),
        ("3", "Daniel Elahi Galan"),
        ("4", "Jannik Sinner"),
    )
    rows = [
        _m(1, "SF", a, d, "6-3 6-4"),
        _m(2, "SF", b, c, "6-1 2-0 RET"),
        _m(3, "F", a, b, final_score),
        _m(4, "QF", c, ("", "Ghost"), "W/O"),
    ]
    (atp / "atp_matches_2023.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    players = ["player_id,name_first,name_last,hand,dob,ioc,height,wikidata_id"]
    players += [f"{i},{n.split(' ', 1)[0]},{n.split(' ', 1)[1]},R,19900101,SRB,188," for i, n in (a, b, c, d)]
    players[3] = "3,Daniel Elahi,Galan,R,19960618,COL,191,"
    (atp / "atp_players.csv").write_text("\n".join(players) + "\n")
    event = "1,Adelaide,Adelaide 1"
    odds_rows = [
        f"{event},2023-01-06,ATP250,Outdoor,Hard,Semifinals,3,Djokovic N.,Sinner J.,5,15,6,3,6,4,2,0,"
        "Completed,1.3,3.5,1.32,3.6,1.35,3.8,1.3,3.4",
        f"{event},2023-01-06,ATP250,Outdoor,Hard,Semifinals,3,Korda S.,Galan D.E.,35,60,6,1,2,0,1,0,"
        "Retired,1.5,2.5,1.52,2.6,1.55,2.7,1.5,2.5",
        f"{event},2023-01-08,ATP250,Outdoor,Hard,The Final,3,Djokovic N.,Korda S.,5,35,6,4,6,4,2,0,"
        "Completed,1.2,4.5,1.21,4.6,1.25,4.8,1.2,4.4",
    ]
    (odds / "atp_2023.csv").write_text("\n".join([ODDS_HEADER, *odds_rows]) + "\n")
    return root


CLOCK = ManualClock(datetime(2026, 1, 5, 12, 0, tzinfo=UTC))
LATER_ODDS = (
    "2,Brisbane,Brisbane International,2024-01-02,ATP250,Outdoor,Hard,1st Round,3,Djokovic N.,Fonseca J.,"
    "1,150,"
    "6,2,6,3,2,0,Completed,1.1,7,1.1,7.5,1.12,8,1.1,7",
    "2,Brisbane,Brisbane International,2024-01-03,ATP250,Outdoor,Hard,2nd Round,3,Fonseca J.,Sinner J.,150,4,"
    "7,6,6,4,2,0,Completed,4,1.25,4.2,1.26,4.4,1.3,4,1.24",
)


def _add_season(root: Path) -> None:
    (root / "tennis_odds" / "atp_2024.csv").write_text("\n".join([ODDS_HEADER, *LATER_ODDS]) + "\n")


def test_ingest_merges_tennis_data_into_sackmann_and_a_second_run_reads_nothing(tmp_path: Path) -> None:
    root, store = _write_tiny(tmp_path / "data"), HistoryStore(tmp_path / "history")
    first = ingest(root, store, clock=CLOCK)
    assert sorted(first.files_read) == ["tennis_atp/atp_matches_2023.csv", "tennis_atp/atp_players.csv",
                                        "tennis_odds/atp_2023.csv"]  # fmt: skip
    td = first.sources["tennis-data"]
    assert (td.read, td.merged, td.new) == (3, 3, 0)  # every row is a Sackmann match: kept once
    matches = stored_matches(store)
    assert len(matches) == 3
    assert set(matches["source"]) == {"sackmann"}
    final = matches[matches["round"] == "F"].iloc[0]
    assert final["PSW"] == 1.21
    assert final["td_comment"] == "Completed"
    assert str(final["day"].date()) == "2023-01-08"
    again = ingest(root, store, clock=CLOCK)
    assert again.files_read == []
    assert again.seq == first.seq == 1


def test_a_season_past_sackmann_brings_new_matches_and_newcomers_with_stable_ids(tmp_path: Path) -> None:
    root, store = _write_tiny(tmp_path / "data"), HistoryStore(tmp_path / "history")
    ingest(root, store, clock=CLOCK)
    _add_season(root)
    result = ingest(root, store, clock=CLOCK)
    assert result.files_read == ["tennis_odds/atp_2024.csv"]
    td = result.sources["tennis-data"]
    assert (td.new, td.merged) == (2, 3)
    late = stored_matches(store, after_seq=1)
    assert list(late["source"]) == ["tennis-data", "tennis-data"]
    assert set(late["seq"]) == {2}
    keys = set(late["winner_key"]) | set(late["loser_key"])
    assert {"atp:1", "atp:4"} <= keys  # Djokovic N. and Sinner J. resolve to the Sackmann ids
    fonseca = [k for k in keys if is_newcomer(k)]
    assert len(fonseca) == 1  # one newcomer for both rows, ranked 150 in the file
    assert late.loc[late["winner_key"] == fonseca[0], "winner_rank"].iloc[0] == 150
    players = store.read("players")
    row = players[players["key"] == fonseca[0]].iloc[0]
    assert (row["source"], row["name_last"], str(row["first_seen"])) == (
        "tennis-data",
        "Fonseca",
        "2024-01-02",
    )
    rebuilt = ingest(root, HistoryStore(tmp_path / "again"), clock=CLOCK)  # a fresh store, same files
    assert rebuilt.newcomers == 1
    again = stored_matches(HistoryStore(tmp_path / "again"))
    assert fonseca[0] in set(again["winner_key"])  # the same id in every build


def test_a_newer_sackmann_file_absorbs_the_rows_and_links_the_newcomer(tmp_path: Path) -> None:
    root, store = _write_tiny(tmp_path / "data"), HistoryStore(tmp_path / "history")
    _add_season(root)
    ingest(root, store, clock=CLOCK)
    newcomer = next(k for k in stored_matches(store)["winner_key"] if is_newcomer(k))
    atp = root / "tennis_atp"
    (atp / "atp_players.csv").write_text(
        (atp / "atp_players.csv").read_text() + "5,Joao,Fonseca,R,20060821,BRA,185,\n"
    )
    head = "2024-339,Brisbane,Hard,32,A,20240101"
    rows = [
        f"{head},1,1,,,Novak Djokovic,R,188,SRB,36,5,,,Joao Fonseca,R,185,BRA,17,6-2 6-3,3,R32,"
        f"{',' * 18}1,9000,150,500",
        f"{head},2,5,,,Joao Fonseca,R,185,BRA,17,4,,,Jannik Sinner,R,188,ITA,22,7-6 6-4,3,R16,"
        f"{',' * 18}150,500,4,8000",
    ]
    (atp / "atp_matches_2024.csv").write_text("\n".join([HEADER, *rows]) + "\n")
    result = ingest(root, store, clock=CLOCK)
    td = result.sources["tennis-data"]
    assert (td.merged, td.new) == (5, 0)  # the 2024 rows are Sackmann's now
    matches = stored_matches(store)
    assert len(matches) == 5
    assert "atp:5" in set(matches["winner_key"])
    assert set(matches.loc[matches["tourney_id"] == "2024-339", "seq"]) == {1}  # learned before: same seq
    links = store.read("links")
    assert links is not None
    assert list(zip(links["from_key"], links["to_key"], strict=True)) == [(newcomer, "atp:5")]


def test_missing_files_keep_their_rows_and_full_reads_everything(tmp_path: Path) -> None:
    root, store = _write_tiny(tmp_path / "data"), HistoryStore(tmp_path / "history")
    ingest(root, store, clock=CLOCK)
    (root / "tennis_odds" / "atp_2023.csv").unlink()
    result = ingest(root, store, clock=CLOCK)
    assert result.files["tennis_odds/atp_2023.csv"] == "missing (its rows stay)"
    assert ingest(root, store, clock=CLOCK, full=True).files_read == [
        "tennis_atp/atp_matches_2023.csv", "tennis_atp/atp_players.csv"
    ]  # fmt: skip
    final = stored_matches(store)
    assert final.loc[final["round"] == "F", "PSW"].iloc[0] == 1.21


def test_a_failed_write_leaves_the_store_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root, store = _write_tiny(tmp_path / "data"), HistoryStore(tmp_path / "history")
    ingest(root, store, clock=CLOCK)
    _add_season(root)
    before = (tmp_path / "history" / "CURRENT").read_text()

    def boom(self: object, name: str, frame: pd.DataFrame) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("courtside.store.history.Generation.write", boom)
    with pytest.raises(OSError, match="disk full"):
        ingest(root, store, clock=CLOCK)
    monkeypatch.undo()
    assert (tmp_path / "history" / "CURRENT").read_text() == before
    assert ingest(root, store, clock=CLOCK).files_read == ["tennis_odds/atp_2024.csv"]


def test_registry_from_the_store_knows_sackmann_players_and_newcomers(tmp_path: Path) -> None:
    root, store = _write_tiny(tmp_path / "data"), HistoryStore(tmp_path / "history")
    _add_season(root)
    ingest(root, store, clock=CLOCK)
    registry = registry_from_store(store)
    assert registry is not None
    assert registry.resolve("Galan D.E.", "atp").player.key == "atp:3"  # type: ignore[union-attr]
    found = registry.resolve("Joao Fonseca", "atp")  # the newcomer known only as "Fonseca J."
    assert found.status == "ok"
    assert found.player is not None
    assert is_newcomer(found.player.key)


def test_folder_without_tours_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="neither tennis_atp"):
        ingest(tmp_path, HistoryStore(tmp_path / "history"))


@pytest.mark.data
@pytest.mark.slow
def test_real_files_ingest_idempotently(data_dir: Path, tmp_path: Path) -> None:
    store = HistoryStore(tmp_path / "history")
    first = ingest(data_dir, store)
    td = first.sources["tennis-data"]
    assert td.merged / td.read > 0.99
    assert td.new == 0
    assert first.matches > 490_000
    assert first.results_through is not None
    assert ingest(data_dir, store).files_read == []


@pytest.fixture
def app() -> typer.Typer:
    cli = typer.Typer()
    data_cli.register(cli)
    return cli


def test_ingest_without_a_folder_says_what_to_do(app: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURTSIDE_DATA", raising=False)
    res = CliRunner().invoke(app, ["data", "ingest"])
    assert res.exit_code == 2
    assert "COURTSIDE_DATA" in res.output


def test_ingest_json_then_resolve_from_the_store(app: typer.Typer, tmp_path: Path) -> None:
    root = _write_tiny(tmp_path / "data")
    _add_season(root)
    history = str(tmp_path / "history")
    res = CliRunner().invoke(app, ["data", "ingest", "--from", str(root), "--history", history, "--json"])
    assert res.exit_code == 0, res.output
    payload = json.loads(res.stdout)
    assert payload["sources"]["tennis-data"]["new"] == 2
    assert payload["attribution"] == ATTRIBUTION
    res = CliRunner().invoke(app, ["data", "resolve", "Fonseca J.", "--history", history, "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["status"] == "ok"


def test_ingest_prints_the_sources_table_and_skipped_files(app: typer.Typer, tmp_path: Path) -> None:
    root = _write_tiny(tmp_path / "data")
    history = str(tmp_path / "history")
    CliRunner().invoke(app, ["data", "ingest", "--from", str(root), "--history", history])
    res = CliRunner().invoke(app, ["data", "ingest", "--from", str(root), "--history", history])
    assert res.exit_code == 0, res.output
    assert "3 files unchanged, skipped" in res.output
