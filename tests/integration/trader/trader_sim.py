"""Helpers for the trader's simulator tests: two listed matches, a registry, a fixed-probability model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from courtside.app.settings import TraderSettings, load_settings
from courtside.app.wiring import Wiring, build
from courtside.data.registry import PlayerRegistry
from courtside.domain.orders import Order
from courtside.domain.tennis import MatchContext, PlayerRef, Prediction, Tour
from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.rest import KalshiClient
from courtside.sim.generator import MatchSpec

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


@dataclass
class Harness:
    sim: Any
    tmp: Path

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
        return build(self.settings(**flags), predictor=FixedModel(), resolver=registry(), auth=self.auth)

    async def exchange_orders(self) -> list[Order]:
        """Our orders as the exchange reports them (GET /portfolio/orders, signed)."""
        async with KalshiClient(self.sim.base_url, auth=self.auth) as client:
            return await client.get_orders()
