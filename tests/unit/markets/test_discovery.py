"""discover(): series by tag, every event, players through the registry, skips with reasons."""

from __future__ import annotations

from dataclasses import replace

from courtside.data.registry import PlayerRegistry
from courtside.markets.discovery import DEFAULT_SERIES, Identifier, discover
from trader_factories import FakeData, event, series


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
    found = await discover(data, DEFAULT_SERIES, Identifier(_registry()))
    assert [s.ticker for s in found.series] == ["KXATPMATCH"]
    assert found.events == 3
    (match,) = found.matches
    assert (match.a.player.key, match.b.player.key) == ("atp:1", "atp:2")  # type: ignore[union-attr]
    reasons = {s.event_ticker: s.reason for s in found.skipped}
    assert "not identified: Nobody Atall (unknown)" in reasons[unknown.event_ticker]
    assert "not 'A vs B'" in reasons[broken.event_ticker]
    assert [(u.name, u.status) for u in found.unmatched] == [("Nobody Atall", "unknown")]


async def test_a_competitor_uuid_is_resolved_once_and_remembered() -> None:
    calls: list[str] = []
    registry = _registry()

    class Counting:
        def resolve(self, name, tour=None, *, active_on=None):  # type: ignore[no-untyped-def]
            calls.append(name)
            return registry.resolve(name, tour, active_on=active_on)

    ident = Identifier(Counting())
    m = event()
    data = FakeData()
    data.events = [(series(), m)]
    for _ in range(3):
        await discover(data, DEFAULT_SERIES, ident)
    assert sorted(calls) == ["Alexander Zverev", "Botic van de Zandschulp"]
