"""Joining tennis-data odds rows to Sackmann matches: names, event window, round, reasons."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from courtside.data.join import join_odds, join_report
from courtside.data.registry import PlayerRegistry
from courtside.data.sources import load_matches, load_odds, load_players
from courtside.domain.tennis import Tour


def _match(
    tid: str, monday: str, num: int, rnd: str, winner: tuple[str, str], loser: tuple[str, str]
) -> dict[str, object]:
    return {
        "tour": "atp",
        "tourney_id": tid,
        "tourney_date": pd.Timestamp(monday),
        "match_num": num,
        "round": rnd,
        "level": "tour_250",
        "winner_key": winner[0],
        "winner_name": winner[1],
        "loser_key": loser[0],
        "loser_name": loser[1],
    }


NADAL = ("atp:1", "Rafael Nadal")
FEDERER = ("atp:2", "Roger Federer")
GALAN = ("atp:3", "Daniel Elahi Galan")
RAMOS = ("atp:4", "Albert Ramos")
MONFILS = ("atp:5", "Gael Monfils")


@pytest.fixture
def matches() -> pd.DataFrame:
    rows = [
        _match("2020-1", "2020-01-06", 1, "SF", NADAL, FEDERER),
        _match("2020-1", "2020-01-06", 2, "F", NADAL, GALAN),
        _match("2020-2", "2020-01-13", 1, "F", FEDERER, NADAL),  # the same pair, one week later
        _match("2020-2", "2020-01-13", 2, "SF", RAMOS, MONFILS),
    ]
    return pd.DataFrame(rows)


@pytest.fixture
def registry() -> PlayerRegistry:
    rows = [
        {"key": "atp:1", "name_first": "Rafael", "name_last": "Nadal"},
        {"key": "atp:2", "name_first": "Roger", "name_last": "Federer"},
        {"key": "atp:3", "name_first": "Daniel Elahi", "name_last": "Galan"},
        {"key": "atp:4", "name_first": "Albert", "name_last": "Ramos"},
        {"key": "atp:5", "name_first": "Gael", "name_last": "Monfils"},
    ]
    return PlayerRegistry.from_records(rows)


def _odds(rows: list[tuple[str, str, str, str]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "tour": ["atp"] * len(rows),
            "date": pd.to_datetime([r[0] for r in rows]),
            "round": [r[1] for r in rows],
            "winner": [r[2] for r in rows],
            "loser": [r[3] for r in rows],
            "comment": ["Completed"] * len(rows),
            "PSW": [1.5] * len(rows),
        }
    )


def test_rows_join_to_the_match_of_their_week(matches: pd.DataFrame, registry: PlayerRegistry) -> None:
    odds = _odds(
        [
            ("2020-01-11", "Semifinals", "Nadal R.", "Federer R."),
            ("2020-01-19", "The Final", "Federer R.", "Nadal R."),
            ("2020-01-12", "The Final", "Nadal R.", "Galan D.E."),
            ("2020-01-18", "Semifinals", "Ramos-Vinolas A.", "Monfils G."),
        ]
    )
    joined = join_odds(matches, odds, registry)
    assert joined["tourney_id"].tolist() == ["2020-1", "2020-2", "2020-1", "2020-2"]
    assert joined["match_num"].tolist() == [1, 1, 2, 2]
    assert joined["winner_key"].tolist() == ["atp:1", "atp:2", "atp:1", "atp:4"]
    assert joined["PSW"].tolist() == [1.5] * 4  # the odds travel with the row
    assert join_report(joined).rate == 1.0


def test_unmatched_rows_are_kept_with_a_reason(matches: pd.DataFrame, registry: PlayerRegistry) -> None:
    odds = _odds(
        [
            ("2020-01-11", "Semifinals", "Nadal R.", "Federer R."),
            ("2020-03-01", "1st Round", "Nadal R.", "Federer R."),  # no event that week
            ("2020-01-11", "1st Round", "Nobody X.", "Someone Y."),
        ]
    )
    joined = join_odds(matches, odds, registry)
    assert joined["join_status"].tolist() == ["joined", "unmatched", "unmatched"]
    assert pd.isna(joined.loc[1, "tourney_id"])
    assert "event window" in joined.loc[1, "join_reason"]
    assert "neither name resolved" in joined.loc[2, "join_reason"]
    report = join_report(joined)
    assert report.rows == 3
    assert report.joined == 1
    assert sum(report.reasons.values()) == 2


@pytest.mark.data
@pytest.mark.slow
def test_real_season_join_rate(data_dir: Path) -> None:
    players = load_players(data_dir)
    matches = load_matches(data_dir, years=range(2018, 2020))
    odds = load_odds(data_dir, [Tour.ATP, Tour.WTA], years=range(2019, 2020))
    registry = PlayerRegistry.from_frames(players, matches)
    report = join_report(join_odds(matches, odds, registry))
    assert report.rows > 4500
    assert report.rate >= 0.995, report.reasons.most_common(5)
