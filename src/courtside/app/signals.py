"""SIGINT and SIGTERM stop the trader at once, whatever it is doing: a scan's request, an order, the
wait between scans or for a WebSocket frame.

The running work is one task; a signal cancels it. A cancellation can be swallowed on the way (in
Python 3.11 `asyncio.wait_for` loses one that arrives as its inner future completes; a cleanup that
suppresses CancelledError loses one too), so the task is cancelled again every `repeat` seconds until it
ends. An order write already sent is finished and its answer journalled before the cancellation goes on
(execution/inflight.py); and were an order cut off all the same, the intent is journalled before it is
sent and resolved by its client_order_id on the next start. A second signal leaves at once
(KeyboardInterrupt).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Awaitable, Iterator
from typing import TypeVar

log = logging.getLogger("courtside.trader")
T = TypeVar("T")
SIGNALS = (signal.SIGINT, signal.SIGTERM)


class Stopped(Exception):
    """The work was stopped by a signal (its name in `signal`)."""

    def __init__(self, name: str) -> None:
        super().__init__(f"stopped by {name}")
        self.signal = name


class _Stopper:
    def __init__(self, task: asyncio.Task[T], repeat: float) -> None:
        self.task = task
        self.repeat = repeat
        self.signal: str | None = None
        self._nudger: asyncio.Task[None] | None = None

    def on_signal(self, sig: signal.Signals) -> None:
        if self.signal is not None:
            log.warning("%s again: leaving now", sig.name)
            raise KeyboardInterrupt
        self.signal = sig.name
        log.warning("%s received: stopping", sig.name)
        self.task.cancel()
        self._nudger = asyncio.get_running_loop().create_task(self._nudge())

    async def _nudge(self) -> None:
        """Cancel again while the task runs on: a swallowed cancellation must not keep it going."""
        while not self.task.done():
            await asyncio.sleep(self.repeat)
            if not self.task.done():
                self.task.cancel()

    def close(self) -> None:
        if self._nudger is not None:
            self._nudger.cancel()


@contextlib.contextmanager
def _handlers(stopper: _Stopper) -> Iterator[None]:
    """Install the handlers on the running loop (main thread only; elsewhere signals are not ours)."""
    loop = asyncio.get_running_loop()
    installed: list[signal.Signals] = []
    try:
        for sig in SIGNALS:
            try:
                loop.add_signal_handler(sig, stopper.on_signal, sig)
            except (RuntimeError, ValueError, NotImplementedError):  # not the main thread, or no support
                continue
            installed.append(sig)
        yield
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
        stopper.close()


async def until_signalled(work: Awaitable[T], *, repeat: float = 0.5) -> T:
    """Run `work` to its end; SIGINT or SIGTERM cancel it at once and raise Stopped (chained to what
    the cancellation interrupted, if that raised instead)."""
    task: asyncio.Task[T] = asyncio.ensure_future(work)
    stopper = _Stopper(task, repeat)
    with _handlers(stopper):
        try:
            result = await asyncio.shield(task)
        except asyncio.CancelledError:
            if stopper.signal is None:  # cancelled from outside: pass it on
                task.cancel()
                raise
            await asyncio.wait({task})  # its cleanup, the stopper cancelling it again if need be
            raise Stopped(stopper.signal) from None
        except Exception as e:
            if stopper.signal is None:
                raise
            raise Stopped(stopper.signal) from e
        if stopper.signal is not None:
            raise Stopped(stopper.signal)
        return result
