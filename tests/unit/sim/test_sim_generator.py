"""The tennis market generator: Kalshi's ticker, title, rules and time conventions, and bulk listing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from courtside.domain.clock import ManualClock
from courtside.domain.market import MarketStatus
from courtside.domain.tennis import Tour
from courtside.sim import catalog, generator, serialize
from courtside.sim.exchange import SimExchange

NOW = datetime(2026, 6, 11, 5, 0, tzinfo=UTC)
START = datetime(2026, 6, 11, 19, 0, tzinfo=UTC)
MODENA = generator.MatchSpec(
    "Victoria Jimenez Kasintseva",
    "Varvara Lepchenko",
    Tour.WTA,
    "WTA 125K Modena",
    "Round Of 16",
    START,
    0.55,
    title_style="old",
)


def test_recorded_market_is_reproduced() -> None:
    event, markets = generator.match_listing(MODENA, NOW, "old")
    assert event["event_ticker"] == "KXWTACHALLENGERMATCH-26JUN11JIMLEP"
    assert event["title"] == "Jimenez Kasintseva vs Lepchenko"
    assert event["sub_title"] == "Jimenez Kasintseva vs Lepchenko (Jun 11)"
    assert event["product_metadata"] == {"competition": "WTA 125K Modena", "competition_scope": "Game"}
    lep = markets[1]
    assert lep["ticker"] == "KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP"
    assert (
        lep["title"] == "Will Varvara Lepchenko win the Jimenez Kasintseva vs Lepchenko: Round Of 16 match?"
    )
    assert lep["rules_primary"] == (
        "If Varvara Lepchenko wins the Jimenez Kasintseva vs Lepchenko professional tennis match in the 2026 "
        "WTA 125K Modena Round Of 16 after a ball has been played, then the market resolves to Yes."
    )
    assert lep["rules_secondary"].startswith(
        "The following market refers to the Jimenez Kasintseva vs Lepchenko "
        "professional tennis match in the 2026 WTA 125K Modena Round Of 16"
    )
    assert lep["rules_secondary"].endswith(
        "close after the rescheduled match has finished (within two weeks)."
    )
    assert lep["occurrence_datetime"] == lep["expected_expiration_time"] == "2026-06-11T19:00:00Z"
    assert lep["close_time"] == "2026-06-25T19:00:00Z"
    assert lep["custom_strike"]["tennis_competitor"] == generator.competitor_id("Varvara Lepchenko")


def test_new_title_style_and_player_codes() -> None:
    _, markets = generator.match_listing(MODENA, NOW, "new")
    assert markets[0]["title"] == "Victoria Jimenez Kasintseva wins"
    assert generator.player_codes("Pliskova", "Pliskova") == ("PLI", "PLI2")
    assert generator.player_codes("Kwon", "Lajovic") == ("KWON", "LAJ")
    assert generator.player_codes("Martinez", "Martin") == ("MARTINE", "MARTIN")
    assert generator.player_codes("Cerúndolo", "Auger-Aliassime") == ("CER", "AUG")


def test_series_follow_tour_and_competition() -> None:
    def series(tour: Tour, comp: str) -> str:
        return generator.series_for(generator.MatchSpec("A B", "C D", tour, comp, "R1", START, 0.5))

    assert series(Tour.ATP, "US Open Men Singles") == "KXATPMATCH"
    assert series(Tour.WTA, "WTA Beijing") == "KXWTAMATCH"
    assert series(Tour.WTA, "WTA 125K Modena") == "KXWTACHALLENGERMATCH"
    assert series(Tour.ATP, "ATP Challenger Bergamo") == "KXATPCHALLENGERMATCH"
    assert series(Tour.ATP, "M25 Edwardsville IL") == "KXITFMATCH"
    assert series(Tour.WTA, "W35 Hechingen") == "KXITFWMATCH"


def test_bundle_lists_markets_with_maker_liquidity_around_fair() -> None:
    ex = SimExchange(ManualClock(NOW), seed=1)
    maker = ex.add_user({3: Decimal("1000000")}).user_id
    bundle = generator.build_bundle([MODENA], maker, NOW, seed=4, distractors=4)
    catalog.apply_bundle(ex, bundle)
    lep = serialize.market_json(ex, ex.markets["KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP"])
    bid, ask = Decimal(lep["yes_bid_dollars"]), Decimal(lep["yes_ask_dollars"])
    assert bid < ask
    assert Decimal("0.30") < bid
    assert ask < Decimal("0.60")
    assert lep["status"] == "active"
    assert lep["exchange_index"] == 3
    assert {s.ticker for s in ex.series.values()} >= set(generator.MATCH_SERIES) | {
        "KXTTMATCH",
        "KXATPDOUBLES",
    }
    assert all(
        s.tags == ["Tennis"] and s.fees.fee_type.value == "quadratic_with_maker_fees"
        for s in ex.series.values()
        if s.ticker in generator.MATCH_SERIES
    )


def test_random_slate_is_seeded_and_lists_two_thousand_markets() -> None:
    first = generator.random_matches(1000, NOW, seed=9)
    assert first == generator.random_matches(1000, NOW, seed=9)
    assert {generator.series_for(m) for m in first} == set(generator.MATCH_SERIES)
    assert all(NOW < m.start <= NOW + timedelta(hours=73) for m in first)
    ex = SimExchange(ManualClock(NOW), seed=1)
    maker = ex.add_user({3: Decimal("100000000")}).user_id
    catalog.apply_bundle(ex, generator.build_bundle(first, maker, NOW, seed=9))
    assert len(ex.markets) >= 1900
    assert all(m.status is MarketStatus.ACTIVE for m in ex.markets.values())
