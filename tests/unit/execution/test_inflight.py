"""An order write in flight finishes when the trader is stopped mid-way, and the stop goes on right
after the caller records its answer (issue 12, item 4)."""

from __future__ import annotations

import asyncio

import pytest

from courtside.execution.inflight import uninterrupted


async def test_a_cancelled_caller_still_gets_the_write_answer_then_stops() -> None:
    recorded: list[str] = []
    reached_write = asyncio.Event()

    async def write() -> str:
        reached_write.set()
        await asyncio.sleep(0.2)  # the exchange takes its time to answer
        return "order-1"

    async def place() -> None:
        answer = await uninterrupted(write())
        recorded.append(answer)  # journalled before the stop takes effect
        await asyncio.sleep(3600)  # the next await: the stop is delivered here
        recorded.append("went on")

    task = asyncio.create_task(place())
    await reached_write.wait()
    task.cancel()
    await asyncio.sleep(0.05)
    task.cancel()  # a second nudge while the write is still in flight
    with pytest.raises(asyncio.CancelledError):
        await task
    assert recorded == ["order-1"]


async def test_without_a_stop_it_is_a_plain_await() -> None:
    async def write() -> int:
        return 7

    assert await uninterrupted(write()) == 7


async def test_an_error_of_the_write_is_the_callers() -> None:
    async def write() -> None:
        raise ValueError("rejected")

    with pytest.raises(ValueError, match="rejected"):
        await uninterrupted(write())
