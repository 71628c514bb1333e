"""The Sackmann and tennis-data readers: normalised columns, outcomes, rejections, encodings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from courtside.data.sources import (
    LoadReport,
    load_matches,
    load_odds,
    load_players,
    load_rankings,
    score_outcome,
)
from courtside.domain.errors import ConfigError
from courtside.domain.tennis import Tour

HEADER = (
    "tourney_id,tourney_name,surface,draw_size,tourney_level,tourney_date,match_num,winner_id,winner_seed,"
    "winner_entry,winner_name,winner_hand,winner_ht,winner_ioc,winner_age,loser_id,loser_seed,loser_entry,"
    "loser_name,loser_hand,loser_ht,loser_ioc,loser_age,score,best_of,round,minutes,w_ace,w_df,w_svpt,"
    "w_1stIn,w_1stWon,w_2ndWon,w_SvGms,w_bpSaved,w_bpFaced,l_ace,l_df,l_svpt,l_1stIn,l_1stWon,l_2ndWon,"
    "l_SvGms,l_bpSaved,l_bpFaced,winner_rank,winner_rank_points,loser_rank,loser_rank_points"
)


def _row(tid: str, level: str, num: int, wid: str, lid: str, score: str, rnd: str, wname: str = "A B") -> str:
    stats = ",".join(["5"] * 18)
    return (
        f"{tid},Testopen,Clay,32,{level},20230102,{num},{wid},1,,{wname},R,185,ESP,25.0,{lid},,Q,"
        f"C D,L,180,FRA,22.0,{score},3,{rnd},95,{stats},10,2000,120,400"
    )


@pytest.fixture
def tiny_dir(tmp_path: Path) -> Path:
    atp = tmp_path / "tennis_atp"
    atp.mkdir()
    rows = [
        _row("2023-1", "A", 2, "101", "102", "6-4 6-3", "SF"),
        _row("2023-1", "A", 1, "103", "104", "6-1 2-0 RET", "SF"),
        _row("2023-1", "A", 3, "101", "103", "W/O", "F"),
        _row("2023-1", "A", 9, "", "104", "6-0 6-0", "QF"),
        _row("2023-1", "A", 4, "105", "102", "6-3 2-1 DEF", "QF"),
        _row("2023-1", "A", 4, "105", "102", "6-3 2-1 DEF", "QF"),
    ]
    (atp / "atp_matches_2023.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    qual = [
        _row("2023-2", "C", 1, "106", "107", "7-6(5) 6-4", "R32"),
        _row("2023-3", "A", 5, "108", "109", "6-2 6-2", "Q2"),
    ]
    (atp / "atp_matches_qual_chall_2023.csv").write_text("\n".join([HEADER, *qual]) + "\n", encoding="utf-8")
    latin = (
        HEADER + "\n" + _row("2022-1", "M", 1, "110", "111", "6-4 6-4", "R64", wname="Gaël Monfils") + "\n"
    )
    (atp / "atp_matches_2022.csv").write_bytes(latin.encode("latin-1"))
    players = (
        "player_id,name_first,name_last,hand,dob,ioc,height,wikidata_id\n"
        "101,Rafael,Nadal,L,19860603,ESP,185,Q1\n102,,,U,,,,\n"
        "103,Félix,Auger-Aliassime,R,20000808,CAN,193,\n"
    )
    (atp / "atp_players.csv").write_text(players, encoding="utf-8")
    (atp / "atp_rankings_2020_2021.csv").write_text(
        "ranking_date,rank,player,points\n20200106,1,101,9985\n2020,x,,\n"
    )
    return tmp_path


@pytest.mark.parametrize(
    ("score", "outcome"),
    [
        ("6-4 6-3", "completed"),
        ("7-6(5) 3-6 [10-8]", "completed"),
        ("6-1 2-0 RET", "retired"),
        ("6-3 1-0 Ret.", "retired"),
        ("W/O", "walkover"),
        ("Walkover", "walkover"),
        ("6-3 2-1 DEF", "default"),
        ("6-0 4-1 Def.", "default"),
        ("6-1 4-5 Played and unfinished", "unknown"),
        ("", "unknown"),
        (None, "unknown"),
    ],
)
def test_score_outcome_reads_the_markers(score: str | None, outcome: str) -> None:
    assert score_outcome(score) == outcome


def test_load_matches_normalises_sorts_and_rejects(tiny_dir: Path) -> None:
    report = LoadReport()
    m = load_matches(tiny_dir, [Tour.ATP], report=report)
    assert report.rejected == {"missing winner_id": 1, "duplicate row (same match listed twice)": 1}
    assert report.files == 3
    assert report.rows_read == 9
    assert len(m) == 7
    one = m[m["tourney_id"] == "2023-1"]
    assert list(one["round"]) == ["QF", "SF", "SF", "F"]  # round order first, then match_num
    assert list(one["match_num"]) == [4, 1, 2, 3]
    assert list(one["outcome"]) == ["default", "retired", "completed", "walkover"]
    assert one["winner_key"].iloc[0] == "atp:105"
    assert m["tourney_date"].dtype.kind == "M"
    assert m["w_ace"].dtype == "float64"
    assert m["winner_id"].dtype == "int64"
    levels = dict(zip(m["tourney_id"] + m["round"], m["level"], strict=True))
    assert levels["2023-2R32"] == "challenger"
    assert levels["2023-3Q2"] == "qualifying"
    assert levels["2022-1R64"] == "masters"
    assert set(m["source"]) == {"sackmann"}
    assert set(m["file"]) == {
        "tennis_atp/atp_matches_2022.csv",
        "tennis_atp/atp_matches_2023.csv",
        "tennis_atp/atp_matches_qual_chall_2023.csv",
    }


def test_load_matches_reads_latin1_rows(tiny_dir: Path) -> None:
    m = load_matches(tiny_dir, [Tour.ATP], years=range(2022, 2023))
    assert m["winner_name"].tolist() == ["Gaël Monfils"]


def test_load_matches_can_skip_lower_levels(tiny_dir: Path) -> None:
    m = load_matches(tiny_dir, [Tour.ATP], include_lower=False)
    assert not m["file"].str.contains("qual_chall").any()


def test_missing_folder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="courtside data sync"):
        load_matches(tmp_path, [Tour.WTA])


def test_load_players_and_rankings(tiny_dir: Path) -> None:
    report = LoadReport()
    p = load_players(tiny_dir, [Tour.ATP], report=report)
    assert report.rejected == {"no name": 1}
    faa = p.set_index("key").loc["atp:103"]
    assert faa["full_name"] == "Félix Auger-Aliassime"
    assert str(faa["dob"]) == "2000-08-08"
    rreport = LoadReport()
    r = load_rankings(tiny_dir, [Tour.ATP], report=rreport)
    assert r["key"].tolist() == ["atp:101"]
    assert rreport.rows_rejected == 1


@pytest.mark.data
def test_real_files_load_whole(data_dir: Path) -> None:
    report = LoadReport()
    m = load_matches(data_dir, years=range(2023, 2024), report=report)
    assert len(m) > 20_000
    assert report.rows_rejected < 0.01 * report.rows_read
    assert set(report.rejected) <= {"duplicate row (same match listed twice)", "winner_id equals loser_id"}
    assert set(m["level"]) >= {"grand_slam", "masters", "challenger", "itf", "qualifying", "tour_250"}
    assert m["tourney_date"].is_monotonic_increasing
    odds = load_odds(data_dir, [Tour.ATP], years=range(2023, 2024))
    assert 2600 < len(odds) < 2800
    assert odds["PSW"].notna().mean() > 0.95
    assert isinstance(odds["date"].iloc[0], pd.Timestamp)


def test_load_odds_reads_both_layouts_and_rejects_bad_rows(tmp_path: Path) -> None:
    odds = tmp_path / "tennis_odds"
    odds.mkdir()
    (odds / "wta_2011.csv").write_text(
        "WTA,Location,Tournament,Date,Tier,Court,Surface,Round,Best of,Winner,Loser,WRank,LRank,"
        "Comment,B365W,B365L,PSW,PSL\n"
        "1,Auckland,ASB Classic,2011-01-03,International,Outdoor,Hard,1st Round,3,Wozniak A. ,"
        "Kuznetsova  S.,40,N/A,Completed,1.5,2.5,1.55,2.6\n"
        "1,Auckland,ASB Classic,not a date,International,Outdoor,Hard,1st Round,3,A B.,C D.,1,2,"
        "Completed,1.5,2.5,1.55,2.6\n"
        "1,Auckland,ASB Classic,2011-01-04,International,Outdoor,Hard,1st Round,3,,C D.,1,2,"
        "Walkover,,,,\n",
        encoding="utf-8",
    )
    (odds / "atp_2011.csv").write_text("ATP,Date,Winner,Loser,Comment,MaxW,MaxL\n", encoding="utf-8")
    report = LoadReport()
    frame = load_odds(tmp_path, [Tour.WTA], report=report)
    assert report.rejected == {"bad date": 1, "missing player name": 1}
    row = frame.iloc[0]
    assert (row["winner"], row["loser"]) == ("Wozniak A.", "Kuznetsova S.")
    assert row["series"] == "International"
    assert row["round"] == "1st Round"
    assert row["PSW"] == pytest.approx(1.55)
    assert pd.isna(row["MaxW"])  # a bookmaker column the file lacks is NaN, not an error
    assert pd.isna(row["lrank"])
    assert load_odds(tmp_path, [Tour.ATP]).empty


def test_a_match_key_seen_twice_keeps_the_first_row_in_file_order(tmp_path: Path) -> None:
    atp = tmp_path / "tennis_atp"
    atp.mkdir()
    rows = [
        _row("2023-1", "A", 7, "101", "102", "6-4 6-3", "QF"),
        _row("2023-1", "A", 7, "103", "104", "6-1 6-1", "QF"),  # same event, round and number
        _row("2023-1", "A", 7, "101", "102", "6-4 6-3", "QF"),  # the first row again
        _row("2023-1", "A", 3, "105", "106", "6-2 6-2", "R16"),
    ]
    (atp / "atp_matches_2023.csv").write_text("\n".join([HEADER, *rows]) + "\n", encoding="utf-8")
    report = LoadReport()
    m = load_matches(tmp_path, [Tour.ATP], report=report)
    assert report.rejected == {
        "duplicate row (same match listed twice)": 1,
        "another match has the same tour, tourney_id, round and match_num": 1,
    }
    assert list(zip(m["round"], m["winner_key"], strict=True)) == [("R16", "atp:105"), ("QF", "atp:101")]
    assert report.rows_kept == 2
