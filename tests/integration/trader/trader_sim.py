"""Helpers for the trader's simulator tests: two listed matches, a registry, a fixed-probability model."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from courtside.app.config import load_settings
from courtside.app.scan_result import ScanResult
from courtside.app.settings import TraderSettings
from courtside.app.trader import Predictor
from courtside.app.wiring import Wiring, build
from courtside.data.registry import PlayerRegistry
from courtside.domain.orders import Order
from courtside.domain.tennis import MatchContext, PlayerRef, Prediction, Tour
from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.rest import KalshiClient
from courtside.sim.generator import Liquidity, MatchSpec, build_bundle

PLAYERS = {
    "atp:1": ("Alexander", "Zverev"),
    "atp:2": ("Karen", "Khachanov"),
    "atp:3": ("Botic", "van de Zandschulp"),
    "atp:4": ("Felix", "Auger-Aliassime"),
}
# The model's view: Zverev 0.70 against a market that makes it about 0.55 (a seeded mispricing);
# Auger-Aliassime 0.50 against a market at 0.50 (no edge).
MODEL = {"Zverev": 0.70, "Auger-Aliassime": 0.50}


class FixedModel:
    """The model port: a fixed P(A wins) per player A (the model itself is tested elsewhere)."""

    version = "fixed-test"

    def predict(self, a: PlayerRef, b: PlayerRef, ctx: MatchContext) -> Prediction:
        for surname, p in MODEL.items():
            if a.name.endswith(surname):
                return Prediction(p, {}, self.version)
            if b.name.endswith(surname):
                return Prediction(1 - p, {}, self.version)
        return Prediction(0.5, {}, self.version)


def registry() -> PlayerRegistry:
    return PlayerRegistry.from_records(
        {"key": k, "name_first": f, "name_last": last} for k, (f, last) in PLAYERS.items()
    )


# (player A, player B, the market's P(A), the model's P(A)): a day of matches the model prices as listed
Table = list[tuple[str, str, float, float]]


class TableModel:
    """The model port: P(A wins) read from a table of matches (either order of the players)."""

    def __init__(self, matches: Table, version: str) -> None:
        self.matches, self.version = matches, version

    def predict(self, a: PlayerRef, b: PlayerRef, ctx: MatchContext) -> Prediction:
        for name_a, name_b, _, p in self.matches:
            if (a.name, b.name) == (name_a, name_b):
                return Prediction(p, {}, self.version)
            if (a.name, b.name) == (name_b, name_a):
                return Prediction(1 - p, {}, self.version)
        raise AssertionError(f"unexpected match {a.name} vs {b.name}")


def table_registry(matches: Table) -> PlayerRegistry:
    """Every player of the table, known by name."""
    names = [n for m in matches for n in m[:2]]
    return PlayerRegistry.from_records(
        {"key": f"atp:{i}", "name_first": n.split()[0], "name_last": n.split()[1]}
        for i, n in enumerate(names)
    )


def table_day(sim: Any, tmp: Path, matches: Table, version: str) -> Harness:
    """The table's matches listed at the US Open, starting 3, 4, 5... hours from now, each market
    priced at its P(A) without noise; a harness whose trader prices them with the table's model."""
    now = sim.exchange.now()
    listed = [
        MatchSpec(a, b, Tour.ATP, "US Open Men Singles", "Round Of 16", now + timedelta(hours=3 + i), fair)
        for i, (a, b, fair, _) in enumerate(matches)
    ]
    sim.control.bulk(build_bundle(listed, sim.mm_user_id, now, seed=5, liquidity=Liquidity(noise=0.0)))
    return Harness(sim, tmp, TableModel(matches, version), table_registry(matches))


def specs(now: Any) -> list[MatchSpec]:
    return [
        MatchSpec(
            "Alexander Zverev",
            "Karen Khachanov",
            Tour.ATP,
            "US Open Men Singles",
            "Quarterfinal",
            now + timedelta(hours=5),
            0.55,
            title_style="new",
        ),
        MatchSpec(
            "Botic van de Zandschulp",
            "Felix Auger-Aliassime",
            Tour.ATP,
            "US Open Men Singles",
            "Round Of 16",
            now + timedelta(hours=7),
            0.50,
            surname_a="Van de Zandschulp",
            title_style="old",
        ),
    ]


def list_semifinal(sim: Any, now: Any, *, start_hours: int = 9) -> MatchSpec:
    """Lists a third match, Zverev vs Auger-Aliassime (a fair 50/50 book without noise)."""
    spec = MatchSpec(
        "Alexander Zverev",
        "Felix Auger-Aliassime",
        Tour.ATP,
        "US Open Men Singles",
        "Semifinal",
        now + timedelta(hours=start_hours),
        0.50,
        title_style="new",
    )
    sim.control.bulk(build_bundle([spec], sim.mm_user_id, now, seed=5, liquidity=Liquidity(noise=0.0)))
    return spec


async def pull_best_bid(h: Any, ticker: str) -> None:
    """The market maker cancels its best YES bid on one market (a book change, no trade)."""
    auth = KalshiAuth(h.sim.mm_key_id, h.sim.mm_private_key)
    async with KalshiClient(h.sim.base_url, auth=auth) as mm:
        bids = [o for o in await mm.get_orders(ticker=ticker, status="resting") if o.side.value == "bid"]
        best = max(bids, key=lambda o: o.yes_price)
        await mm.cancel_order(best.order_id, market_ticker=ticker)


async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    """Wait for a condition the stream brings about; generous so a loaded machine is not a failure."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        assert asyncio.get_running_loop().time() < deadline, "the stream did not get there in time"
        await asyncio.sleep(0.05)


@dataclass
class Harness:
    sim: Any
    tmp: Path
    predictor: Predictor = field(default_factory=FixedModel)
    resolver: PlayerRegistry = field(default_factory=registry)

    @property
    def auth(self) -> KalshiAuth:
        return KalshiAuth(self.sim.key_id, self.sim.private_key)

    def settings(self, **flags: Any) -> TraderSettings:
        base: dict[str, Any] = {
            "env": self.sim.base_url,
            "db": f"sqlite:///{self.tmp / 'journal.db'}",
            "min_volume": "0",
            "kill_file": self.tmp / "KILL",
            "log_file": self.tmp / "auto_trader.log",
            "http_timeout": 5.0,
        }
        base.update(flags)
        return load_settings(None, **base)

    def wire(self, **flags: Any) -> Wiring:
        return build(self.settings(**flags), predictor=self.predictor, resolver=self.resolver, auth=self.auth)

    async def scan(self, **flags: Any) -> ScanResult:
        """One scan of a trader wired with these flags, its clients closed after."""
        w = self.wire(**flags)
        try:
            return await w.trader.scan()
        finally:
            await w.aclose()

    async def exchange_orders(self) -> list[Order]:
        """Our orders as the exchange reports them (GET /portfolio/orders, signed)."""
        async with KalshiClient(self.sim.base_url, auth=self.auth) as client:
            return await client.get_orders()
