"""The world the fuzz suite mutates: a day of matches from the simulator's generator, on a fresh
in-process exchange with a market maker quoting them, plus the recorded Modena market and its recorded
book (recorded/markets__unauth_single.json, orderbook__base.json), moved in time to start in six hours
and served beside them. A scan is the real trader, built by the composition root in dry-run, over a
transport that serves the world's answers with one mutation applied on the way out."""

from __future__ import annotations

import asyncio
import copy
import json
import re
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fuzz_mutations import Target

from courtside.app.config import load_settings
from courtside.app.wiring import build
from courtside.data.registry import PlayerRegistry
from courtside.domain.tennis import MATCH_WINNER_SERIES, Tour
from courtside.sim.generator import MatchSpec, random_matches
from tampering import BASE, PinnedModel, Rule, SimDay, Tampering, registry_of

RECORDED_SERIES = "KXWTACHALLENGERMATCH"
SIBLING = "Victoria Jimenez Kasintseva"  # the other player of the recorded match
RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
Json = dict[str, Any]


def _shift(when: str, delta: timedelta) -> str:
    moved = datetime.fromisoformat(when.replace("Z", "+00:00")) + delta
    return moved.isoformat().replace("+00:00", "Z")


def recorded_event(recorded: Path, start: datetime) -> tuple[Json, dict[str, Json]]:
    """The recorded market and a sibling for the other player, in an event as Kalshi lists it, every
    time moved so the match starts at `start`; their books (the recorded one and its mirror)."""
    market: Json = json.loads((recorded / "markets__unauth_single.json").read_text())["market"]
    book: Json = json.loads((recorded / "orderbook__base.json").read_text())["orderbook_fp"]
    delta = start - datetime.fromisoformat(market["occurrence_datetime"].replace("Z", "+00:00"))
    for key, value in list(market.items()):
        if isinstance(value, str) and RFC3339.fullmatch(value):
            market[key] = _shift(value, delta)
    sibling = copy.deepcopy(market)
    sibling["ticker"] = market["event_ticker"] + "-JIM"
    sibling["yes_sub_title"] = sibling["no_sub_title"] = SIBLING
    sibling["title"] = f"Will {SIBLING} win the Jimenez Kasintseva vs Lepchenko: Round Of 16 match?"
    sibling["rules_primary"] = market["rules_primary"].replace("Varvara Lepchenko", SIBLING)
    sibling["custom_strike"] = {"tennis_competitor": "00000000-0000-4000-8000-000000000001"}
    event = {
        "event_ticker": market["event_ticker"],
        "series_ticker": RECORDED_SERIES,
        "title": "Jimenez Kasintseva vs Lepchenko",
        "sub_title": "Jimenez Kasintseva vs Lepchenko (Jun 11)",
        "mutually_exclusive": True,
        "collateral_return_type": "MECNET",
        "product_metadata": {"competition": "WTA 125K Modena", "competition_scope": "Game"},
        "markets": [sibling, market],
    }
    mirror = {"yes_dollars": book["no_dollars"], "no_dollars": book["yes_dollars"]}
    return event, {market["ticker"]: book, sibling["ticker"]: mirror}


def serving_recorded(event: Json, books: dict[str, Json]) -> Rule:
    """Serve the recorded event in its series' listing and its books among the requested ones."""

    def rule(request: httpx.Request, data: Any) -> Any:
        path, params = request.url.path, request.url.params
        if path.endswith("/events") and params.get("series_ticker") == RECORDED_SERIES:
            data["events"].append(copy.deepcopy(event))
        elif path.endswith("/markets/orderbooks"):
            asked = set(params.get("tickers", "").split(","))
            for ticker in sorted(asked & set(books)):
                data["orderbooks"].append({"ticker": ticker, "orderbook_fp": copy.deepcopy(books[ticker])})
        return data

    return rule


@dataclass
class Outcome:
    """What one scan did: the events it ordered on, each event's verdict, what the model was asked."""

    ordered: set[str]
    verdicts: dict[str, tuple[str, tuple[str, ...]]]
    journal_skips: list[tuple[str, str]]
    asked: list[tuple[str, str]]
    named: dict[str, tuple[str, str]] = field(default_factory=dict)  # event -> the names its markets give


async def listing(transport: httpx.AsyncBaseTransport) -> list[Json]:
    """Every open match event as the world serves it (nested markets), read once to aim mutations."""
    events: list[Json] = []
    async with httpx.AsyncClient(transport=transport, base_url=BASE + "/") as client:
        for series in MATCH_WINNER_SERIES:
            params = {"series_ticker": series, "status": "open", "with_nested_markets": "true"}
            events.extend((await client.get("events", params=params)).json()["events"])
    return events


def targets_of(events: list[Json]) -> tuple[list[Target], dict[str, str]]:
    """A Target per match event, and every market's competitor id by ticker."""
    names = {e["event_ticker"]: tuple(m["yes_sub_title"] for m in e["markets"]) for e in events}
    ids = {m["ticker"]: m["custom_strike"]["tennis_competitor"] for e in events for m in e["markets"]}
    out = []
    for e in events:
        mine = e["event_ticker"]
        out.append(
            Target(
                event=mine,
                series=e["series_ticker"],
                tickers=(e["markets"][0]["ticker"], e["markets"][1]["ticker"]),
                others=tuple(x for x in names if x != mine),
                series_events=frozenset(
                    x["event_ticker"] for x in events if x["series_ticker"] == e["series_ticker"]
                ),
                strangers=tuple(
                    sorted({n for x, ns in names.items() if x != mine for n in ns} - set(names[mine]))
                ),
            )
        )
    return out, ids


@dataclass
class World:
    day: SimDay
    recorded: Rule
    registry: PlayerRegistry
    model: dict[str, float]
    targets: list[Target]
    ids: dict[str, str]  # market ticker -> its competitor id

    @classmethod
    def make(cls, recorded_dir: Path) -> World:
        def slate(now: datetime) -> list[MatchSpec]:
            return random_matches(8, now, seed=7)

        day = SimDay.listing(slate)
        now = day.exchange.now()
        event, books = recorded_event(recorded_dir, now + timedelta(hours=6))
        modena = MatchSpec(SIBLING, "Varvara Lepchenko", Tour.WTA, "WTA 125K Modena", "Round Of 16", now, 0.5)
        # the model sees value in most matches: 12 points above the maker's fair price
        model = {s.player_a.split(" ", 1)[1]: min(0.95, s.fair_prob_a + 0.12) for s in day.specs}
        model["Lepchenko"] = 0.70
        recorded = serving_recorded(event, books)
        targets, ids = targets_of(asyncio.run(listing(Tampering(day.transport, [recorded]))))
        return cls(day, recorded, registry_of([*day.specs, modena]), model, targets, ids)

    async def scan(self, mutation: Rule | None = None) -> Outcome:
        """One dry-run scan of the real trader over this world, `mutation` applied to every answer."""
        rules = [self.recorded] if mutation is None else [self.recorded, mutation]
        model = PinnedModel(self.model)
        with tempfile.TemporaryDirectory() as tmp:
            settings = load_settings(
                None,
                env=BASE,
                db=f"sqlite:///{Path(tmp) / 'journal.db'}",
                min_volume="0",
                max_orders_per_scan=50,  # no cap that one skipped match could free for another
                kill_file=Path(tmp) / "KILL",
            )
            lies = Tampering(self.day.transport, rules)
            w = build(settings, transport=lies, predictor=model, resolver=self.registry)
            try:
                report = await w.trader.scan()
                orders = await w.venue.orders()
                decisions = w.journal.decisions()
            finally:
                await w.aclose()
        return Outcome(
            ordered={o.ticker.rsplit("-", 1)[0] for o in orders},
            verdicts={i.event_ticker: (i.decision, tuple(i.reasons)) for i in report.items},
            journal_skips=[(d.event_ticker, d.reasons) for d in decisions if d.decision == "skipped"],
            asked=[(a.name, b.name) for a, b in model.asked],
            named={d.event_ticker: (d.player_a, d.player_b) for d in decisions if d.p_model is not None},
        )
