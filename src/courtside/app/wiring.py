"""The one composition root: which exchange (Kalshi, demo or the simulator), which order port
(live or paper), which store, clock, model and player registry. Nothing else knows."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from courtside.app.settings import TraderSettings
from courtside.app.trader import AutoTrader, Predictor, TraderConfig
from courtside.data.registry import PlayerRegistry
from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import ConfigError, ModelError
from courtside.execution.paper import PaperExchange
from courtside.execution.ports import OrderPort
from courtside.kalshi.auth import Credentials
from courtside.kalshi.rest import KalshiClient
from courtside.markets.discovery import Identifier, PlayerResolver
from courtside.model.predictor import load_predictor
from courtside.store.db import make_engine
from courtside.store.journal import Journal

log = logging.getLogger("courtside.trader")
DEMO_MODEL = Path("var/demo/model")  # where `courtside demo` caches its model (cli/demo.py)


@dataclass
class Wiring:
    settings: TraderSettings
    clock: Clock
    data: KalshiClient
    orders: OrderPort
    journal: Journal
    trader: AutoTrader
    extra_clients: list[KalshiClient] = field(default_factory=list)

    async def aclose(self) -> None:
        for client in [self.data, *self.extra_clients]:
            await client.aclose()


def load_model(path: Path) -> tuple[Predictor, PlayerRegistry]:
    """The predictor artifact and the player registry built from the players table it carries."""
    if not path.exists():
        demo = DEMO_MODEL if (DEMO_MODEL / "meta.json").exists() and path != DEMO_MODEL else None
        hint = f", or --model {demo} (the smaller model `courtside demo` built)" if demo else ""
        raise ConfigError(
            f"no model at {path}: build one with `courtside model train --out {path}` "
            f"(needs the match history in $COURTSIDE_DATA) or pass --model PATH{hint}"
        )
    predictor = load_predictor(path)
    players = predictor.artifact.players
    if players.empty:
        raise ModelError(f"model {path} carries no players")
    registry = PlayerRegistry.from_records(
        [{str(k): v for k, v in r.items()} for r in players.to_dict("records")]
    )
    return predictor, registry


def build(
    settings: TraderSettings,
    *,
    clock: Clock | None = None,
    predictor: Predictor | None = None,
    resolver: PlayerResolver | None = None,
    auth: httpx.Auth | None = None,
    place_orders: bool = True,
) -> Wiring:
    """Assemble a AutoTrader. Live orders need credentials (KALSHI_* or `auth`); dry-run needs none."""
    clock = clock or SystemClock()
    if predictor is None or resolver is None:
        predictor, resolver = load_model(settings.model)
    if settings.live and auth is None:
        auth = Credentials.from_env().auth()
    data = KalshiClient(settings.env, auth=auth, timeout=settings.http_timeout)
    journal = Journal(make_engine(settings.db), settings.mode)
    orders: OrderPort
    if settings.live:
        orders = data
    else:
        orders = PaperExchange(data, journal.engine, clock, starting_cash=settings.paper_cash)
    cfg = TraderConfig(
        settings.mode, list(settings.series), settings.strategy(), settings.risk(), place_orders
    )
    trader = AutoTrader(cfg, data, orders, journal, predictor, Identifier(resolver), clock)
    log.info("wired %s trader on %s (db %s)", settings.mode, data.endpoints.name, settings.db)
    return Wiring(settings, clock, data, orders, journal, trader)
