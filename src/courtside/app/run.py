"""Running the trader from the CLI: live confirmation, wiring, the loop or the stream, clean shutdown."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from courtside.app.scan_result import MatchVerdict, ScanResult
from courtside.app.settings import TraderSettings
from courtside.app.stream import run_stream
from courtside.app.trader import Predictor
from courtside.app.wiring import Wiring, build
from courtside.domain.clock import Clock
from courtside.domain.errors import ConfigError
from courtside.markets.discovery import PlayerResolver

log = logging.getLogger("courtside.trader")


@dataclass
class Overrides:
    """What tests and the demo inject instead of loading from settings."""

    predictor: Predictor | None = None
    resolver: PlayerResolver | None = None
    auth: httpx.Auth | None = None
    clock: Clock | None = None
    transport: httpx.AsyncBaseTransport | None = None  # the exchange in process (ASGITransport)


def confirm_live(settings: TraderSettings, prompt: Callable[[str], str], is_tty: bool) -> None:
    """Live trading needs a typed confirmation on a terminal, or --confirm-live without one."""
    if not settings.live or settings.confirm_live:
        return
    if not is_tty:
        raise ConfigError("--live without a terminal needs --confirm-live (refusing to trade real money)")
    typed = prompt(f"Type LIVE to place real orders on {settings.env}")
    if typed.strip() != "LIVE":
        raise ConfigError("live trading not confirmed")


def stdin_is_tty() -> bool:
    return sys.stdin.isatty()


async def run_trade(
    settings: TraderSettings, ov: Overrides | None = None, *, max_scans: int | None = None
) -> int:
    """The AutoTrader until interrupted (or after one scan with --once); returns scans run."""
    ov = ov or Overrides()
    if ov.predictor is None:  # a model from disk: bring it up to yesterday's results first
        await keep_model_current(settings, None)
    wiring = _build(settings, ov)
    updates = None
    if ov.predictor is None and settings.update_every > 0 and not settings.once:
        updates = asyncio.create_task(_update_periodically(wiring, settings))
    try:
        await wiring.trader.check_collateral()
        if settings.stream:
            return await _stream(wiring)
        return await wiring.trader.run(
            interval=settings.scan_interval, once=settings.once, max_scans=max_scans
        )
    finally:
        if updates is not None:
            updates.cancel()
        await wiring.aclose()


async def keep_model_current(settings: TraderSettings, wiring: Wiring | None) -> None:
    """Sync the venue's results and roll the model forward, refuse (live) or warn about a stale model,
    and hand the running trader the new version (app/freshness.py)."""
    from datetime import UTC, datetime

    from courtside.app.freshness import check_age, refresh

    log.info(await refresh(settings.model, settings.env))
    check_age(settings.model, datetime.now(UTC).date(), settings.max_model_age, live=settings.live)
    if wiring is not None:
        from courtside.app.wiring import load_model
        from courtside.markets.discovery import Identifier

        predictor, registry = load_model(settings.model)
        wiring.trader.predictor, wiring.trader.identifier = predictor, Identifier(registry)


async def _update_periodically(wiring: Wiring, settings: TraderSettings) -> None:
    while True:
        await asyncio.sleep(settings.update_every * 3600)
        try:
            await keep_model_current(settings, wiring)
        except ConfigError as e:  # stale in live: trading goes on with the last model, loudly
            log.error("%s", e)


async def _stream(wiring: Wiring) -> int:
    settings = wiring.settings
    max_seconds = settings.scan_interval if settings.once else None
    return await run_stream(
        wiring.trader, wiring.websocket(), interval=settings.scan_interval, max_seconds=max_seconds
    )


def _build(settings: TraderSettings, ov: Overrides, *, place_orders: bool = True) -> Wiring:
    return build(
        settings,
        transport=ov.transport,
        clock=ov.clock,
        predictor=ov.predictor,
        resolver=ov.resolver,
        auth=ov.auth,
        place_orders=place_orders,
    )


async def run_scan(settings: TraderSettings, ov: Overrides | None = None) -> list[MatchVerdict]:
    """Price and decide once without sending anything (`courtside scan`)."""
    wiring = _build(settings, ov or Overrides(), place_orders=False)
    try:
        report: ScanResult = await wiring.trader.scan()
        return report.items
    finally:
        await wiring.aclose()
