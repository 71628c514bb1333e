"""Match-winner events -> TennisMatch: both title formats, hard names, ticker suffixes, tournaments."""

from __future__ import annotations

from dataclasses import replace

import pytest

from courtside.domain.market import Event, MarketStatus
from courtside.domain.tennis import Level, Surface, Tour
from courtside.markets.discovery import DEFAULT_SERIES, wanted_series
from courtside.markets.inference import Source
from courtside.markets.match import Skip, code_matches, parse_match
from courtside.markets.tournaments import lookup, split_round
from trader_factories import START, event, market, series


def test_new_title_format_gives_both_players_in_title_order() -> None:
    m = parse_match(event(), series())
    assert (m.a.name, m.b.name) == ("Alexander Zverev", "Botic van de Zandschulp")
    assert m.a.market.ticker.endswith("-ZVE")
    assert m.b.market.ticker.endswith("-VAN")
    assert m.a.competitor_id == "uuid-zve"
    assert (m.tour, m.level, m.surface, m.round, m.best_of) == (
        Tour.ATP,
        Level.GRAND_SLAM,
        Surface.HARD,
        "QF",
        5,
    )
    assert m.start == START


def test_old_title_format_parses_the_same() -> None:
    m = parse_match(event(old_titles=True), series())
    assert (m.a.name, m.b.name) == ("Alexander Zverev", "Botic van de Zandschulp")


def test_market_order_in_the_event_does_not_matter() -> None:
    ev = event()
    swapped = replace(ev, markets=tuple(reversed(ev.markets)))
    m = parse_match(swapped, series())
    assert m.a.name == "Alexander Zverev"


@pytest.mark.parametrize(
    ("a", "ac", "asur", "b", "bc", "bsur"),
    [
        (
            "Ana Sofia Jiménez Kasintseva",
            "JIM",
            "Jimenez Kasintseva",
            "Varvara Lepchenko",
            "LEP",
            "Lepchenko",
        ),
        ("Félix Auger-Aliassime", "AUG", "Auger-Aliassime", "Francisco Cerúndolo", "CER", "Cerundolo"),
        ("Soonwoo Kwon", "KWON", "Kwon", "Dusan Lajovic", "LAJ", "Lajovic"),
        ("Alex de Minaur", "DE", "de Minaur", "Hubert Hurkacz", "HUR", "Hurkacz"),
    ],
)
def test_hard_names(a: str, ac: str, asur: str, b: str, bc: str, bsur: str) -> None:
    m = parse_match(event(a, ac, asur, b, bc, bsur), series())
    assert (m.a.name, m.b.name) == (a, b)
    assert (m.a.market.code, m.b.market.code) == (ac, bc)


def _kim_vs_kim(**kw: object) -> Event:
    return event(
        "Soo Kim",
        "KIM",
        "Kim",
        "Dabin Kim",
        "KIM2",
        "Kim",
        series_ticker="KXITFWMATCH",
        competition="W35 Goyang",
        tournament="W35 Goyang",
        round_="Round of 16",
        **kw,
    )


@pytest.mark.parametrize("old_titles", [False, True])
def test_same_surname_pair_is_told_apart_by_the_ticker_suffix(old_titles: bool) -> None:
    """KXITFWMATCH-26SEP01KIMKIM2 (kalshi-api.md §5.2): each market keeps its own player, whatever
    order the event lists them in; the unnumbered suffix is the player named first."""
    ev = _kim_vs_kim(old_titles=old_titles)
    for markets in (ev.markets, tuple(reversed(ev.markets))):
        m = parse_match(replace(ev, markets=markets), series("KXITFWMATCH"))
        assert (m.a.name, m.a.market.code) == ("Soo Kim", "KIM")
        assert (m.b.name, m.b.market.code) == ("Dabin Kim", "KIM2")


def test_brothers_playing_each_other_keep_their_own_markets() -> None:
    ev = event(
        "Juan Manuel Cerúndolo",
        "CER",
        "Cerundolo",
        "Francisco Cerúndolo",
        "CER2",
        "Cerundolo",
        old_titles=True,
    )
    m = parse_match(ev, series())
    assert (m.a.name, m.b.name) == ("Juan Manuel Cerúndolo", "Francisco Cerúndolo")
    assert m.b.market.ticker.endswith("-CER2")


@pytest.mark.parametrize(
    ("code", "name", "reason"),
    [
        ("KIM2", "Soo Kim", "cannot tell the two Kims apart"),  # both markets name Soo Kim
        ("KIM", "Dabin Kim", "cannot tell the two Kims apart"),  # both suffixes are KIM
        ("LEE", "Dabin Kim", "not one of the Kims"),  # the suffix abbreviates someone else
    ],
)
def test_same_surname_pair_that_cannot_be_told_apart_is_skipped(code: str, name: str, reason: str) -> None:
    ev = _kim_vs_kim()
    other = market(ev.event_ticker, code, name, "Kim", "Kim", tournament="W35 Goyang", round_="Round of 16")
    with pytest.raises(Skip, match=reason):
        parse_match(replace(ev, markets=(ev.markets[0], other)), series("KXITFWMATCH"))


def test_suffix_that_does_not_abbreviate_the_player_is_refused() -> None:
    ev = event()
    bad = replace(ev.markets[0], ticker=ev.event_ticker + "-XYZ")
    with pytest.raises(Skip, match=r"cannot tell|does not abbreviate"):
        parse_match(replace(ev, markets=(bad, ev.markets[1])), series())


def test_code_matching_never_halves_the_event_code() -> None:
    assert code_matches("VAN", "Van de Zandschulp", "Botic van de Zandschulp")
    assert code_matches("KIM2", "Kim", "Dabin Kim")
    assert not code_matches("ZVE", "Van de Zandschulp", "Botic van de Zandschulp")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda ev: replace(ev, markets=ev.markets[:1]), "1 markets"),
        (lambda ev: replace(ev, title="Zverev against Van de Zandschulp"), "not 'A vs B'"),
        (
            lambda ev: replace(ev, markets=(replace(ev.markets[0], occurrence_time=None), ev.markets[1])),
            "no occurrence",
        ),
        (lambda ev: replace(ev, markets=(replace(ev.markets[0], yes_sub_title=""), ev.markets[1])), "empty"),
        (
            lambda ev: replace(
                ev, markets=(replace(ev.markets[0], status=MarketStatus.CLOSED), ev.markets[1])
            ),
            "not active",
        ),
        (
            lambda ev: replace(
                ev, markets=(replace(ev.markets[0], title="Novak Djokovic wins"), ev.markets[1])
            ),
            "title names",
        ),
        (
            lambda ev: replace(
                ev, markets=(replace(ev.markets[0], occurrence_time=START.replace(hour=1)), ev.markets[1])
            ),
            "disagree",
        ),
    ],
)
def test_malformed_or_incomplete_events_are_skipped_with_a_reason(change, reason) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(Skip, match=reason):
        parse_match(change(event()), series())


def test_rules_naming_other_players_than_the_title_is_refused() -> None:
    ev = event()
    odd = replace(
        ev.markets[0],
        rules_primary=market(ev.event_ticker, "ZVE", "Alexander Zverev", "Zverev", "Fritz").rules_primary,
    )
    with pytest.raises(Skip, match="rules text names"):
        parse_match(replace(ev, markets=(odd, ev.markets[1])), series())


def test_unknown_tour_level_tournament_is_priced_by_inference_and_says_so() -> None:
    """Not skipped (issue 11): a 250 by default, the surface from the calendar or the blend, and the
    provenance says which (tests/unit/markets/test_tournament_inference.py has the details)."""
    m = parse_match(event(competition="ATP Atlantis", tournament="ATP Atlantis"), series())
    assert (m.level, m.best_of, m.tournament) == (Level.TOUR_250, 3, "ATP Atlantis")
    assert m.provenance is not None
    assert m.provenance.level.source is Source.DEFAULT
    assert m.inferred


def test_itf_and_challenger_naming_patterns() -> None:
    itf = event(
        "Jerry Roddick",
        "ROD",
        "Roddick",
        "Jack Gamble",
        "GAM",
        "Gamble",
        series_ticker="KXITFMATCH",
        competition=None,
        tournament="M25 Edwardsville IL",
        round_="Round of 16",
    )
    m = parse_match(itf, series("KXITFMATCH"))
    assert (m.level, m.surface, m.round, m.best_of, m.tournament) == (
        Level.ITF,
        Surface.HARD,
        "R16",
        3,
        "M25 Edwardsville IL",
    )
    wta125 = event(
        "Ana Sofia Jimenez Kasintseva",
        "JIM",
        "Jimenez Kasintseva",
        "Varvara Lepchenko",
        "LEP",
        "Lepchenko",
        series_ticker="KXWTACHALLENGERMATCH",
        competition="WTA 125K Modena",
        tournament="WTA 125K Modena",
        round_="Round Of 16",
    )
    m = parse_match(wta125, series("KXWTACHALLENGERMATCH"))
    assert (m.tour, m.level, m.surface, m.best_of) == (Tour.WTA, Level.CHALLENGER, Surface.CLAY, 3)
    unknown_itf = lookup("W75 Nowhere Springs", Tour.WTA)
    assert unknown_itf is not None
    assert unknown_itf.level is Level.ITF
    assert unknown_itf.surface is None


def test_tour_qualifying_is_its_own_level_and_best_of_three() -> None:
    ev = event(
        "Carlos Sanchez Jover",
        "SAN",
        "Sanchez Jover",
        "Taro Daniel",
        "DAN",
        "Daniel",
        competition="ATP Bastad",
        tournament="ATP Bastad",
        round_="Qualification Final",
    )
    m = parse_match(ev, series())
    assert (m.level, m.round, m.surface, m.best_of) == (Level.QUALIFYING, "Q3", Surface.CLAY, 3)


def test_round_split_handles_both_capitalisations() -> None:
    assert split_round("2026 Villena Round of 32".removeprefix("2026 ")) == ("Villena", "R32")
    assert split_round("US Open Men Singles Quarterfinal") == ("US Open Men Singles", "QF")
    assert split_round("WTA Finals Group A") == ("WTA Finals", "RR")


def test_only_singles_match_winner_series_survive_discovery() -> None:
    listed = [
        series(t)
        for t in (
            *DEFAULT_SERIES,
            "KXATPDOUBLES",
            "KXATPSETWINNER",
            "KXTTMATCH",
            "KXPICKLEBALLMATCH",
            "KXATPEXACTMATCH",
            "KXWTAGRANDSLAM",
        )
    ]
    kept = wanted_series(listed, [*DEFAULT_SERIES, "KXATPDOUBLES", "KXTTMATCH"])
    assert [s.ticker for s in kept] == list(DEFAULT_SERIES)
