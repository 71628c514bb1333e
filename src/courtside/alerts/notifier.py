"""`Alerts`: the one object the trader and the dashboard call. `emit(event)` never blocks and never raises.

emit() checks the event against what was sent (de-duplication by key) and the rate limits, renders and
scrubs it, and appends it to each destination's bounded queue (full: the oldest is dropped, with a log
line). One asyncio task per destination sends from its queue, the blocking Apprise call running in a
worker thread under a timeout, with a bounded number of attempts and exponential backoff; failures
are logged and never reach the caller. A dead destination only backs up its own queue. `aclose()`
flushes within a deadline, then stops the workers.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from collections import deque
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum

from courtside.alerts.destinations import SETTING, Destination, destinations
from courtside.alerts.events import AlertEvent, Severity
from courtside.alerts.policy import Deduper, Rate, RateLimiter
from courtside.alerts.scrub import Scrubber
from courtside.domain.clock import Clock, SystemClock

log = logging.getLogger("courtside.alerts")
Sleep = Callable[[float], Awaitable[None]]


@dataclass(frozen=True)
class AlertSettings:
    """Limits of the alert pipeline; the defaults suit Telegram/Discord/Slack webhooks (~20/min)."""

    queue_size: int = 100  # per destination
    attempts: int = 3
    backoff_s: float = 1.0  # before the 2nd attempt, doubled each time
    backoff_cap_s: float = 30.0
    send_timeout_s: float = 10.0
    per_kind: Rate = field(default_factory=lambda: Rate(burst=6, per_minute=6.0))
    overall: Rate = field(default_factory=lambda: Rate(burst=20, per_minute=20.0))
    dedupe_window: timedelta = timedelta(hours=24)
    close_deadline_s: float = 5.0


class Outcome(StrEnum):
    """What emit() did with an event."""

    QUEUED = "queued"
    DUPLICATE = "duplicate"
    RATE_LIMITED = "rate limited"
    OFF = "off"  # no destination configured
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class Message:
    """A rendered, scrubbed alert."""

    kind: str
    key: str
    title: str
    body: str
    severity: Severity


@dataclass(frozen=True, slots=True)
class CloseReport:
    """What the destinations did over the life of the Alerts, from aclose()."""

    sent: int
    failed: int
    dropped: int
    unsent: int


class _Lane:
    """One destination: its bounded queue and the task that sends from it."""

    def __init__(
        self, dest: Destination, settings: AlertSettings, sleep: Sleep, pool: ThreadPoolExecutor
    ) -> None:
        self.dest = dest
        self.settings = settings
        self.sleep = sleep
        self.pool = pool
        self.queue: deque[Message] = deque()
        self.wake = asyncio.Event()
        self.idle = asyncio.Event()
        self.idle.set()
        self.task: asyncio.Task[None] | None = None
        self.busy = False
        self.sent = self.failed = self.dropped = 0

    def put(self, msg: Message) -> None:
        if len(self.queue) >= self.settings.queue_size:
            old = self.queue.popleft()
            self.dropped += 1
            log.warning(
                "alerts to %s: queue full (%d), dropped the oldest: %s",
                self.dest.name,
                len(self.queue) + 1,
                old.title,
            )
        self.queue.append(msg)
        self.idle.clear()
        self.wake.set()

    async def run(self) -> None:
        while True:
            if not self.queue:
                self.idle.set()
                self.wake.clear()
                await self.wake.wait()
                continue
            msg = self.queue.popleft()
            self.busy = True
            try:
                await self._deliver(msg)
            finally:
                self.busy = False

    async def _attempt(self, msg: Message) -> str | None:
        loop = asyncio.get_running_loop()
        timeout = self.settings.send_timeout_s
        call = loop.run_in_executor(self.pool, self.dest.send, msg.title, msg.body, msg.severity, timeout)
        try:
            return await asyncio.wait_for(call, timeout + 1.0)
        except TimeoutError:
            return f"no answer within {timeout:g} s"
        except (OSError, RuntimeError, ValueError) as e:
            return f"{type(e).__name__}: {e}"

    async def _deliver(self, msg: Message) -> None:
        attempts = self.settings.attempts
        for attempt in range(1, attempts + 1):
            reason = await self._attempt(msg)
            if reason is None:
                self.sent += 1
                log.debug("alert %s sent to %s", msg.kind, self.dest.name)
                return
            log.warning(
                "alert %s to %s failed (attempt %d of %d): %s",
                msg.kind,
                self.dest.name,
                attempt,
                attempts,
                reason,
            )
            if attempt < attempts:
                await self.sleep(
                    min(self.settings.backoff_s * 2 ** (attempt - 1), self.settings.backoff_cap_s)
                )
        self.failed += 1
        log.error(
            "alert %s to %s given up after %d attempts: %s", msg.kind, self.dest.name, attempts, msg.title
        )

    @property
    def unsent(self) -> int:
        return len(self.queue) + (1 if self.busy else 0)


def render(event: AlertEvent, scrub: Scrubber, suppressed: int = 0) -> Message:
    """Title and 'label: value' lines, scrubbed; a count of the kind's rate-limited alerts if any."""
    lines = [f"{label}: {value}" for label, value in event.fields()]
    if suppressed:
        lines.append(f"rate-limited since the last {event.kind} alert: {suppressed}")
    lines.append(f"alert: {event.kind}")
    return Message(
        event.kind, event.key, scrub(f"courtside: {event.title()}"), scrub("\n".join(lines)), event.severity
    )


class Alerts:
    """The alert pipeline. Build with `from_urls` / `from_env`; `emit(event)` from the trader's loop (or any
    thread); `await aclose()` at shutdown. With no destination configured, emit() is a cheap no-op."""

    def __init__(
        self,
        dests: Sequence[Destination],
        *,
        clock: Clock | None = None,
        settings: AlertSettings | None = None,
        scrub: Scrubber | None = None,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.clock = clock or SystemClock()
        self.settings = settings or AlertSettings()
        self.scrub = scrub or Scrubber()
        self._dedupe = Deduper(self.clock, self.settings.dedupe_window)
        self._limits = RateLimiter(self.clock, self.settings.per_kind, self.settings.overall)
        self._suppressed: dict[str, int] = {}
        self._lock = threading.Lock()
        self._pool = ThreadPoolExecutor(max_workers=max(len(dests), 1), thread_name_prefix="alerts")
        self._lanes = [_Lane(d, self.settings, sleep, self._pool) for d in dests]
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closed = False

    @classmethod
    def from_urls(
        cls,
        urls: str,
        *,
        clock: Clock | None = None,
        settings: AlertSettings | None = None,
        known_secrets: Iterable[str] = (),
        sleep: Sleep = asyncio.sleep,
    ) -> Alerts:
        """From the COURTSIDE_ALERTS text (URLs separated by spaces); ConfigError names a bad entry.
        `known_secrets` (e.g. the API key id) are scrubbed wherever they appear."""
        scrub = Scrubber(known_secrets)
        return cls(destinations(urls, scrub), clock=clock, settings=settings, scrub=scrub, sleep=sleep)

    @classmethod
    def from_env(
        cls,
        environ: Mapping[str, str] | None = None,
        *,
        clock: Clock | None = None,
        settings: AlertSettings | None = None,
        known_secrets: Iterable[str] = (),
    ) -> Alerts:
        """From $COURTSIDE_ALERTS (empty or unset: alerts off)."""
        env = os.environ if environ is None else environ
        urls = env.get(SETTING, "")
        return cls.from_urls(urls, clock=clock, settings=settings, known_secrets=known_secrets)

    @property
    def enabled(self) -> bool:
        return bool(self._lanes)

    @property
    def destinations(self) -> tuple[str, ...]:
        """The destinations as they may be shown: tokens masked."""
        return tuple(lane.dest.name for lane in self._lanes)

    def start(self) -> None:
        """Start one sender task per destination on the running loop (emit() does it on first use)."""
        if self._loop is not None or not self._lanes:
            return
        self._loop = asyncio.get_running_loop()
        for lane in self._lanes:
            lane.task = self._loop.create_task(lane.run(), name=f"alerts:{lane.dest.name}")
            if lane.queue:
                lane.wake.set()

    def emit(self, event: AlertEvent) -> Outcome:
        """Queue the event for every destination unless it is a repeat or over its rate; returns at once."""
        if not self._lanes:
            return Outcome.OFF
        if self._closed:
            log.warning("alert %s after close: not sent", event.kind)
            return Outcome.CLOSED
        with self._lock:
            outcome, msg = self._admit(event)
        if msg is not None:
            self._dispatch(msg)
        return outcome

    def _admit(self, event: AlertEvent) -> tuple[Outcome, Message | None]:
        key = event.key
        if self._dedupe.seen(key):
            log.debug("alert %s suppressed: already sent (%s)", event.kind, key)
            return Outcome.DUPLICATE, None
        if not self._limits.allow(event.kind, event.critical):
            count = self._suppressed.get(event.kind, 0) + 1
            self._suppressed[event.kind] = count
            log.info("alert %s rate-limited (%d held back since the last one sent)", event.kind, count)
            return Outcome.RATE_LIMITED, None
        self._dedupe.remember(key)
        return Outcome.QUEUED, render(event, self.scrub, self._suppressed.pop(event.kind, 0))

    def _dispatch(self, msg: Message) -> None:
        try:
            running: asyncio.AbstractEventLoop | None = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if self._loop is None and running is not None:
            self.start()
        if self._loop is not None and running is not self._loop:
            self._loop.call_soon_threadsafe(self._fan_out, msg)
        else:
            self._fan_out(msg)

    def _fan_out(self, msg: Message) -> None:
        for lane in self._lanes:
            lane.put(msg)

    async def aclose(self, deadline_s: float | None = None) -> CloseReport:
        """Stop taking alerts, send what is queued within the deadline, then stop the senders."""
        self._closed = True
        deadline = self.settings.close_deadline_s if deadline_s is None else deadline_s
        if self._lanes and self._loop is None and any(lane.queue for lane in self._lanes):
            self.start()
        waits = [lane.idle.wait() for lane in self._lanes if lane.task is not None]
        try:
            await asyncio.wait_for(asyncio.gather(*waits), deadline)
        except TimeoutError:
            log.warning(
                "alerts: %d not sent by the %g s close deadline",
                sum(lane.unsent for lane in self._lanes),
                deadline,
            )
        report = CloseReport(
            sent=sum(lane.sent for lane in self._lanes),
            failed=sum(lane.failed for lane in self._lanes),
            dropped=sum(lane.dropped for lane in self._lanes),
            unsent=sum(lane.unsent for lane in self._lanes),
        )
        await self._stop()
        return report

    async def _stop(self) -> None:
        tasks = [lane.task for lane in self._lanes if lane.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._pool.shutdown(wait=False, cancel_futures=True)

    async def __aenter__(self) -> Alerts:
        if self._lanes:
            self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
