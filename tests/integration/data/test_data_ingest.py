"""`ingest` into SQLite (counts, idempotence, corrections, ingest_runs, registry from the db) and the CLI."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import typer
from sqlalchemy import func, select
from typer.testing import CliRunner

from courtside.cli import data as data_cli
from courtside.data.ingest import ingest, registry_from_db
from courtside.data.sources import ATTRIBUTION
from courtside.domain.clock import ManualClock
from courtside.domain.errors import ConfigError, StoreError
from courtside.store.db import make_engine
from courtside.store.history import HistoryMatch, HistoryOdds, HistoryPlayer, IngestRun

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


def test_ingest_twice_adds_nothing_the_second_time(tmp_path: Path) -> None:
    data = _write_tiny(tmp_path / "data")
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    first = ingest(data, engine, clock=CLOCK)
    assert first.tables["matches"].inserted == 3
    assert first.tables["matches"].rejected == {"missing loser_id": 1}
    assert first.tables["players"].inserted == 4
    assert first.tables["odds"].inserted == 3
    assert first.join_rate == 1.0
    assert first.files == {
        "tennis_atp/atp_matches_2023.csv": "new",
        "tennis_atp/atp_players.csv": "new",
        "tennis_odds/atp_2023.csv": "new",
    }
    second = ingest(data, engine, clock=CLOCK)
    assert set(second.files.values()) == {"unchanged, skipped"}
    assert second.files_read == []
    for name in ("players", "matches", "odds"):
        counts = second.tables[name]
        assert (counts.files_read, counts.files_skipped) == (0, 1)
        assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 0)
    assert second.join_rate == 1.0  # of the stored rows
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(HistoryMatch)).scalar_one() == 3
        runs = conn.execute(select(IngestRun.status, IngestRun.files, IngestRun.started_at)).all()
    assert [r.status for r in runs] == ["ok", "ok"]
    assert json.loads(runs[1].files) == {"unchanged, skipped": 3, "files": {}}
    assert runs[0].started_at == CLOCK.now()


DE_MINAUR = ("5", "Alex de Minaur")
# Djokovic beat de Minaur in the quarter-final: the odds file has it, the match file not yet
QF_ODDS = (
    "1,Adelaide,Adelaide 1,2023-01-05,ATP250,Outdoor,Hard,Quarterfinals,3,Djokovic N.,De Minaur A.,5,24,"
    "6,3,6,3,2,0,Completed,1.4,3.0,1.42,3.1,1.45,3.2,1.4,2.9"
)


def _with_de_minaur(root: Path) -> Path:
    """The tiny folder plus a fifth player with no match yet and an odds row for a match still missing."""
    data = _write_tiny(root)
    with (data / "tennis_atp" / "atp_players.csv").open("a") as f:
        f.write("5,Alex,de Minaur,R,19990217,AUS,183,\n")
    with (data / "tennis_odds" / "atp_2023.csv").open("a") as f:
        f.write(QF_ODDS + "\n")
    return data


def test_a_changed_match_file_alone_is_read_and_the_derived_steps_follow(tmp_path: Path) -> None:
    data = _with_de_minaur(tmp_path / "data")
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    first = ingest(data, engine, clock=CLOCK)
    assert first.join_rows == 3  # completed rows (one of the four retired)
    assert first.join_rate == pytest.approx(2 / 3)  # the quarter-final's odds row has no match to join yet
    with (data / "tennis_atp" / "atp_matches_2023.csv").open("a") as f:
        f.write(_m(5, "QF", ("1", "Novak Djokovic"), DE_MINAUR, "6-3 6-3") + "\n")

    second = ingest(data, engine, clock=CLOCK)

    assert second.files_read == ["tennis_atp/atp_matches_2023.csv"]
    assert second.files["tennis_atp/atp_matches_2023.csv"] == "changed"
    assert second.files["tennis_atp/atp_players.csv"] == "unchanged, skipped"
    assert second.files["tennis_odds/atp_2023.csv"] == "unchanged, skipped"
    matches = second.tables["matches"]
    assert (matches.files_read, matches.inserted, matches.updated, matches.unchanged) == (1, 1, 0, 3)
    # de Minaur's activity and Djokovic's match count derive from every match: both refreshed in place
    assert (second.tables["players"].inserted, second.tables["players"].updated) == (0, 2)
    # the odds row that could not join before joins now, though its file was not read
    assert (second.tables["odds"].inserted, second.tables["odds"].updated) == (0, 1)
    assert second.join_rate == 1.0
    with engine.connect() as conn:
        qf = conn.execute(select(HistoryOdds).where(HistoryOdds.round == "Quarterfinals")).one()
        minaur = conn.execute(select(HistoryPlayer).where(HistoryPlayer.key == "atp:5")).one()
        novak = conn.execute(select(HistoryPlayer.n_matches).where(HistoryPlayer.key == "atp:1")).scalar_one()
    assert (qf.join_status, qf.winner_key, qf.loser_key, qf.match_num) == ("joined", "atp:1", "atp:5", 5)
    assert (minaur.n_matches, str(minaur.first_seen)) == (1, "2023-01-02")
    assert novak == 3


def test_a_row_of_a_re_read_odds_file_joins_a_match_that_came_with_it(tmp_path: Path) -> None:
    data = _with_de_minaur(tmp_path / "data")
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    ingest(data, engine, clock=CLOCK)
    with (data / "tennis_atp" / "atp_matches_2023.csv").open("a") as f:
        f.write(_m(5, "QF", ("1", "Novak Djokovic"), DE_MINAUR, "6-3 6-3") + "\n")
    with (data / "tennis_odds" / "atp_2023.csv").open("a") as f:  # the sync also brought a new odds row
        f.write(QF_ODDS.replace("Djokovic N.,De Minaur A.", "Sinner J.,Galan D.E.") + "\n")

    again = ingest(data, engine, clock=CLOCK)

    assert sorted(again.files_read) == ["tennis_atp/atp_matches_2023.csv", "tennis_odds/atp_2023.csv"]
    odds = again.tables["odds"]
    # the quarter-final row is unchanged in its file, but its join is not: updated in place
    assert (odds.inserted, odds.updated, odds.unchanged) == (1, 1, 3)
    with engine.connect() as conn:
        qf = conn.execute(select(HistoryOdds).where(HistoryOdds.loser == "De Minaur A.")).one()
    assert (qf.join_status, qf.match_num) == ("joined", 5)


def test_full_reads_every_file_again_and_adds_nothing(tmp_path: Path) -> None:
    data = _with_de_minaur(tmp_path / "data")
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    ingest(data, engine, clock=CLOCK)
    again = ingest(data, engine, clock=CLOCK, full=True)
    assert set(again.files.values()) == {"re-read (--full)"}
    assert len(again.files_read) == 3
    assert {name: (c.inserted, c.updated) for name, c in again.tables.items()} == {
        "players": (0, 0),
        "matches": (0, 0),
        "odds": (0, 0),
    }
    assert again.tables["matches"].unchanged == 3
    assert again.tables["players"].unchanged == 5
    assert again.tables["odds"].unchanged == 4
    with engine.connect() as conn:
        full = conn.execute(select(IngestRun.full).order_by(IngestRun.id)).scalars().all()
    assert full == [False, True]


def test_an_odds_file_alone_is_joined_against_the_stored_matches(tmp_path: Path) -> None:
    data = _write_tiny(tmp_path / "data")
    odds = data / "tennis_odds" / "atp_2023.csv"
    odds.write_text("".join(odds.read_text().splitlines(keepends=True)[:-1]))  # the final's row comes later
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    ingest(data, engine, clock=CLOCK)
    _write_tiny(data)  # the same player and match files, the odds file with the final's row
    again = ingest(data, engine, clock=CLOCK)
    assert again.files_read == ["tennis_odds/atp_2023.csv"]
    assert (again.tables["odds"].inserted, again.tables["odds"].unchanged) == (1, 2)
    assert again.tables["players"].updated == 0
    assert (again.join_rows, again.join_rate) == (2, 1.0)
    with engine.connect() as conn:
        final = conn.execute(select(HistoryOdds).where(HistoryOdds.round == "The Final")).one()
    assert (final.join_status, final.match_num, final.winner_key, final.loser_key) == (
        "joined",
        3,
        "atp:1",
        "atp:2",
    )


def test_a_failed_write_records_no_file_so_the_next_ingest_reads_it(tmp_path: Path) -> None:
    data = _write_tiny(tmp_path / "data")
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    (data / "tennis_odds" / "atp_2023.csv").write_text(ODDS_HEADER + "\n")  # no odds yet
    ingest(data, engine, clock=CLOCK)
    with engine.begin() as conn:  # a table the ingest cannot write
        conn.exec_driver_sql(
            "CREATE TRIGGER no_odds BEFORE INSERT ON history_odds BEGIN SELECT RAISE(ABORT, 'read-only'); END"
        )
    _write_tiny(data)
    with pytest.raises(StoreError, match="read-only"):
        ingest(data, engine, clock=CLOCK)
    with engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER no_odds")
        statuses = conn.execute(select(IngestRun.status).order_by(IngestRun.id)).scalars().all()
    assert statuses == ["ok", "failed"]
    retry = ingest(data, engine, clock=CLOCK)
    assert retry.files["tennis_odds/atp_2023.csv"] == "changed"
    assert retry.tables["odds"].inserted == 3


def test_corrected_row_is_replaced_and_values_round_trip(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    ingest(_write_tiny(tmp_path / "data"), engine, clock=CLOCK)
    again = ingest(_write_tiny(tmp_path / "data", final_score="7-6(3) 6-4"), engine, clock=CLOCK)
    assert again.tables["matches"].updated == 1
    assert again.tables["matches"].unchanged == 2
    with engine.connect() as conn:
        final = conn.execute(select(HistoryMatch).where(HistoryMatch.round == "F")).one()
        retired = conn.execute(select(HistoryMatch.outcome).where(HistoryMatch.match_num == 2)).scalar_one()
        odds = conn.execute(select(HistoryOdds).where(HistoryOdds.round == "The Final")).one()
        galan = conn.execute(select(HistoryPlayer).where(HistoryPlayer.key == "atp:3")).one()
    assert final.score == "7-6(3) 6-4"
    assert final.w_ace is None
    assert retired == "retired"
    assert Decimal("1.21") == odds.PSW
    assert odds.winner_key == "atp:1"
    assert galan.n_matches == 1  # the walkover against a row without an id was rejected
    assert str(galan.first_seen) == "2023-01-02"


def test_registry_from_the_database(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    assert registry_from_db(engine) is None
    ingest(_write_tiny(tmp_path / "data"), engine, clock=CLOCK)
    registry = registry_from_db(engine)
    assert registry is not None
    res = registry.resolve("Galan D.E.")
    assert res.player is not None
    assert res.player.key == "atp:3"


def test_folder_without_tours_is_a_config_error(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    with pytest.raises(ConfigError, match="tennis_atp"):
        ingest(tmp_path, engine, clock=CLOCK)


@pytest.mark.data
@pytest.mark.slow
def test_real_files_ingest_idempotently(data_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "data"
    (copy / "tennis_atp").mkdir(parents=True)
    (copy / "tennis_odds").mkdir()
    for name in ("atp_players.csv", "atp_matches_2023.csv"):
        shutil.copy(data_dir / "tennis_atp" / name, copy / "tennis_atp" / name)
    shutil.copy(data_dir / "tennis_odds" / "atp_2023.csv", copy / "tennis_odds" / "atp_2023.csv")
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    first = ingest(copy, engine, clock=CLOCK)
    assert first.tables["matches"].inserted > 2500
    assert first.join_rate >= 0.99
    second = ingest(copy, engine, clock=CLOCK)
    assert second.files_read == []
    assert second.tables["matches"].inserted == 0
    assert second.tables["odds"].inserted == 0
    assert second.tables["players"].inserted == 0
    assert second.join_rate == first.join_rate
    again = ingest(copy, engine, clock=CLOCK, full=True)  # the store-derived join equals the first one
    assert {name: (c.inserted, c.updated) for name, c in again.tables.items()} == {
        "players": (0, 0),
        "matches": (0, 0),
        "odds": (0, 0),
    }


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    data_cli.register(app)
    return app


def test_ingest_without_a_folder_says_what_to_do(app: typer.Typer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("COURTSIDE_DATA", raising=False)
    result = CliRunner().invoke(app, ["data", "ingest", "--db", "sqlite:///:memory:"])
    assert result.exit_code == 2
    assert "COURTSIDE_DATA" in result.output
    assert "Traceback" not in result.output


def test_ingest_json_then_resolve_from_the_database(app: typer.Typer, tmp_path: Path) -> None:
    data = _write_tiny(tmp_path / "data")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    first = CliRunner().invoke(app, ["data", "ingest", "--from", str(data), "--db", db, "--json"])
    assert first.exit_code == 0, first.output
    payload = json.loads(first.stdout)
    assert payload["tables"]["matches"]["inserted"] == 3
    assert payload["odds_join"]["rate"] == 1.0
    assert "Jeff Sackmann" in payload["attribution"]
    again = json.loads(
        CliRunner().invoke(app, ["data", "ingest", "--from", str(data), "--db", db, "--json"]).stdout
    )
    assert again["tables"]["matches"]["inserted"] == 0
    assert again["files"]["tennis_atp/atp_matches_2023.csv"] == "unchanged, skipped"
    res = CliRunner().invoke(app, ["data", "resolve", "Galan D.E.", "--db", db, "--json"])
    assert res.exit_code == 0, res.output
    answer = json.loads(res.stdout)
    assert answer["status"] == "ok"
    assert answer["player"]["key"] == "atp:3"


def test_ingest_says_which_files_it_skipped_and_full_reads_them(app: typer.Typer, tmp_path: Path) -> None:
    data = _write_tiny(tmp_path / "data")
    args = ["data", "ingest", "--from", str(data), "--db", f"sqlite:///{tmp_path / 'h.db'}"]
    assert CliRunner().invoke(app, args).exit_code == 0
    second = CliRunner().invoke(app, args)
    assert second.exit_code == 0, second.output
    assert "3 files unchanged, skipped" in second.output
    full = CliRunner().invoke(app, [*args, "--full", "--json"])
    assert full.exit_code == 0, full.output
    payload = json.loads(full.stdout)
    assert payload["full"] is True
    assert set(payload["files"].values()) == {"re-read (--full)"}
    assert payload["tables"]["matches"]["files_read"] == 1
    assert payload["tables"]["matches"]["inserted"] == 0


def test_resolve_prints_the_player_and_the_attribution(app: typer.Typer, tmp_path: Path) -> None:
    data = _write_tiny(tmp_path / "data")
    res = CliRunner().invoke(app, ["data", "resolve", "Jannik Sinner", "--from", str(data), "--tour", "atp"])
    assert res.exit_code == 0, res.output
    assert "ok: Jannik Sinner (atp:4)" in res.output
    assert " ".join(ATTRIBUTION.split()) in " ".join(res.output.split())
