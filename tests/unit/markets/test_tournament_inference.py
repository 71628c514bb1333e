"""Competitions the tournament table does not know are still priced: level from the series and the name,
surface from the same city and week in the match history, then the calendar, and a blend when unknown."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest

from courtside.domain.errors import ConfigError
from courtside.domain.market import Event
from courtside.domain.tennis import Level, Surface, Tour
from courtside.markets.history import (
    CalendarCell,
    Played,
    TournamentHistory,
    city_key,
    parse_history,
    shipped_history,
    week_gap,
)
from courtside.markets.inference import InferredTournaments, Source, TournamentResolver
from courtside.markets.match import parse_match
from trader_factories import event, series

SEP_16 = datetime(2026, 9, 16, 3, 0, tzinfo=UTC)  # ISO week 38, when Guangzhou is played


def _played(city: str, week: int, surface: Surface, *, category: str = "itf") -> Played:
    level = {"itf": Level.ITF, "challenger": Level.CHALLENGER, "tour": Level.TOUR_250}[category]
    return Played(Tour.ATP, category, city, week, surface, level, None, 2019, 2023, 5)


def _history(*rows: Played, calendar: tuple[CalendarCell, ...] = ()) -> TournamentHistory:
    return TournamentHistory(rows, calendar)


def _wta(competition: str, start: datetime = SEP_16, series_ticker: str = "KXWTAMATCH") -> Event:
    return event(
        "Qinwen Zheng", "ZHE", "Zheng", "Xinyu Wang", "WAN", "Wang",
        series_ticker=series_ticker, competition=competition, tournament=competition,
        round_="Round Of 32", start=start,
    )  # fmt: skip


def test_wta_guangzhou_is_priced_from_its_history_and_says_how() -> None:
    m = parse_match(_wta("WTA Guangzhou"), series("KXWTAMATCH"))
    assert (m.tour, m.level, m.surface, m.best_of, m.tournament) == (
        Tour.WTA, Level.TOUR_250, Surface.HARD, 3, "WTA Guangzhou",
    )  # fmt: skip
    assert m.provenance is not None
    assert m.provenance.level.source is Source.HISTORY
    assert m.provenance.surface.source is Source.HISTORY
    assert "guangzhou week 38" in m.provenance.surface.detail
    assert m.inferred
    note = m.inference_note()
    assert note is not None
    assert note.startswith("tournament 'WTA Guangzhou' priced by inference: level tour_250 from history")
    seen = InferredTournaments()
    assert seen.first_time(m.tournament, m.provenance)
    assert not seen.first_time(m.tournament, m.provenance)


def test_a_table_tournament_is_not_reported_as_inferred() -> None:
    m = parse_match(event(), series())  # US Open Men Singles
    assert m.provenance is not None
    assert (m.provenance.level.source, m.provenance.surface.source) == (Source.TABLE, Source.TABLE)
    assert not m.inferred
    assert m.inference_note() is None
    assert not InferredTournaments().first_time(m.tournament, m.provenance)


def test_an_unknown_tour_event_defaults_to_250_and_takes_a_sure_calendar() -> None:
    calendar = ((Tour.ATP, "tour", 21, Surface.CLAY, 9), (Tour.ATP, "tour", 22, Surface.GRASS, 1))
    resolver = TournamentResolver(history=_history(calendar=calendar))
    facts = resolver.resolve("ATP Atlantis", "KXATPMATCH", Tour.ATP, "R32", date(2026, 5, 20))  # week 21
    assert (facts.level, facts.surface, facts.best_of) == (Level.TOUR_250, Surface.CLAY, 3)
    assert facts.how.level.source is Source.DEFAULT
    assert facts.how.surface.source is Source.CALENDAR
    assert facts.how.surface_prior == ()


def test_an_unsure_calendar_leaves_the_surface_unknown_with_the_prior_to_blend() -> None:
    calendar = ((Tour.WTA, "itf", 10, Surface.HARD, 6), (Tour.WTA, "itf", 10, Surface.CLAY, 4))
    resolver = TournamentResolver(history=_history(calendar=calendar))
    m = parse_match(
        _wta("W35 Nowhere Springs", datetime(2026, 3, 4, 12, tzinfo=UTC), "KXITFWMATCH"),
        series("KXITFWMATCH"),
        resolver,
    )
    assert (m.level, m.surface) == (Level.ITF, None)
    assert m.provenance is not None
    assert m.provenance.surface_unknown
    assert m.provenance.level.source is Source.SERIES
    assert m.context().surface_prior == ((Surface.HARD, 0.6), (Surface.CLAY, 0.4))
    note = m.inference_note()
    assert note is not None
    assert "surface unknown from unknown (priced on the surface blend" in note


def test_a_lower_level_event_ignores_the_tour_event_of_its_city() -> None:
    """Halle's table row is the ATP 500 on grass; the ITF event there is a different tournament."""
    history = _history(_played("halle", 30, Surface.CLAY))
    resolver = TournamentResolver(history=history)
    facts = resolver.resolve("M25 Halle", "KXITFMATCH", Tour.ATP, "R16", date(2026, 7, 22))  # week 30
    assert (facts.level, facts.surface) == (Level.ITF, Surface.CLAY)
    assert facts.how.surface.source is Source.HISTORY
    assert facts.name == "M25 Halle"


def test_same_city_nearest_week_then_every_event_on_one_surface() -> None:
    history = _history(
        _played("biella", 10, Surface.HARD, category="challenger"),
        _played("biella", 30, Surface.CLAY, category="challenger"),
        _played("zadar", 14, Surface.CLAY, category="challenger"),
    )
    resolver = TournamentResolver(history=history)
    march = resolver.resolve("Challenger Biella", "KXATPCHALLENGERMATCH", Tour.ATP, "R32", date(2026, 3, 10))
    july = resolver.resolve("Challenger Biella", "KXATPCHALLENGERMATCH", Tour.ATP, "R32", date(2026, 7, 28))
    zadar = resolver.resolve("Zadar", "KXATPCHALLENGERMATCH", Tour.ATP, "R32", date(2026, 10, 6))
    assert (march.surface, july.surface, zadar.surface) == (Surface.HARD, Surface.CLAY, Surface.CLAY)
    assert zadar.how.surface.detail.startswith("every challenger event in the city on Clay")
    november = resolver.resolve("Biella", "KXATPCHALLENGERMATCH", Tour.ATP, "R32", date(2026, 11, 3))
    assert november.surface is None  # two surfaces in town, no event near: unknown, no calendar here


def test_without_the_table_names_still_give_slams_finals_and_olympics() -> None:
    history = _history(_played("usopen", 35, Surface.HARD, category="tour"))
    resolver = TournamentResolver(use_table=False, history=history)
    slam = resolver.resolve("US Open Men Singles", "KXATPMATCH", Tour.ATP, "QF", date(2026, 9, 8))
    assert (slam.level, slam.surface, slam.best_of) == (Level.GRAND_SLAM, Surface.HARD, 5)
    assert slam.how.level.source is Source.NAME
    women = resolver.resolve("US Open Women Singles", "KXWTAMATCH", Tour.WTA, "QF", date(2026, 9, 8))
    assert (women.level, women.best_of) == (Level.GRAND_SLAM, 3)
    qualifying = resolver.resolve("US Open Men Singles", "KXATPMATCH", Tour.ATP, "Q2", date(2026, 8, 26))
    assert (qualifying.level, qualifying.best_of) == (Level.QUALIFYING, 3)
    finals = resolver.resolve("ATP Finals", "KXATPMATCH", Tour.ATP, "RR", date(2026, 11, 16))
    olympics = resolver.resolve("WTA Olympics", "KXWTAMATCH", Tour.WTA, "R32", date(2028, 7, 20))
    assert (finals.level, olympics.level) == (Level.TOUR_FINALS, Level.OLYMPICS)


def test_a_surface_word_in_the_name_decides() -> None:
    resolver = TournamentResolver(use_table=False, history=_history())
    facts = resolver.resolve("ATP Clay Court Championship", "KXATPMATCH", Tour.ATP, "R16", date(2026, 4, 7))
    assert facts.surface is Surface.CLAY
    assert facts.how.surface.source is Source.NAME


def test_a_us_state_suffix_gives_the_country() -> None:
    resolver = TournamentResolver(use_table=False, history=_history())
    facts = resolver.resolve("M25 Edwardsville IL", "KXITFMATCH", Tour.ATP, "R16", date(2026, 6, 10))
    assert facts.country == "USA"


@pytest.mark.parametrize(
    ("data", "kalshi"),
    [
        ("Tampere CH", "Challenger Tampere"),
        ("Madrid Masters", "ATP Madrid"),
        ("W60+H Charlottesville VA", "M25 Charlottesville"),
        ("Burnie $60K", "W60 Burnie"),
        ("Indian Wells 125K", "WTA 125K Indian Wells"),
        ("Las Palmas 2 CH", "Challenger Las Palmas"),
        ("s Hertogenbosch", "ATP 's-Hertogenbosch"),
        ("St. Petersburg", "WTA St Petersburg"),
        ("Us Open", "US Open Men Singles"),
    ],
)
def test_the_data_and_kalshi_spell_a_city_the_same_way(data: str, kalshi: str) -> None:
    assert city_key(data) == city_key(kalshi) != ""


def test_weeks_wrap_around_the_new_year() -> None:
    assert (week_gap(52, 1), week_gap(1, 3), week_gap(10, 40)) == (1, 2, 22)


def test_the_shipped_history_loads_and_a_wrong_schema_is_refused() -> None:
    history = shipped_history()
    assert len(history) > 1000
    assert history.near("guangzhou", Tour.WTA, "tour", 38) is not None
    with pytest.raises(ConfigError, match="schema"):
        parse_history({"schema": 0, "rows": [], "calendar": []})
    good = {"schema": 1, "columns": [], "calendar_columns": [], "rows": [], "calendar": []}
    with pytest.raises(ConfigError, match="columns"):
        parse_history(json.loads(json.dumps(good)))
