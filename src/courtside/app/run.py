"""Running the trader from the CLI: live confirmation, wiring, the loop or the stream, and a stop at
once on SIGINT or SIGTERM in every phase (app/signals.py; an order write in flight is finished first,
execution/inflight.py), then the operator's side of the stop (app/operator.py: the run's stop recorded,
--cancel-on-exit, the alerts flushed) and its clients closed."""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from courtside import __version__
from courtside.app.config import in_force
from courtside.app.control import Exchange
from courtside.app.loop import run_loop
from courtside.app.operator import Operator
from courtside.app.scan_result import MatchVerdict, ScanResult
from courtside.app.settings import TraderSettings
from courtside.app.signals import Stopped, until_signalled
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

    @property
    def exchange(self) -> Exchange:
        """How a control reaches the exchange (`--cancel-on-exit`, the dashboard's buttons)."""
        return Exchange(self.transport, self.auth)


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


def trade_until_stopped(
    settings: TraderSettings, ov: Overrides | None = None, *, built: Callable[[], None] | None = None
) -> int:
    """`courtside trade`: the model brought current, built, then run until stopped (or one scan with
    --once); returns the scans run. The build (model, registry) runs outside any event loop, where a
    signal interrupts at once as Python's default handlers do; the model update and the run stop at once
    on SIGINT or SIGTERM (raising Stopped). `built` runs once the trader holds its journal (the lock
    taken), before the first scan: `--dashboard` starts listening there; if it fails, nothing runs."""
    ov = ov or Overrides()
    if ov.predictor is None:  # a model from disk: bring it up to yesterday's results first
        asyncio.run(until_signalled(keep_model_current(settings, None)))
    wiring = _build(settings, ov)
    if built is not None:
        try:
            built()
        except BaseException:
            asyncio.run(wiring.aclose())
            raise
    return asyncio.run(_run_wired(wiring, ov))


async def run_trade(
    settings: TraderSettings, ov: Overrides | None = None, *, max_scans: int | None = None
) -> int:
    """The AutoTrader until stopped (after one scan with --once, or max_scans); returns the scans run."""
    ov = ov or Overrides()
    if ov.predictor is None:  # a model from disk: bring it up to yesterday's results first
        await keep_model_current(settings, None)
    return await _run_wired(_build(settings, ov), ov, max_scans=max_scans)


async def _run_wired(wiring: Wiring, ov: Overrides, *, max_scans: int | None = None) -> int:
    """Run a built trader until it ends or a signal stops it (Stopped), the model kept current beside it;
    the start line and the stop line, with its reason, go to the log; the run and its health are
    journalled and its alerts sent (app/operator.py); its clients are closed either way."""
    settings = wiring.settings
    log.info("%s", start_line(wiring))
    trader, version = wiring.trader, wiring.model_version
    operator = Operator(settings, trader, wiring.alerts, wiring.clock, version, ov.exchange)
    reason = "unknown"
    updates = None
    try:
        await operator.start()
        if ov.predictor is None and settings.update_every > 0 and not settings.once:
            updates = asyncio.create_task(_update_periodically(wiring, settings, operator))
        scans = await until_signalled(_trade(wiring, operator, max_scans))
        reason = "--once: one scan done" if settings.once else f"{scans} scans done"
        return scans
    except Stopped as e:
        reason = f"{e.signal} received"
        raise
    except asyncio.CancelledError:
        reason = "interrupted"
        raise
    except BaseException as e:
        reason = f"{type(e).__name__}: {e}"
        raise
    finally:
        if updates is not None:
            updates.cancel()
        log.warning("courtside stopped: %s", reason)
        try:
            await until_signalled(operator.stop(reason))  # a second signal cuts it short
        finally:
            await wiring.aclose()


async def _trade(wiring: Wiring, operator: Operator, max_scans: int | None) -> int:
    settings = wiring.settings
    await wiring.trader.check_collateral()
    if settings.stream:
        return await _stream(wiring, operator)
    return await run_loop(
        wiring.trader,
        interval=settings.scan_interval,
        once=settings.once,
        max_scans=max_scans,
        on_scan=operator.scanned,
    )


def start_line(wiring: Wiring) -> str:
    """Version, mode, exchange, home, model and every setting in force (secrets never among them)."""
    s = wiring.settings
    return (
        f"courtside {__version__} starting: {s.mode.label} on {wiring.venue.exchange}; home {s.home}; "
        f"model {wiring.model_version}; settings {in_force(s)}"
    )


async def keep_model_current(settings: TraderSettings, wiring: Wiring | None) -> None:
    """Sync the venue's results and roll the model forward, refuse (live) or warn about a stale model,
    and hand the running trader the new version (app/freshness.py)."""
    from datetime import UTC, datetime

    from courtside.app.freshness import check_age, refresh

    log.info(await refresh(settings.model, settings.env, settings.paths.history))
    check_age(settings.model, datetime.now(UTC).date(), settings.max_model_age, live=settings.live)
    if wiring is not None:
        from courtside.app.wiring import load_model
        from courtside.markets.discovery import Identifier

        predictor, registry = load_model(settings.model)
        wiring.trader.predictor, wiring.trader.identifier = predictor, Identifier(registry)
        wiring.model_version = f"{predictor.artifact.version} ({settings.model})"


async def _update_periodically(wiring: Wiring, settings: TraderSettings, operator: Operator) -> None:
    while True:
        await asyncio.sleep(settings.update_every * 3600)
        try:
            await keep_model_current(settings, wiring)
        except ConfigError as e:  # stale in live: trading goes on with the last model, loudly
            log.error("%s", e)
        operator.model_changed(wiring.model_version)


async def _stream(wiring: Wiring, operator: Operator) -> int:
    settings = wiring.settings
    max_seconds = settings.scan_interval if settings.once else None
    return await run_stream(
        wiring.trader,
        wiring.websocket(),
        interval=settings.scan_interval,
        max_seconds=max_seconds,
        watcher=operator,
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
