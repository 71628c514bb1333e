"""A Kalshi-compatible exchange that lies: the simulator in process, its answers changed on the way out.

`Tampering` wraps any httpx transport (usually `httpx.ASGITransport(sim app)`) and passes every GET
answer through rules that rewrite the decoded JSON: one market's book, one market's fields, one
series' fee multiplier. The trader under test is built by the real composition root with this
transport, so it meets the lie exactly where it would meet an independent server's: on the wire.
`SimDay` lists a day of matches on a fresh in-process exchange with a market maker quoting them.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from courtside.data.registry import PlayerRegistry
from courtside.domain.tennis import MatchContext, PlayerRef, Prediction
from courtside.kalshi.auth import KalshiAuth
from courtside.sim.app import create_app
from courtside.sim.catalog import apply_bundle, register_user
from courtside.sim.exchange import SimExchange
from courtside.sim.generator import Liquidity, MatchSpec, build_bundle
from courtside.sim.testing import MAKER_KEY_ID, TRADER_KEY_ID, new_rsa_key, public_pem

Json = Any
Rule = Callable[[httpx.Request, Json], Json]  # (request, decoded answer) -> the answer to send instead
BASE = "http://sim.in-process/trade-api/v2"


class Tampering(httpx.AsyncBaseTransport):
    """Forwards to `inner`; a successful GET's JSON answer goes through every rule before it is sent."""

    def __init__(self, inner: httpx.AsyncBaseTransport, rules: Sequence[Rule] = ()) -> None:
        self.inner = inner
        self.rules = list(rules)
        self.paths: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self.inner.handle_async_request(request)
        self.paths.append(request.url.path)
        if request.method != "GET" or response.status_code != 200 or not self.rules:
            return response
        data = json.loads(await response.aread())
        for rule in self.rules:
            data = rule(request, data)
        return httpx.Response(
            200, content=json.dumps(data).encode(), headers={"content-type": "application/json"}
        )

    async def aclose(self) -> None:
        await self.inner.aclose()


def on_book(ticker: str, change: Callable[[dict[str, Any]], None]) -> Rule:
    """Change the `orderbook_fp` object of one market in GET /markets/orderbooks answers."""

    def rule(request: httpx.Request, data: Json) -> Json:
        if request.url.path.endswith("/markets/orderbooks"):
            for item in data.get("orderbooks", []):
                if item.get("ticker") == ticker:
                    change(item["orderbook_fp"])
        return data

    return rule


def on_market(ticker: str, change: Callable[[dict[str, Any]], None]) -> Rule:
    """Change one market wherever it is listed (nested in GET /events, or GET /markets/{ticker})."""

    def rule(request: httpx.Request, data: Json) -> Json:
        path = request.url.path
        if path.endswith("/events"):
            for event in data.get("events", []):
                for market in event.get("markets", []):
                    if market.get("ticker") == ticker:
                        change(market)
        elif path.endswith(f"/markets/{ticker}"):
            change(data["market"])
        return data

    return rule


def on_event(event_ticker: str, change: Callable[[dict[str, Any]], None]) -> Rule:
    """Change one event (with its nested markets) in GET /events answers."""

    def rule(request: httpx.Request, data: Json) -> Json:
        if request.url.path.endswith("/events"):
            for event in data.get("events", []):
                if event.get("event_ticker") == event_ticker:
                    change(event)
        return data

    return rule


def on_series(ticker: str, change: Callable[[dict[str, Any]], None]) -> Rule:
    """Change one series in GET /series and GET /series/{ticker} answers."""

    def rule(request: httpx.Request, data: Json) -> Json:
        path = request.url.path
        if path.endswith("/series"):
            for series in data.get("series", []):
                if series.get("ticker") == ticker:
                    change(series)
        elif path.endswith(f"/series/{ticker}"):
            change(data["series"])
        return data

    return rule


class PinnedModel:
    """The model port: P(A wins) pinned per surname (the model itself is tested elsewhere); records
    every pair it is asked about, so a test can tell which players a match was priced on."""

    version = "pinned-test"

    def __init__(self, p_by_surname: dict[str, float]) -> None:
        self.p_by_surname = p_by_surname
        self.asked: list[tuple[PlayerRef, PlayerRef]] = []

    def predict(self, a: PlayerRef, b: PlayerRef, ctx: MatchContext) -> Prediction:
        self.asked.append((a, b))
        for surname, p in self.p_by_surname.items():
            if a.name.endswith(surname):
                return Prediction(p, {}, self.version)
            if b.name.endswith(surname):
                return Prediction(1 - p, {}, self.version)
        return Prediction(0.5, {}, self.version)


def registry_of(specs: Sequence[MatchSpec]) -> PlayerRegistry:
    """A registry that knows exactly the players of these matches (first word = first name)."""
    names = sorted({n for s in specs for n in (s.player_a, s.player_b)})
    rows = []
    for i, name in enumerate(names):
        first, last = name.split(" ", 1)
        tour = next(s.tour for s in specs if name in (s.player_a, s.player_b))
        rows.append({"key": f"{tour.value}:{i + 1}", "name_first": first, "name_last": last})
    return PlayerRegistry.from_records(rows)


@dataclass
class SimDay:
    """A fresh in-process exchange listing `specs`, the trader's key funded on the tennis shard."""

    exchange: SimExchange
    transport: httpx.ASGITransport
    auth: KalshiAuth
    specs: list[MatchSpec]
    trader_user_id: str

    @classmethod
    def listing(
        cls, specs: Callable[[datetime], list[MatchSpec]], *, seed: int = 11, fee_seed: int = 3
    ) -> SimDay:
        exchange = SimExchange(seed=seed)
        trader_key, maker_key = new_rsa_key(), new_rsa_key()
        funds = {"0": "1000", "3": "1000"}
        trader = register_user(
            exchange, {"key_id": TRADER_KEY_ID, "public_key_pem": public_pem(trader_key), "balances": funds}
        )
        maker = register_user(
            exchange,
            {"key_id": MAKER_KEY_ID, "public_key_pem": public_pem(maker_key), "balances": {"3": "1000000"}},
        )
        now = exchange.now()
        listed = specs(now)
        bundle = build_bundle(listed, maker["user_id"], now, seed=fee_seed, liquidity=Liquidity(noise=0.0))
        apply_bundle(exchange, bundle)
        transport = httpx.ASGITransport(app=create_app(exchange))
        auth = KalshiAuth(TRADER_KEY_ID, trader_key)
        return cls(exchange, transport, auth, listed, trader["user_id"])

    def ticker_of(self, name: str) -> str:
        """The market that pays if this player (full name) wins."""
        (ticker,) = [t for t, m in self.exchange.markets.items() if m.yes_sub_title == name]
        return ticker

    def event_of(self, name: str) -> str:
        return self.exchange.markets[self.ticker_of(name)].event_ticker

    def orders_on(self, event_ticker: str) -> list[Any]:
        """The trader's orders the exchange itself holds on one event's markets."""
        return [
            o
            for o in self.exchange.orders.values()
            if o.user_id == self.trader_user_id and o.ticker.startswith(event_ticker + "-")
        ]
