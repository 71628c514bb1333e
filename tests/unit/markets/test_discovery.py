"""discover(): series by tag, every event, players through the registry, skips with reasons."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from courtside.data.registry import PlayerRegistry
from courtside.domain.market import FeeSchedule, MalformedSeries, Series
from courtside.markets.discovery import DEFAULT_SERIES, Identifier, discover
from trader_factories import NOW, FakeData, event, series


def _registry() -> PlayerRegistry:
    rows = [
        ("atp:1", "Alexander", "Zverev"),
        ("atp:2", "Botic", "van de Zandschulp"),
        ("atp:3", "Jannik", "Sinner"),
    ]
    return PlayerRegistry.from_records({"key": k, "name_first": f, "name_last": last} for k, f, last in rows)


async def test_discovery_keeps_good_matches_and_says_why_it_skips_the_rest() -> None:
    data = FakeData()
    good = event()
    unknown = event("Jannik Sinner", "SIN", "Sinner", "Nobody Atall", "ATA", "Atall")
    broken = replace(
        event("Jannik Sinner", "SIN", "Sinner", "Alexander Zverev", "ZVE", "Zverev"), title="TBD"
    )
    doubles = replace(event(series_ticker="KXATPDOUBLES"), series_ticker="KXATPDOUBLES")
    data.events = [
        (series(), good),
        (series(), unknown),
        (series(), broken),
        (series("KXATPDOUBLES"), doubles),
    ]
    found = await discover(data, DEFAULT_SERIES, Identifier(_registry()), NOW)
    assert [s.ticker for s in found.series] == ["KXATPMATCH"]
    assert found.events == 3
    (match,) = found.matches
    assert (match.a.player.key, match.b.player.key) == ("atp:1", "atp:2")  # type: ignore[union-attr]
    reasons = {s.event_ticker: s.reason for s in found.skipped}
    assert "not identified: Nobody Atall (unknown)" in reasons[unknown.event_ticker]
    assert "not 'A vs B'" in reasons[broken.event_ticker]
    assert [(u.name, u.status) for u in found.unmatched] == [("Nobody Atall", "unknown")]


async def test_the_name_decides_and_a_competitor_id_that_contradicts_it_is_reported_not_trusted() -> None:
    """The issue's case: Fritz's market carrying Sinner's competitor id was priced as Sinner for the life
    of the process. Now the name is resolved every time; the id only cross-checks it."""
    registry = PlayerRegistry.from_records(
        {"key": k, "name_first": f, "name_last": last}
        for k, f, last in [
            ("atp:1", "Carlos", "Alcaraz"),
            ("atp:2", "Jannik", "Sinner"),
            ("atp:3", "Taylor", "Fritz"),
            ("atp:4", "Alexander", "Zverev"),
        ]
    )
    ident = Identifier(registry)
    data = FakeData()
    sinner_zverev = event("Jannik Sinner", "SIN", "Sinner", "Alexander Zverev", "ZVE", "Zverev")
    data.events = [(series(), sinner_zverev)]
    (first,) = (await discover(data, DEFAULT_SERIES, ident, NOW)).matches
    assert first.a.player is not None
    assert first.a.player.key == "atp:2"  # Sinner, under competitor id uuid-sin

    alcaraz_fritz = event("Carlos Alcaraz", "ALC", "Alcaraz", "Taylor Fritz", "FRI", "Fritz")
    fritz = alcaraz_fritz.markets[1]
    wrong_id = replace(
        alcaraz_fritz, markets=(alcaraz_fritz.markets[0], replace(fritz, competitor_id="uuid-sin"))
    )
    data.events = [(series(), wrong_id)]
    found = await discover(data, DEFAULT_SERIES, ident, NOW)
    assert found.matches == []  # never priced as Alcaraz-Sinner
    (skip,) = found.skipped
    assert "Taylor Fritz (conflict: competitor id uuid-sin was Jannik Sinner (atp:2) before" in skip.reason
    assert [(u.name, u.status, u.competitor_id) for u in found.unmatched] == [
        ("Taylor Fritz", "conflict", "uuid-sin")
    ]

    data.events = [(series(), alcaraz_fritz)]  # the same match with Fritz's own id is priced on Fritz
    (fine,) = (await discover(data, DEFAULT_SERIES, ident, NOW)).matches
    assert fine.b.player is not None
    assert fine.b.player.key == "atp:3"


async def test_a_name_the_registry_now_resolves_differently_is_not_overridden_by_an_old_id() -> None:
    """Resolution is by name on every scan: nothing cached by id stands in for it."""
    calls: list[str] = []
    registry = _registry()

    class Counting:
        def resolve(self, name, tour=None, *, active_on=None):  # type: ignore[no-untyped-def]
            calls.append(name)
            return registry.resolve(name, tour, active_on=active_on)

    data = FakeData()
    data.events = [(series(), event())]
    ident = Identifier(Counting())
    for _ in range(2):
        assert len((await discover(data, DEFAULT_SERIES, ident, NOW)).matches) == 1
    assert calls.count("Alexander Zverev") == 2


async def test_a_broken_series_reports_every_one_of_its_matches_with_the_reason() -> None:
    data = FakeData()
    wta = Series("KXWTAMATCH", "WTA Tennis Match", "Sports", ("Tennis",), FeeSchedule(), 3)
    why = "malformed series: series KXATPMATCH: field 'fee_multiplier' is -1, outside [0, 10]"
    broken = MalformedSeries("KXATPMATCH", why)
    atp_event = event()
    wta_event = event("Iga Swiatek", "SWI", "Swiatek", series_ticker="KXWTAMATCH")
    data.events = [(broken, atp_event), (wta, wta_event)]
    found = await discover(data, DEFAULT_SERIES, Identifier(_registry()), NOW)
    assert [s.ticker for s in found.series] == ["KXATPMATCH", "KXWTAMATCH"]
    by_event = {s.event_ticker: s.reason for s in found.skipped}
    assert by_event[atp_event.event_ticker] == why
    assert found.events == 2  # the WTA match is looked at (and skipped: the registry has no Swiatek)


async def test_an_event_listed_under_another_series_is_skipped() -> None:
    data = FakeData()
    stray = replace(event(series_ticker="KXWTAMATCH"), series_ticker="KXWTAMATCH")
    data.events = [(series(), stray)]
    found = await discover(data, DEFAULT_SERIES, Identifier(_registry()), NOW)
    assert found.matches == []
    (skip,) = found.skipped
    assert skip.reason == "listed under KXATPMATCH but its series is KXWTAMATCH"


async def test_a_market_whose_close_time_has_passed_is_not_traded() -> None:
    data = FakeData()
    data.events = [(series(), event())]
    later = NOW + timedelta(days=30)  # after both markets' close_time (start + 14 days)
    found = await discover(data, DEFAULT_SERIES, Identifier(_registry()), later)
    assert found.matches == []
    (skip,) = found.skipped
    assert "close_time 2026-09-22 18:00:00+00:00 is not in the future" in skip.reason
