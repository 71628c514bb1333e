"""The operator's side of a running trader: its run and health in the journal (app/health.py), the alert
feed (app/alert_feed.py) polled after every scan and every second, the dashboard beside it (`trade
--dashboard`), and on the way out the reason it stopped, the resting orders cancelled if asked
(`--cancel-on-exit`, as `courtside cancel-all`) and the alerts flushed. None of it can stop or slow
trading: each part logs its own failures."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from courtside import __version__
from courtside.alerts.notifier import Alerts
from courtside.app import control
from courtside.app.alert_feed import AlertFeed, FeedLimits
from courtside.app.freshness import freshness
from courtside.app.health import RunHealth
from courtside.app.settings import TraderSettings
from courtside.app.trader import AutoTrader
from courtside.domain.clock import Clock
from courtside.domain.errors import CourtsideError
from courtside.store.operator import OperatorLog, RunStart

log = logging.getLogger("courtside.trader")
POLL_S = 1.0  # the alert feed reads the journal this often between scans


def results_through(settings: TraderSettings, clock: Clock) -> date | None:
    return freshness(settings.model, clock.now().date()).results_through


@dataclass
class Operator:
    """Built by wiring.build; `start()` before the first scan, `scanned()` after each, `stop()` last."""

    settings: TraderSettings
    trader: AutoTrader
    alerts: Alerts
    clock: Clock
    model_version: str
    via: control.Exchange

    def __post_init__(self) -> None:
        ops = OperatorLog(self.trader.journal)
        self.health = RunHealth(ops, self.clock)
        s = self.settings
        limits = FeedLimits(s.kill_file, s.max_model_age, s.daily_loss_limit)
        self.feed = AlertFeed(self.trader.journal, self.alerts, self.clock, limits)
        self._poller: asyncio.Task[None] | None = None

    async def start(self) -> None:
        s = self.settings
        self.health.start(
            RunStart(
                __version__, s.stream, s.scan_interval, self.model_version, results_through(s, self.clock),
                s.max_model_age,
            )
        )  # fmt: skip
        self.feed.run_id = self.health.run_id
        self._guard(self.feed.prime)
        if self.alerts.enabled:
            self.alerts.start()
            log.info("alerts to %s", ", ".join(self.alerts.destinations))
        self._poller = asyncio.create_task(self._poll(), name="alert-feed")

    def scanned(self, failure: str | None) -> None:
        """After each scan (the loop's and --stream's): the run's health, then the alerts it brought."""
        self.health.scanned(failure, self.trader.exchange_status)
        self._guard(self.feed.poll)

    def websocket(self, state: str, books: int, reconnects: int, last_message_at: datetime | None) -> None:
        """--stream: the WebSocket as the last scan found it."""
        self.health.websocket(state, books, reconnects, last_message_at)

    def model_changed(self, version: str) -> None:
        """After a model update: its version and the date its results now reach (the dashboard, the
        stale-model alert)."""
        self.model_version = version
        self.health.model(version, results_through(self.settings, self.clock))

    async def _poll(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            self._guard(self.feed.poll)

    @staticmethod
    def _guard(call: Callable[[], object]) -> None:
        try:
            call()
        except Exception:  # the operator's side must never end the trader
            log.exception("alert feed failed (trading goes on)")

    async def stop(self, reason: str) -> None:
        """Record why the trader stops, cancel its resting orders if asked, flush the alerts."""
        if self._poller is not None:
            self._poller.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._poller
        if self.settings.cancel_on_exit:
            await self._cancel_on_exit()
        self.health.stopped(reason)
        self._guard(self.feed.poll)
        report = await self.alerts.aclose()
        if self.alerts.enabled:
            log.info(
                "alerts: %d sent, %d failed, %d dropped, %d unsent at exit",
                report.sent, report.failed, report.dropped, report.unsent,
            )  # fmt: skip

    async def _cancel_on_exit(self) -> None:
        s = self.settings
        try:
            done = await control.cancel_all(
                s, who="the trader on exit (--cancel-on-exit)", mode=s.mode, via=self.via, clock=self.clock
            )
        except CourtsideError as e:
            log.error("--cancel-on-exit: could not cancel the resting orders: %s", e)
            return
        for line in done.lines:
            log.warning("--cancel-on-exit: %s", line)
