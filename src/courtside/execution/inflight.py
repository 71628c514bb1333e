"""An order write in flight is finished before a stop takes effect (SIGTERM, Ctrl-C): the exchange may
already hold the order, so its answer is awaited and journalled, then the stop goes on. The wait is
bounded by the HTTP client's own deadline; a second signal still leaves at once (app/run.py)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def uninterrupted(write: Awaitable[T]) -> T:
    """Await `write` to its end even if this task is cancelled meanwhile (once or many times); the
    cancellation is then delivered again, at the caller's next await, after it has recorded the answer."""
    task = asyncio.ensure_future(write)
    cancelled = False
    while True:
        try:
            result = await asyncio.shield(task)
            break
        except asyncio.CancelledError:
            if task.cancelled():  # the write itself was cancelled (not by us): nothing to finish
                raise
            cancelled = True
    current = asyncio.current_task()
    if cancelled and current is not None:
        current.cancel()  # the stop goes on at the next await
    return result
