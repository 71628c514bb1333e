"""Name folding and player resolution: diacritics, particles, initials, namesakes, activity dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from courtside.data.names import compact, fold, initials_match, parse_name
from courtside.data.registry import PlayerRegistry
from courtside.data.sources import load_matches, load_players
from courtside.domain.tennis import Tour

PLAYERS = [
    # key, first, last, first_seen, last_seen, n_matches, n_tour_matches
    ("atp:200000", "Félix", "Auger-Aliassime", "2015-01-01", "2023-11-01", 400, 300),
    ("wta:215561", "Malika", "Auger Aliassime", None, None, 0, 0),
    ("atp:122298", "Botic", "Van De Zandschulp", "2014-01-01", "2023-11-01", 300, 150),
    ("atp:200282", "Alex", "De Minaur", "2015-01-01", "2023-11-01", 350, 300),
    ("atp:202199", "Carlos", "Sanchez Jover", "2018-01-01", "2023-11-01", 200, 5),
    ("wta:223286", "Victoria", "Jimenez Kasintseva", "2019-01-01", "2023-11-01", 150, 40),
    ("wta:201478", "Varvara", "Lepchenko", "2001-01-01", "2023-08-01", 700, 400),
    ("wta:212817", "Eugenia", "Lepchenko", None, None, 0, 0),
    ("atp:202103", "Francisco", "Cerundolo", "2017-01-01", "2023-11-01", 250, 120),
    ("atp:207678", "Juan Manuel", "Cerundolo", "2018-01-01", "2023-11-01", 200, 40),
    ("atp:100644", "Alexander", "Zverev", "2013-01-01", "2023-11-01", 600, 500),
    ("atp:200630", "Alexander", "Zverev Sr", "1980-01-01", "1986-01-01", 20, 5),
    ("atp:104999", "Mischa", "Zverev", "2005-01-01", "2021-06-01", 500, 300),
    ("wta:201662", "Karolina", "Pliskova", "2009-01-01", "2023-11-01", 700, 600),
    ("wta:201697", "Kristyna", "Pliskova", "2009-01-01", "2022-11-01", 500, 300),
    ("wta:200033", "Serena", "Williams", "1995-01-01", "2022-09-01", 900, 900),
    ("wta:200748", "Venus", "Williams", "1994-01-01", "2023-08-01", 1000, 1000),
    ("atp:103184", "Bob", "Bryan", "1998-01-01", "2017-01-01", 60, 30),
    ("atp:103185", "Mike", "Bryan", "1998-01-01", "2017-01-01", 50, 25),
    ("atp:123755", "Daniel Elahi", "Galan", "2014-01-01", "2023-11-01", 300, 80),
    ("atp:104096", "Sat", "Galan", None, None, 0, 0),
    ("atp:105723", "Andrey", "Kuznetsov", "2008-01-01", "2020-01-01", 300, 150),
    ("atp:104864", "Alex", "Kuznetsov", "2004-01-01", "2016-01-01", 200, 50),
    ("atp:106331", "Christopher", "O'Connell", "2013-01-01", "2023-11-01", 250, 100),
    ("atp:105138", "Roberto", "Bautista Agut", "2007-01-01", "2023-11-01", 600, 500),
    ("atp:104542", "Jo-Wilfried", "Tsonga", "2004-01-01", "2022-05-01", 600, 550),
    ("atp:105002", "Pedro", "Martinez", "1990-01-01", "1996-01-01", 90, 60),
    ("atp:207830", "Pedro", "Martinez", "2016-01-01", "2023-11-01", 200, 120),
]


@pytest.fixture(scope="module")
def registry() -> PlayerRegistry:
    cols = ("key", "name_first", "name_last", "first_seen", "last_seen", "n_matches", "n_tour_matches")
    return PlayerRegistry.from_records([dict(zip(cols, row, strict=True)) for row in PLAYERS])


def test_fold_removes_accents_case_hyphens_and_apostrophes() -> None:
    assert fold("Félix  AUGER-Aliassime") == "felix auger aliassime"
    assert compact("O'Connell") == compact("Oconnell") == "oconnell"
    assert fold("Nikoloz Basilashvili\u00a0") == "nikoloz basilashvili"
    assert fold("Ørjan Łukasz") == "orjan lukasz"


@pytest.mark.parametrize(
    ("name", "surname", "initials"),
    [
        ("Galan D.E.", ("galan",), ("d", "e")),
        ("Kuznetsov An.", ("kuznetsov",), ("an",)),
        ("Del Potro J.M.", ("del", "potro"), ("j", "m")),
        ("Stebe C-M.", ("stebe",), ("c", "m")),
        ("Herbert P.H", ("herbert",), ("p", "h")),
        ("Alex de Minaur", None, None),
    ],
)
def test_parse_tennis_data_names(
    name: str, surname: tuple[str, ...] | None, initials: tuple[str, ...] | None
) -> None:
    parsed = parse_name(name)
    assert parsed.surname == surname
    assert parsed.initials == initials


def test_initials_fit_first_names() -> None:
    assert initials_match(("an",), ("andrey",))
    assert not initials_match(("al",), ("andrey",))
    assert initials_match(("j", "m"), ("juan", "manuel"))
    assert initials_match(("jm",), ("juan", "manuel"))


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Félix Auger-Aliassime", "atp:200000"),
        ("Auger-Aliassime F.", "atp:200000"),
        ("Felix Auger Aliassime", "atp:200000"),
        ("FELIX AUGER-ALIASSIME", "atp:200000"),
        ("Botic van de Zandschulp", "atp:122298"),
        ("Van De Zandschulp B.", "atp:122298"),
        ("Alex de Minaur", "atp:200282"),
        ("De Minaur A.", "atp:200282"),
        ("Sanchez Jover", "atp:202199"),
        ("Sanchez-Jover C.", "atp:202199"),
        ("Jimenez Kasintseva", "wta:223286"),
        ("Varvara Lepchenko", "wta:201478"),
        ("Cerundolo F.", "atp:202103"),
        ("Cerundolo J.M.", "atp:207678"),
        ("Juan Manuel Cerundolo", "atp:207678"),
        ("Zverev M.", "atp:104999"),
        ("Pliskova Ka.", "wta:201662"),
        ("Pliskova Kr.", "wta:201697"),
        ("Williams S.", "wta:200033"),
        ("Williams V.", "wta:200748"),
        ("Galan D.E.", "atp:123755"),
        ("Kuznetsov An.", "atp:105723"),
        ("Kuznetsov Al.", "atp:104864"),
        ("O Connell C.", "atp:106331"),
        ("Christopher O'Connell", "atp:106331"),
        ("Bautista R.", "atp:105138"),
        ("Tsonga J.W.", "atp:104542"),
        ("Jo Wilfried Tsonga", "atp:104542"),
    ],
)
def test_resolves_the_hard_cases(registry: PlayerRegistry, name: str, key: str) -> None:
    res = registry.resolve(name)
    assert res.status == "ok", res
    assert res.player is not None
    assert res.player.key == key
    assert 0.5 <= res.confidence <= 1.0


def test_same_surname_without_a_first_name_is_ambiguous(registry: PlayerRegistry) -> None:
    res = registry.resolve("Cerundolo")
    assert res.status == "ambiguous"
    assert {c.key for c in res.candidates} == {"atp:202103", "atp:207678"}
    assert registry.resolve("Pliskova K.").status == "ambiguous"
    assert registry.resolve("Bryan").status == "ambiguous"


def test_activity_date_picks_the_namesake_who_was_playing(registry: PlayerRegistry) -> None:
    assert registry.resolve("Pedro Martinez").status == "ambiguous"
    recent = registry.resolve("Pedro Martinez", active_on=date(2022, 5, 1))
    assert recent.player is not None
    assert recent.player.key == "atp:207830"
    old = registry.resolve("Martinez P.", active_on=date(1993, 5, 1))
    assert old.player is not None
    assert old.player.key == "atp:105002"
    zverev = registry.resolve("Zverev A.", active_on=date(2023, 3, 1))
    assert zverev.player is not None
    assert zverev.player.key == "atp:100644"


def test_tour_filter_and_hint(registry: PlayerRegistry) -> None:
    assert registry.resolve("Auger Aliassime", Tour.WTA).player.key == "wta:215561"  # type: ignore[union-attr]
    hinted = registry.resolve("Cerundolo", candidates_hint={"atp:207678", "atp:100644"})
    assert hinted.player is not None
    assert hinted.player.key == "atp:207678"


def test_unknown_and_empty_names(registry: PlayerRegistry) -> None:
    assert registry.resolve("Nobody Atall").status == "unknown"
    assert registry.resolve("   ").status == "unknown"


def test_small_misspellings_still_resolve(registry: PlayerRegistry) -> None:
    res = registry.resolve("Varvara Lepchencko")
    assert res.player is not None
    assert res.player.key == "wta:201478"
    assert res.confidence < 0.9


def test_from_frames_adds_activity_and_names_seen_in_matches() -> None:
    players = pd.DataFrame(
        {"key": ["atp:1", "atp:2"], "name_first": ["Stan", "Rafael"], "name_last": ["Wawrinka", "Nadal"]}
    )
    matches = pd.DataFrame(
        {
            "winner_key": ["atp:1"],
            "loser_key": ["atp:2"],
            "winner_name": ["Stanislas Wawrinka"],
            "loser_name": ["Rafael Nadal"],
            "tourney_date": pd.to_datetime(["2014-01-13"]),
            "level": ["grand_slam"],
        }
    )
    reg = PlayerRegistry.from_frames(players, matches)
    res = reg.resolve("Stanislas Wawrinka")
    assert res.player is not None
    assert res.player.key == "atp:1"
    rec = reg.get("atp:2")
    assert rec is not None
    assert rec.first_seen == date(2014, 1, 13)
    assert rec.n_tour_matches == 1


@pytest.mark.data
@pytest.mark.slow
def test_real_players_files(data_dir: Path) -> None:
    players = load_players(data_dir)
    matches = load_matches(data_dir, years=range(2015, 2024), include_lower=False)
    reg = PlayerRegistry.from_frames(players, matches)
    on = date(2023, 6, 1)
    expected = {
        "Félix Auger-Aliassime": "atp:200000",
        "Botic van de Zandschulp": "atp:122298",
        "Alex de Minaur": "atp:200282",
        "Jimenez Kasintseva": "wta:223286",
        "Varvara Lepchenko": "wta:201478",
        "Cerundolo J.M.": "atp:207678",
        "Zverev A.": "atp:100644",
        "Galan D.E.": "atp:123755",
        "Sanchez Jover": "atp:202199",
    }
    for name, key in expected.items():
        res = reg.resolve(name, active_on=on)
        assert res.player is not None, res
        assert res.player.key == key, res
