"""Bounded everything at the HTTP edge (issue 13, item 4): a whole answer within a deadline even from a
server that trickles a byte at a time, bodies streamed and refused past a size, a GET and its retries
within a budget, an unencodable header a ConfigError (not a network error retried), jitter that differs
between two clients. The slow server is a real one on loopback, so httpx's own per-read timeouts are
what the deadline has to beat."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from courtside.domain.errors import (
    ConfigError,
    ExchangeUnavailableError,
    NetworkError,
    OutcomeUnknownError,
    ParseError,
)
from courtside.kalshi.http import Bounds, KalshiHttp, RetryPolicy, Timing
from courtside.kalshi.ws import KalshiWebSocket
from fakes import FakeTime

MIB = 2**20
BASE = "http://x.test/trade-api/v2"


@asynccontextmanager
async def trickling_server(declared: int = 100_000) -> AsyncIterator[str]:
    """An HTTP server that answers headers at once, then one byte of body every 50 ms."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await reader.readuntil(b"\r\n\r\n")
            head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {declared}\r\n\r\n"
            writer.write(head.encode())
            while True:
                writer.write(b" ")
                await writer.drain()
                await asyncio.sleep(0.05)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}/trade-api/v2"
    finally:
        server.close()


def _client(base: str, **kw: Any) -> KalshiHttp:
    kw.setdefault("retry", RetryPolicy(max_attempts=1))
    return KalshiHttp(base, pacing="off", **kw)


async def test_a_server_trickling_bytes_cannot_hold_a_get_past_its_deadline() -> None:
    async with trickling_server() as base:
        http = _client(base, timeout=5.0, bounds=Bounds(deadline=0.3))
        async with asyncio.timeout(30):  # a hang guard only: without the deadline this takes 83 minutes
            with pytest.raises(NetworkError, match=r"GET /exchange/status: no full answer within 0.3 s"):
                await http.get("exchange/status")
        await http.aclose()


async def test_a_write_cut_off_by_its_deadline_has_an_unknown_outcome() -> None:
    async with trickling_server() as base:
        http = _client(base, timeout=5.0, bounds=Bounds(deadline=0.3))
        async with asyncio.timeout(30):
            with pytest.raises(OutcomeUnknownError, match="sent, no answer"):
                await http.write("POST", "portfolio/events/orders", body={"ticker": "T"})
        await http.aclose()


class _Huge(httpx.AsyncByteStream):
    """A body of `chunks` MiB, made only as it is read; counts what was read."""

    def __init__(self, chunks: int) -> None:
        self.chunks = chunks
        self.served = 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for _ in range(self.chunks):
            self.served += 1
            yield b" " * MIB


def _serving(stream: _Huge, headers: dict[str, str] | None = None) -> httpx.MockTransport:
    return httpx.MockTransport(lambda request: httpx.Response(200, headers=headers, stream=stream))


async def test_a_200_mb_answer_is_refused_after_the_cap_not_read_whole() -> None:
    body = _Huge(200)
    http = _client(BASE, transport=_serving(body), bounds=Bounds(max_body=4 * MIB))
    with pytest.raises(ParseError, match=f"answer larger than {4 * MIB} bytes, refused"):
        await http.get("markets")
    assert body.served <= 5  # read up to the cap, never the 200 MB
    await http.aclose()


async def test_a_declared_length_past_the_cap_is_refused_before_reading() -> None:
    body = _Huge(200)
    headers = {"content-length": str(200 * MIB)}
    http = _client(BASE, transport=_serving(body, headers), bounds=Bounds(max_body=MIB))
    with pytest.raises(ParseError, match="answer larger than"):
        await http.get("markets")
    assert body.served == 0
    await http.aclose()


async def test_an_oversized_answer_to_a_write_is_an_outcome_unknown() -> None:
    http = _client(BASE, transport=_serving(_Huge(8)), bounds=Bounds(max_body=MIB))
    with pytest.raises(OutcomeUnknownError, match="answer larger than"):
        await http.write("POST", "portfolio/events/orders", body={})
    await http.aclose()


async def test_json_nested_past_the_recursion_limit_is_a_parse_error() -> None:
    deep = b"[" * 100_000 + b"]" * 100_000
    http = _client(BASE, transport=httpx.MockTransport(lambda r: httpx.Response(200, content=deep)))
    with pytest.raises(ParseError, match="not JSON"):
        await http.get("markets")
    await http.aclose()


async def test_a_get_and_all_its_retries_fit_in_the_read_budget() -> None:
    sent: list[str] = []

    def down(request: httpx.Request) -> httpx.Response:
        sent.append(request.url.path)
        return httpx.Response(503, json={"error": {"code": "service_unavailable", "message": "down"}})

    clock = FakeTime()
    http = KalshiHttp(
        "http://x.test/trade-api/v2",
        transport=httpx.MockTransport(down),
        pacing="off",
        retry=RetryPolicy(max_attempts=1000, backoff_base=1.0, backoff_cap=8.0),
        timing=Timing(now=clock.now, sleep=clock.sleep),
        bounds=Bounds(read_budget=30.0),
    )
    with pytest.raises(ExchangeUnavailableError):
        await http.get("exchange/status")
    assert clock.t <= 30.0
    assert 3 <= len(sent) < 1000
    await http.aclose()


async def test_an_unencodable_header_is_a_config_error_sent_once_not_a_network_error_retried() -> None:
    class BadHeader(httpx.Auth):
        def auth_flow(self, request: httpx.Request) -> Iterator[httpx.Request]:
            request.headers["KALSHI-ACCESS-KEY"] = "abc\ndef"
            yield request

    async with trickling_server() as base:
        http = KalshiHttp(base, pacing="off", auth=BadHeader(), retry=RetryPolicy(max_attempts=5))
        http._size_from_account = False  # straight to the request under test
        with pytest.raises(ConfigError, match="a header value is not valid HTTP") as e:
            await http.get("portfolio/balance")
        assert "abc" not in str(e.value)
        assert http.requests_sent == 1
        await http.aclose()


def test_two_clients_never_retry_on_the_same_schedule() -> None:
    """Jitter from the operating system's random source: two traders started together (or a seed of 0,
    as the WebSocket client once had) would otherwise hammer a recovering exchange in lockstep."""
    first, second = KalshiHttp("prod"), KalshiHttp("prod")
    assert [first.backoff(n) for n in range(1, 6)] != [second.backoff(n) for n in range(1, 6)]
    ws_a, ws_b = KalshiWebSocket("prod"), KalshiWebSocket("prod")
    assert [ws_a._rng.random() for _ in range(5)] != [ws_b._rng.random() for _ in range(5)]
