"""The one composition root: which exchange (Kalshi, demo or the simulator, over the network or in
process), which Venue (Kalshi's, or the paper venue over its market data), which journal, clock,
model and player registry. Nothing else builds a KalshiClient, a venue or a journal for the trader:
`build` for `trade`, `scan` and the demo; `kalshi_client` for `doctor` and `fund`."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from sqlalchemy import Engine

from courtside.alerts.notifier import Alerts
from courtside.app.lock import TraderLock, lock_path
from courtside.app.settings import TraderSettings
from courtside.app.trader import AutoTrader, Predictor, TraderConfig
from courtside.app.urls import redact_url
from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import ConfigError, ModelError
from courtside.domain.mode import Mode
from courtside.kalshi.auth import Credentials, KalshiAuth
from courtside.kalshi.http import Pacing, RetryPolicy
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.venue import KalshiVenue
from courtside.kalshi.ws import KalshiWebSocket
from courtside.markets.discovery import Identifier, PlayerResolver
from courtside.store.db import make_engine
from courtside.store.journal import Journal
from courtside.venue.paper import PaperVenue
from courtside.venue.port import Venue

if TYPE_CHECKING:  # the model stack (pandas, scikit-learn) loads only when a trader is built
    from courtside.data.registry import PlayerRegistry
    from courtside.model.predictor import ArtifactPredictor

log = logging.getLogger("courtside.trader")
WsFactory = Callable[[], AbstractAsyncContextManager[KalshiWebSocket]]


@dataclass
class Wiring:
    settings: TraderSettings
    clock: Clock
    client: KalshiClient  # the exchange's raw client (market data; orders too when live)
    venue: Venue  # what the trader trades on: KalshiVenue(client) live, PaperVenue over it in dry-run
    journal: Journal
    trader: AutoTrader
    model_version: str  # the artifact's version, or who gave the predictor
    alerts: Alerts  # to the owner's notification URLs (settings.alerts); the run closes it (app/operator.py)
    lock: TraderLock | None = None  # held while a trader that places orders runs on this journal

    def websocket(self) -> WsFactory:
        """Kalshi's WebSocket for --stream: signed even for public book channels (kalshi-api.md §3)."""
        auth = self.client.auth
        if auth is None:
            try:
                auth = Credentials.from_env().auth()
            except ConfigError as e:
                raise ConfigError(
                    f"--stream needs an API key even in dry-run (the WebSocket is signed): {e}"
                ) from e
        if not isinstance(auth, KalshiAuth):
            raise ConfigError(
                "--stream needs Kalshi API-key signing (KALSHI_API_KEY_ID, KALSHI_PRIVATE_KEY_PATH)"
            )
        signer, endpoints = auth, self.client.endpoints
        return lambda: KalshiWebSocket(endpoints, headers=signer.ws_headers)

    async def aclose(self) -> None:
        try:
            await self.venue.aclose()
            await self.client.aclose()
        finally:
            if self.lock is not None:
                self.lock.release()


def load_model(path: Path, demo_model: Path | None = None) -> tuple[ArtifactPredictor, PlayerRegistry]:
    """The predictor artifact and the player registry built from the players table it carries."""
    from courtside.data.registry import PlayerRegistry
    from courtside.model.predictor import load_predictor

    if not path.exists():
        known = demo_model is not None and (demo_model / "meta.json").exists() and path != demo_model
        demo = demo_model if known else None
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


def signing(required: bool, auth: httpx.Auth | None = None) -> httpx.Auth | None:
    """The request signer: the one given, else, when signing is required (live orders), the KALSHI_*
    credentials (a ConfigError naming the missing variable). Dry-run reads public data unsigned."""
    if auth is not None or not required:
        return auth
    return Credentials.from_env().auth()


def kalshi_client(
    env: str,
    *,
    auth: httpx.Auth | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    timeout: float = 10.0,
    retry: RetryPolicy | None = None,
    pacing: Pacing = "account",
) -> KalshiClient:
    """The one place a KalshiClient is made (prod, demo, a base URL; `transport` for in-process)."""
    return KalshiClient(env, auth=auth, transport=transport, timeout=timeout, retry=retry, pacing=pacing)


def venue_of(client: KalshiClient, mode: Mode, engine: Engine, clock: Clock, paper_cash: Decimal) -> Venue:
    """The venue of a mode on the client's exchange: Kalshi's own live, the paper ledger over its
    market data in dry-run."""
    live = KalshiVenue(client)
    if mode is Mode.LIVE:
        return live
    return PaperVenue(live, engine, clock, exchange=live.exchange, starting_cash=paper_cash)


@dataclass
class Books:
    """The venues and journals of one exchange, both modes, for `kill` and `cancel-all`."""

    exchange: str
    venues: dict[Mode, Venue]
    journals: dict[Mode, Journal]
    client: KalshiClient

    async def aclose(self) -> None:
        for venue in self.venues.values():
            await venue.aclose()
        await self.client.aclose()


def books(
    settings: TraderSettings,
    env: str,
    modes: Sequence[Mode],
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    auth: httpx.Auth | None = None,
    clock: Clock | None = None,
) -> Books:
    """The venues of `modes` on exchange `env` (no model: nothing is priced). Live needs credentials."""
    clock = clock or SystemClock()
    client = kalshi_client(
        env, auth=signing(Mode.LIVE in modes, auth), transport=transport, timeout=settings.http_timeout
    )
    engine = make_engine(settings.db)
    venues = {mode: venue_of(client, mode, engine, clock, settings.paper_cash) for mode in modes}
    exchange = client.endpoints.exchange_id
    journals = {mode: Journal(engine, mode, exchange=exchange) for mode in modes}
    return Books(exchange, venues, journals, client)


def build(
    settings: TraderSettings,
    *,
    transport: httpx.AsyncBaseTransport | None = None,
    clock: Clock | None = None,
    predictor: Predictor | None = None,
    resolver: PlayerResolver | None = None,
    auth: httpx.Auth | None = None,
    place_orders: bool = True,
) -> Wiring:
    """Assemble an AutoTrader. Live orders need credentials (KALSHI_* or `auth`); dry-run needs none.
    `transport` serves the exchange in process (httpx.ASGITransport(sim app)) instead of over HTTP."""
    clock = clock or SystemClock()
    model_version = "given by the caller"
    if predictor is None or resolver is None:
        loaded, resolver = load_model(settings.model, settings.paths.demo / "model")
        predictor, model_version = loaded, f"{loaded.artifact.version} ({settings.model})"
    client = kalshi_client(
        settings.env, auth=signing(settings.live, auth), transport=transport, timeout=settings.http_timeout
    )
    lock = _lock(settings, client.endpoints.exchange_id, clock) if place_orders else None
    try:
        engine = make_engine(settings.db)
        venue = venue_of(client, settings.mode, engine, clock, settings.paper_cash)
        journal = Journal(engine, settings.mode, exchange=venue.exchange)
    except BaseException:
        if lock is not None:
            lock.release()
        raise
    cfg = TraderConfig(
        settings.mode,
        list(settings.series),
        settings.strategy(),
        settings.risk(),
        place_orders,
        settings.max_failed_scans,
    )
    trader = AutoTrader(cfg, venue, journal, predictor, Identifier(resolver), clock)
    log.info("wired %s trader on %s (db %s)", settings.mode, venue.exchange, settings.db)
    alerts = alerts_of(settings, clock)
    return Wiring(settings, clock, client, venue, journal, trader, model_version, alerts, lock)


def alerts_of(settings: TraderSettings, clock: Clock) -> Alerts:
    """The alert pipeline to settings.alerts (off when empty); the API key id and the dashboard token
    are scrubbed from every message wherever they might appear."""
    secrets = [v for v in (os.environ.get("KALSHI_API_KEY_ID", ""), settings.token or "") if v]
    return Alerts.from_urls(settings.alerts, clock=clock, known_secrets=secrets)


def _lock(settings: TraderSettings, exchange: str, clock: Clock) -> TraderLock:
    """One trader that places orders per journal and exchange: a second is refused, naming the first."""
    path = lock_path(settings.db, exchange, settings.paths.locks)
    return TraderLock.acquire(path, journal=redact_url(settings.db), exchange=exchange, now=clock.now())
