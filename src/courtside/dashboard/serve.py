"""Serving the dashboard: on its own (`courtside dashboard`) or beside a running trader (`courtside trade
--dashboard`), where it runs in a thread of its own with its own event loop and its own connection to the
journal, so the trader's loop never waits for a page (benchmarks/bench_dashboard.py measures it)."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
from dataclasses import dataclass

import uvicorn

from courtside.app import control
from courtside.app.settings import TraderSettings
from courtside.dashboard import views as v
from courtside.dashboard.app import Site, create_app
from courtside.dashboard.read import Context
from courtside.dashboard.security import Access
from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import ConfigError
from courtside.kalshi.env import exchange_id
from courtside.store.db import make_engine
from courtside.store.journal import Journal

log = logging.getLogger("courtside.dashboard")
DEFAULT_HOST, DEFAULT_PORT = "127.0.0.1", 8050


@dataclass
class CliControls:
    """The buttons, pressed through app/control.py exactly as the CLI presses them."""

    settings: TraderSettings
    via: control.Exchange
    clock: Clock

    async def kill(self, who: str, req: v.ControlRequest) -> v.ControlResult:
        done = await control.kill(
            self.settings,
            who=who,
            reason=req.reason or "kill from the dashboard",
            via=self.via,
            clock=self.clock,
        )
        return result(done)

    async def reducing(self, who: str, req: v.ControlRequest) -> v.ControlResult:
        reason = req.reason or "reducing from the dashboard"
        done = await control.kill(self.settings, who=who, reason=reason, reducing=True, clock=self.clock)
        return result(done)

    async def resume(self, who: str, req: v.ControlRequest) -> v.ControlResult:
        return result(control.resume(self.settings, who=who, exchange=req.exchange, clock=self.clock))

    async def cancel_all(self, who: str, req: v.ControlRequest) -> v.ControlResult:
        done = await control.cancel_all(
            self.settings, who=who, exchange=req.exchange, mode=req.mode, via=self.via, clock=self.clock
        )
        return result(done)


def result(done: control.Done) -> v.ControlResult:
    cancels = [
        v.CancelResult(
            exchange=r.exchange, mode=r.mode, already_gone=r.already_gone, error=r.error, note=r.note,
            cancelled=[
                v.CancelledOrder(
                    ticker=c.ticker, client_order_id=c.client_order_id, yes_price=c.yes_price,
                    contracts=c.contracts,
                )
                for c in r.cancelled
            ],
        )
        for r in done.reports
    ]  # fmt: skip
    return v.ControlResult(
        action=done.action, state=done.state, who=done.who, at=done.at, lines=done.lines, cancels=cancels
    )


def site_for(
    settings: TraderSettings,
    *,
    host: str = DEFAULT_HOST,
    token: str | None = None,
    via: control.Exchange | None = None,
    clock: Clock | None = None,
) -> Site:
    """The dashboard of these settings: their journal, their book for /healthz, their controls."""
    clock = clock or SystemClock()
    journal = Journal(make_engine(settings.db), settings.mode, exchange=exchange_id(settings.env))
    ctx = Context(settings.kill_file, settings.model, settings.max_model_age, settings.scan_interval)
    controls = CliControls(settings, via or control.Exchange(), clock)
    return Site(journal, ctx, Access(token, host), controls, clock)


def _server(site: Site, host: str, port: int) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(site), host=host, port=port, log_level="warning", access_log=False, lifespan="off"
    )
    return uvicorn.Server(config)


def serve(site: Site, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
    """Serve until interrupted (`courtside dashboard`)."""
    log.info("dashboard on http://%s:%d/ (read from %s)", host, port, site.journal.exchange)
    _server(site, host, port).run()


def check_free(host: str, port: int) -> None:
    """A port another process listens on is one line, before uvicorn's thread tries (and exits)."""
    if port == 0:
        return
    try:
        family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn binds
            probe.bind((host, port))
    except OSError as e:
        raise ConfigError(f"the dashboard could not listen on {host}:{port}: {e.strerror or e}") from None


class Beside:
    """The dashboard in a thread beside a running trader; `start()` returns once it listens."""

    def __init__(self, site: Site, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT) -> None:
        self.server = _server(site, host, port)
        self.host = host
        self._thread = threading.Thread(target=self._run, name="dashboard", daemon=True)
        self._error: BaseException | None = None

    def _run(self) -> None:
        try:
            asyncio.run(self.server.serve())
        except Exception as e:  # reported by start() and the log; the trader goes on without a page
            self._error = e
            log.exception("dashboard stopped")

    @property
    def port(self) -> int:
        servers = self.server.servers
        if servers and servers[0].sockets:
            return int(servers[0].sockets[0].getsockname()[1])
        return int(self.server.config.port)

    def start(self, timeout: float = 10.0) -> None:
        check_free(self.host, self.server.config.port)
        self._thread.start()
        waited = 0.0
        while not self.server.started and self._thread.is_alive() and waited < timeout:
            threading.Event().wait(0.05)
            waited += 0.05
        if not self.server.started:
            raise ConfigError(
                f"the dashboard could not listen on {self.host}:{self.server.config.port}: {self._error}"
            )
        log.info("dashboard on http://%s:%d/", self.host, self.port)

    def stop(self, timeout: float = 5.0) -> None:
        self.server.should_exit = True
        self._thread.join(timeout)
