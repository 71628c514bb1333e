"""KalshiWebSocket against a loopback server that replays Kalshi's recorded frames verbatim.

The server is not our simulator: it answers the subscribe command with the bytes Kalshi's demo
sent (recorded/ws__orderbook_trade_*.jsonl), so the client is checked against the real shapes,
including the two pricing conventions of `use_yes_price`.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from websockets.asyncio.server import ServerConnection, serve

from courtside.kalshi.ws import KalshiWebSocket

LEP = "KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP"
D = Decimal
Script = Callable[[ServerConnection, dict[str, Any]], Awaitable[None]]


def frames(recorded_dir: Path, name: str) -> list[str]:
    """The recorded text frames, verbatim (the .jsonl has blank lines between frames)."""
    lines = (recorded_dir / f"{name}.jsonl").read_text().splitlines()
    return [line for line in lines if line.strip()]


@asynccontextmanager
async def venue(script: Script) -> AsyncIterator[tuple[str, list[dict[str, Any]]]]:
    """A WS server on loopback: each client's first command goes to `script`; later commands
    are recorded in the yielded list (and handed to `script` too)."""
    commands: list[dict[str, Any]] = []

    async def handler(conn: ServerConnection) -> None:
        async for raw in conn:
            cmd = json.loads(raw)
            commands.append(cmd)
            await script(conn, cmd)

    async with serve(handler, "127.0.0.1", 0) as server:
        port = server.sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}/trade-api/v2", commands


async def until(predicate: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)


def replay(lines: list[str]) -> Script:
    """Answer `subscribe` with the recorded frames (whatever params were asked for)."""

    async def script(conn: ServerConnection, cmd: dict[str, Any]) -> None:
        if cmd["cmd"] == "subscribe":
            for line in lines:
                await conn.send(line + "\n")  # Kalshi's frames may end with a newline

    return script


async def test_default_client_reads_the_no_leg_frames_kalshi_sends_by_default(recorded_dir: Path) -> None:
    """A server that ignores `use_yes_price` quotes NO levels in NO-leg prices (the recorded
    default). The client's default must read them that way: best YES ask = 1 - 0.48 = 0.52."""
    noleg = replay(frames(recorded_dir, "ws__orderbook_trade_noleg"))
    async with venue(noleg) as (base, commands), KalshiWebSocket(base, reply_timeout=2.0) as ws:
        sids = await ws.subscribe(["orderbook_delta", "trade"], [LEP])
        await until(lambda: not ws.is_stale(LEP) and ws.book(LEP).best_yes_ask is not None)
        await until(lambda: ws.book(LEP).no_bids[0].size == D(1))  # after the last recorded delta
        book = ws.book(LEP)
    assert sids == {"orderbook_delta": 1, "trade": 2}
    assert commands[0]["params"]["use_yes_price"] is False
    assert [(lvl.price, lvl.size) for lvl in book.yes_bids] == [(D("0.47"), D(3))]
    assert [(lvl.price, lvl.size) for lvl in book.no_bids] == [(D("0.48"), D(1))]
    assert book.best_yes_ask is not None
    assert (book.best_yes_ask.price, book.best_yes_ask.size) == (D("0.52"), D(1))
    assert ws.snapshot_requests == 0


async def test_yes_price_client_reads_the_yes_price_frames(recorded_dir: Path) -> None:
    """With use_yes_price the recorded NO bid at NO-price 0.48 arrives as "0.5200"."""
    yes = replay(frames(recorded_dir, "ws__orderbook_trade_yes"))
    async with venue(yes) as (base, commands):
        ws = KalshiWebSocket(base, use_yes_price=True, reply_timeout=2.0)
        async with ws:
            await ws.subscribe(["orderbook_delta", "trade"], [LEP])
            await until(lambda: not ws.is_stale(LEP) and len(ws.book(LEP).no_bids) == 1)
            await until(lambda: ws.book(LEP).no_bids[0].size == D(2))  # -1 then +2 at 0.52
            book = ws.book(LEP)
    assert commands[0]["params"]["use_yes_price"] is True
    assert [(lvl.price, lvl.size) for lvl in book.no_bids] == [(D("0.48"), D(2))]
    assert book.best_yes_ask is not None
    assert book.best_yes_ask.price == D("0.52")


async def test_an_ok_reply_that_takes_a_seq_is_not_a_gap(recorded_dir: Path) -> None:
    """Kalshi's `ok` to update_subscription carries sid and seq ({"id":123,"sid":456,"seq":222,
    "type":"ok",...}, kalshi-api.md §3). If that seq is part of the sid's sequence, the next delta
    follows it, and the client must not take that delta for a gap."""
    lines = frames(recorded_dir, "ws__orderbook_trade_noleg")
    last_delta = json.loads(lines[-1])
    sent_ok = asyncio.Event()

    async def script(conn: ServerConnection, cmd: dict[str, Any]) -> None:
        if cmd["cmd"] == "subscribe":
            for line in lines:
                await conn.send(line)
        elif cmd["cmd"] == "update_subscription":
            seq = last_delta["seq"] + 1
            ok = {"id": cmd["id"], "sid": 1, "seq": seq, "type": "ok", "msg": {"market_tickers": [LEP]}}
            await conn.send(json.dumps(ok))
            delta = {**last_delta, "seq": seq + 1, "msg": {**last_delta["msg"], "delta_fp": "4.00"}}
            await conn.send(json.dumps(delta))
            sent_ok.set()

    async with venue(script) as (base, _), KalshiWebSocket(base, reply_timeout=2.0) as ws:
        await ws.subscribe(["orderbook_delta"], [LEP])
        await until(lambda: not ws.is_stale(LEP) and ws.book(LEP).no_bids[0].size == D(1))
        await ws.update_subscription(1, [LEP], "add_markets")
        await asyncio.wait_for(sent_ok.wait(), 2.0)
        await until(lambda: ws.book(LEP).no_bids[0].size == D(5))
        assert not ws.is_stale(LEP)
    assert ws.snapshot_requests == 0
