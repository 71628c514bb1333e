from __future__ import annotations

import asyncio
import contextlib

from courtside.kalshi.ws import KalshiWebSocket
from courtside.kalshi.ws_events import BookUpdated, Disconnected


async def test_event_stream_survives_timeouts_and_ends_after_close() -> None:
    ws = KalshiWebSocket("http://127.0.0.1:9/trade-api/v2")
    events = ws.events()
    for _ in range(3):  # a trader loop polling with a timeout must not lose the stream
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(anext(events), 0.01)
    ws._emit(BookUpdated("T", 2, snapshot=False))
    assert await asyncio.wait_for(anext(events), 1.0) == BookUpdated("T", 2, snapshot=False)
    await ws.close()
    assert isinstance(await anext(events), Disconnected)
    assert [e async for e in events] == []


def test_unknown_book_is_stale() -> None:
    ws = KalshiWebSocket("demo")
    assert ws.is_stale("KXATPMATCH-26SEP09ZVEVAN-ZVE")
