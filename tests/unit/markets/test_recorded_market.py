"""The real recorded tennis market (Kalshi demo, WTA 125K Modena) through the wire parser and then
the match parser: the sibling market is the recorded one with its player swapped, as Kalshi lists it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from courtside.domain.market import Event, MalformedEvent
from courtside.domain.tennis import Level, Surface, Tour
from courtside.kalshi.parse import parse_event
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.venue import KalshiVenue
from courtside.markets.match import parse_match
from trader_factories import series


def _sibling(market: dict[str, Any]) -> dict[str, Any]:
    other = dict(market)
    name = "Ana Sofia Jimenez Kasintseva"
    other["ticker"] = market["event_ticker"] + "-JIM"
    other["yes_sub_title"] = other["no_sub_title"] = name
    other["title"] = f"Will {name} win the Jimenez Kasintseva vs Lepchenko: Round Of 16 match?"
    other["rules_primary"] = market["rules_primary"].replace("Varvara Lepchenko", name)
    other["custom_strike"] = {"tennis_competitor": "00000000-0000-4000-8000-000000000001"}
    return other


def test_recorded_modena_market(recorded_dir: Path) -> None:
    market = json.loads((recorded_dir / "markets__unauth_single.json").read_text())["market"]
    event = {
        "event_ticker": market["event_ticker"],
        "series_ticker": "KXWTACHALLENGERMATCH",
        "title": "Jimenez Kasintseva vs Lepchenko",
        "sub_title": "Jimenez Kasintseva vs Lepchenko (Jun 11)",
        "mutually_exclusive": True,
        "product_metadata": {"competition": "WTA 125K Modena", "competition_scope": "Game"},
        "markets": [_sibling(market), market],
    }
    m = parse_match(parse_event(event), series("KXWTACHALLENGERMATCH"))
    assert (m.a.name, m.b.name) == ("Ana Sofia Jimenez Kasintseva", "Varvara Lepchenko")
    assert m.b.competitor_id == "367dcce8-d796-4ed5-80ff-ddec69845a41"
    assert (m.tour, m.level, m.surface, m.round, m.best_of) == (
        Tour.WTA,
        Level.CHALLENGER,
        Surface.CLAY,
        "R16",
        3,
    )
    assert m.start.isoformat() == "2026-06-11T19:00:00+00:00"


def _venue_serving(events: list[Any]) -> KalshiVenue:
    """The real KalshiVenue over a transport that serves one page of GET /events."""

    def handler(req: httpx.Request) -> httpx.Response:
        assert req.url.path.endswith("/events")
        params = req.url.params
        assert (params["series_ticker"], params["status"], params["with_nested_markets"]) == (
            "KXWTACHALLENGERMATCH",
            "open",
            "true",
        )
        return httpx.Response(200, json={"events": events, "cursor": ""})

    client = KalshiClient("http://v.test/trade-api/v2", transport=httpx.MockTransport(handler), pacing="off")
    return KalshiVenue(client)


async def test_a_garbled_listing_comes_back_with_its_reason(recorded_dir: Path) -> None:
    market = json.loads((recorded_dir / "markets__unauth_single.json").read_text())["market"]
    good = {
        "event_ticker": market["event_ticker"],
        "series_ticker": "KXWTACHALLENGERMATCH",
        "title": "Jimenez Kasintseva vs Lepchenko",
        "sub_title": "",
        "mutually_exclusive": True,
        "markets": [_sibling(market), market],
    }
    broken_market = {k: v for k, v in market.items() if k != "price_ranges"}
    broken_market["ticker"] = broken_market["event_ticker"] = "KXWTACHALLENGERMATCH-26JUN11AAABBB"
    broken = {**good, "event_ticker": "KXWTACHALLENGERMATCH-26JUN11AAABBB", "markets": [broken_market]}
    venue = _venue_serving([good, broken, "junk"])
    got = [e async for e in venue.open_events("KXWTACHALLENGERMATCH")]
    await venue.aclose()
    assert isinstance(got[0], Event)
    assert isinstance(got[1], MalformedEvent)
    assert got[1].event_ticker == "KXWTACHALLENGERMATCH-26JUN11AAABBB"
    assert "price_ranges" in got[1].reason
    assert got[2] == MalformedEvent(
        "<no event_ticker>", "malformed listing: event: expected a JSON object, got str"
    )
