"""The history table is built from the match frame, deterministically, and reads back as written."""

from __future__ import annotations

import json

import pandas as pd

from courtside.data.tournament_history import editions, history_document, render
from courtside.domain.tennis import Level, Surface, Tour
from courtside.markets.history import parse_history


def _rows(tour: str, tid: str, name: str, day: str, surface: str, level: str, code: str) -> list[dict]:
    return [
        {
            "tour": tour, "tourney_id": tid, "tourney_name": name, "tourney_date": pd.Timestamp(day),
            "draw_size": 32.0, "tourney_level": code, "level": level, "surface": surface,
        }
        for _ in range(3)
    ]  # fmt: skip


def _frame() -> pd.DataFrame:
    rows = [
        *_rows("atp", "2022-7000", "Tampere CH", "2022-07-25", "Clay", "challenger", "C"),
        *_rows("atp", "2023-7000", "Tampere CH", "2023-07-24", "Clay", "challenger", "C"),
        *_rows("wta", "2023-W-ITF-USA-04A-2023", "W60 Charlottesville VA", "2023-04-24", "Clay", "itf", "60"),
        *_rows("wta", "2023-0001", "Guangzhou", "2023-09-18", "Hard", "tour_250", "I"),
        *_rows("atp", "2023-0002", "Davis Cup WG R1: ESP vs FRA", "2023-09-11", "Hard", "team", "D"),
        *_rows("atp", "2023-0003", "Laver Cup", "2023-09-18", "Hard", "tour_250", "A"),
        *_rows("atp", "2023-0004", "Doha Aus Open Qualies", "2023-01-09", "Hard", "qualifying", "G"),
    ]
    return pd.DataFrame(rows)


def test_editions_keep_singles_events_and_read_city_week_and_country() -> None:
    ed = editions(_frame())
    assert sorted(ed["city"]) == ["charlottesville", "guangzhou", "tampere", "tampere"]  # no team, no qualies
    itf = ed[ed["city"] == "charlottesville"].iloc[0]
    assert (itf["category"], itf["week"], itf["country"]) == ("itf", 17, "USA")


def test_the_document_is_deterministic_and_reads_back() -> None:
    doc = history_document(editions(_frame()), {"files": 0, "digest": "-"})
    text = render(doc)
    shuffled = _frame().sample(frac=1.0, random_state=1)
    assert text == render(history_document(editions(shuffled), doc["source"]))
    history = parse_history(json.loads(text))
    tampere = history.near("tampere", Tour.ATP, "challenger", 31)
    assert tampere is not None
    assert (tampere.surface, tampere.level, tampere.first, tampere.last, tampere.editions) == (
        Surface.CLAY, Level.CHALLENGER, 2022, 2023, 2,
    )  # fmt: skip
    itf = history.near("charlottesville", Tour.WTA, "itf", 17)
    assert itf is not None
    assert itf.country == "USA"
    assert history.calendar(Tour.WTA, "tour", 38) == {Surface.HARD: 1.0}
    assert doc["source"]["seasons"] == [2022, 2023]
