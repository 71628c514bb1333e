"""Milestones and live data, the client's endpoints and KalshiVenue.match_status, against the simulator
over loopback: the scheduled time is not the start; live data says when play began."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from courtside.domain.errors import NotFoundError
from courtside.domain.live import MatchState
from courtside.domain.tennis import Tour
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.venue import KalshiVenue
from courtside.sim.app import create_app
from courtside.sim.catalog import apply_bundle
from courtside.sim.exchange import SimExchange
from courtside.sim.generator import MatchSpec, build_bundle
from courtside.sim.testing import SimSession

NAMES = [("Jannik Sinner", "Carlos Alcaraz"), ("Iga Swiatek", "Coco Gauff"), ("Casper Ruud", "Holger Rune")]


def _list(s: SimSession, *, milestone: bool = True) -> list[str]:
    """Three matches a day out; returns their event tickers."""
    now = datetime.now(UTC)
    specs = [MatchSpec(a, b, Tour.ATP, "ATP Bastad", "Final", now + timedelta(days=1, hours=i), 0.5)
             for i, (a, b) in enumerate(NAMES)]  # fmt: skip
    bundle = build_bundle(specs, None, now)
    for e in bundle["events"]:
        e["milestone"] = milestone
    s.control.bulk(bundle)
    return [e["event_ticker"] for e in bundle["events"]]


async def test_the_client_reads_milestones_and_live_data(sim_server: SimSession) -> None:
    events = _list(sim_server)
    async with KalshiClient(sim_server.base_url) as client:  # public endpoints: no key needed
        (milestone,) = await client.get_milestones(related_event_ticker=events[0])
        assert milestone.related_event_tickers == (events[0],)
        assert milestone.start_date is not None
        assert milestone.start_date > datetime.now(UTC) + timedelta(hours=23)
        before = await client.get_live_data(milestone.milestone_id)
        sim_server.control.start_match(events[0])
        after = await client.get_live_data(milestone.milestone_id)
        every = await client.get_milestones()
        batch = await client.get_live_datas([m.milestone_id for m in every])
        with pytest.raises(NotFoundError):
            await client.get_live_data("no-such-milestone")
    assert (before.status, after.status) == ("none", "live")
    assert after.scheduled == milestone.start_date
    assert len(every) == 3
    assert sorted(b.status for b in batch.values()) == ["live", "none", "none"]


async def test_the_venue_says_which_matches_have_begun(sim_server: SimSession) -> None:
    events = _list(sim_server)
    bare = _list_one_without_milestone(sim_server)
    sim_server.control.start_match(events[1])
    sim_server.control.finish_match(events[2])
    venue = KalshiVenue(KalshiClient(sim_server.base_url))
    try:
        got = await venue.match_status([*events, bare])
        sim_server.control.start_match(events[0], live_data=False)  # its live data withheld from now
        withheld = await venue.match_status([events[0]])
    finally:
        await venue.aclose()
    states = {e: (s.state, s.started) for e, s in got.items()}
    assert states == {
        events[0]: (MatchState.NOT_STARTED, False),
        events[1]: (MatchState.LIVE, True),
        events[2]: (MatchState.FINISHED, True),
        bare: (MatchState.UNKNOWN, False),
    }
    assert got[bare].source == "no milestone listed"
    assert got[events[1]].why == "match has started (live data: live)"
    assert withheld[events[0]].state is MatchState.UNKNOWN


def _list_one_without_milestone(s: SimSession) -> str:
    now = datetime.now(UTC)
    spec = MatchSpec("Daniil Medvedev", "Taylor Fritz", Tour.ATP, "ATP Bastad", "Semifinal",
                     now + timedelta(hours=30), 0.5)  # fmt: skip
    bundle = build_bundle([spec], None, now)
    bundle["events"][0]["milestone"] = False
    s.control.bulk(bundle)
    return str(bundle["events"][0]["event_ticker"])


async def test_public_trades_show_the_in_play_prints(sim_server: SimSession) -> None:
    events = _list(sim_server)
    ticker = f"{events[0]}-" + "SIN"
    since = datetime.now(UTC) - timedelta(seconds=2)
    sim_server.control.print_trade(ticker, "0.62", 25, taker_side="ask")
    venue = KalshiVenue(KalshiClient(sim_server.base_url))
    try:
        trades = await venue.trades(ticker, since=since)
        market = await venue.market(ticker)
    finally:
        await venue.aclose()
    (trade,) = trades
    assert (trade.ticker, trade.count, trade.yes_price, trade.taker_book_side) == (
        ticker,
        Decimal(25),
        Decimal("0.62"),
        "ask",
    )
    assert market.last_price == Decimal("0.62")
    assert market.volume == Decimal(25)


async def test_a_batch_answer_that_does_not_say_whose_live_data_it_is_falls_back_to_one_by_one() -> None:
    """A server whose /live_data/batch entries carry no milestone_id (its single answers are fine):
    the venue asks per milestone from then on, and asks Kalshi for each event's milestone once."""
    seen: list[str] = []

    def server(request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix("/trade-api/v2/")
        seen.append(path)
        if path == "milestones":
            event = request.url.params["related_event_ticker"]
            milestone = {
                "id": f"m-{event}",
                "related_event_tickers": [event],
                "primary_event_tickers": [event],
            }
            return httpx.Response(200, json={"milestones": [milestone], "cursor": ""})
        if path == "live_data/batch":
            return httpx.Response(200, json={"live_datas": [{"type": "t", "details": {"status": "live"}}]})
        mid = path.rsplit("/", 1)[-1]
        status = "live" if mid == "m-B" else "none"
        return httpx.Response(200, json={"live_data": {"type": "t", "details": {"status": status}}})

    venue = KalshiVenue(KalshiClient("http://x.test/trade-api/v2", transport=httpx.MockTransport(server)))
    try:
        first = await venue.match_status(["A", "B"])
        second = await venue.match_status(["A", "B"])
    finally:
        await venue.aclose()
    assert {e: s.state for e, s in first.items()} == {"A": MatchState.NOT_STARTED, "B": MatchState.LIVE}
    assert second == first
    assert seen.count("live_data/batch") == 1  # tried once, then one by one
    assert seen.count("milestones") == 2  # once per event, then cached


async def test_the_milestones_come_with_the_event_listing_so_a_status_costs_one_request(
    sim_server: SimSession,
) -> None:
    events = _list(sim_server)
    sim_server.control.start_match(events[2])
    venue = KalshiVenue(KalshiClient(sim_server.base_url))
    try:
        listed = [e async for e in venue.open_events("KXATPMATCH")]
        before = venue.client.http.requests_sent
        got = await venue.match_status(events)
        asked = venue.client.http.requests_sent - before
    finally:
        await venue.aclose()
    assert len(listed) == 3
    assert asked == 1  # GET /live_data/batch alone: no GET /milestones per event
    assert [got[e].started for e in events] == [False, False, True]


class _NoMilestonesInListings(httpx.AsyncBaseTransport):
    """The simulator in process, as a server that ignores `with_milestones` on GET /events."""

    def __init__(self, app: Any) -> None:
        self.inner = httpx.ASGITransport(app=app)
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.paths.append(request.url.path)
        if not request.url.path.endswith("/events"):
            return response
        body = json.loads(await response.aread())
        body.pop("milestones", None)
        return httpx.Response(response.status_code, json=body)


async def test_a_listing_without_milestones_leaves_each_event_to_its_own_lookup() -> None:
    exchange = SimExchange(seed=3)
    now = exchange.now()
    spec = MatchSpec(
        "Jannik Sinner", "Carlos Alcaraz", Tour.ATP, "ATP Bastad", "Final", now + timedelta(days=1), 0.5
    )
    bundle = build_bundle([spec], None, now)
    apply_bundle(exchange, bundle)
    event = bundle["events"][0]["event_ticker"]
    transport = _NoMilestonesInListings(create_app(exchange))
    venue = KalshiVenue(KalshiClient("http://sim.test/trade-api/v2", transport=transport))
    try:
        _ = [e async for e in venue.open_events("KXATPMATCH")]
        got = await venue.match_status([event])
    finally:
        await venue.aclose()
    assert got[event].state is MatchState.NOT_STARTED  # found by GET /milestones?related_event_ticker=
    assert "/trade-api/v2/milestones" in transport.paths
