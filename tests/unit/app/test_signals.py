"""SIGINT and SIGTERM stop the work at once (issue 13, item 4), even work that swallows a cancellation
as Python 3.11's asyncio.wait_for can; the handlers are gone afterwards. Real signals, sent to this
process while the work runs."""

from __future__ import annotations

import asyncio
import os
import signal

import pytest

from courtside.app.signals import Stopped, until_signalled


def _signal_soon(sig: signal.Signals) -> None:
    asyncio.get_running_loop().call_later(0.05, os.kill, os.getpid(), sig)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
async def test_a_signal_stops_a_long_wait_at_once(sig: signal.Signals) -> None:
    cleaned: list[bool] = []

    async def waiting() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            cleaned.append(True)

    _signal_soon(sig)
    async with asyncio.timeout(30):  # a hang guard: the wait is an hour
        with pytest.raises(Stopped) as e:
            await until_signalled(waiting())
    assert e.value.signal == sig.name
    assert cleaned == [True]  # the work's own cleanup ran


async def test_work_that_swallows_the_first_cancellation_is_stopped_all_the_same() -> None:
    swallowed: list[bool] = []

    async def stubborn() -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            swallowed.append(True)  # as wait_for loses a cancel that races its inner future
        await asyncio.sleep(3600)

    _signal_soon(signal.SIGTERM)
    async with asyncio.timeout(30):
        with pytest.raises(Stopped):
            await until_signalled(stubborn(), repeat=0.05)
    assert swallowed == [True]


async def test_work_that_ends_returns_its_result_and_leaves_no_handler_behind() -> None:
    async def quick() -> int:
        return 7

    assert await until_signalled(quick()) == 7
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


async def test_an_error_of_the_work_is_its_own_when_no_signal_came() -> None:
    async def failing() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await until_signalled(failing())
