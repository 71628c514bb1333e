"""The HTTP core of the Kalshi client: signing, rate limiting, error mapping, retries, paging.

GETs are retried on 429 / 5xx / network errors with jittered exponential backoff (no
Retry-After is sent, kalshi-api.md §1.3). Writes are retried only on answers that prove they did
not execute (429, or a connection that never opened), within a count and a time budget; a write
that may have executed is never re-sent here (see writes.py). Every attempt, retries included,
first takes tokens from a client-side read or write bucket: Basic-tier sizes until the first
signed request, which reads GET /account/limits once and resizes them.

Every request is bounded (`Bounds`): its whole answer within a deadline (httpx's timeouts are per
read, so a server trickling a byte every few seconds would otherwise hold it for ever), its body
streamed and refused past a size, a GET and its retries within a time budget. Jitter comes from
the operating system's random source, so two traders never retry in lockstep.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import time
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any, Literal, Self, TypedDict, TypeVar

import httpx

from courtside.domain.errors import (
    ConfigError,
    CourtsideError,
    DataError,
    ExchangeError,
    NetworkError,
    OutcomeUnknownError,
    ParseError,
    RateLimitedError,
)
from courtside.kalshi.env import Endpoints, resolve_env
from courtside.kalshi.errors import error_for
from courtside.kalshi.parse import page_cursor, parse_account_limits
from courtside.kalshi.ratelimit import BASIC, AccountLimits, Monotonic, RateLimiter, Sleep

log = logging.getLogger(__name__)
T = TypeVar("T")
Params = Mapping[str, str | int | bool | Sequence[str] | None]  # a list: the key repeated

# Errors raised before any byte reached the server: the request certainly did not execute.
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout, httpx.UnsupportedProtocol)


def not_executed(err: ExchangeError) -> bool:
    """An answer proving the request did not execute, so a write may be sent again as it was:
    429 (refused before execution, kalshi-api.md §1.3) or a connection that never opened. A 5xx or
    a lost answer proves nothing (OutcomeUnknownError is a NetworkError, hence the exclusion)."""
    if isinstance(err, RateLimitedError):
        return True
    return isinstance(err, NetworkError) and not isinstance(err, OutcomeUnknownError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently a request is tried again (kalshi-api.md §1.3)."""

    max_attempts: int = 5
    backoff_base: float = 0.25  # seconds before the first retry, doubled each time, jittered
    backoff_cap: float = 8.0
    write_budget: float = 10.0  # seconds one write may spend on 429 retries


@dataclass(frozen=True, slots=True)
class Bounds:
    """The most one request may cost: the whole answer within `deadline` seconds, at most `max_body`
    bytes of it (decoded; the largest real answer, a page of 1,000 markets, is about 4 MB), and a GET
    with all its retries within `read_budget` seconds."""

    deadline: float = 30.0
    max_body: int = 16 * 2**20
    read_budget: float = 60.0


@dataclass(frozen=True, slots=True)
class Timing:
    """Where the client's time comes from: injected, so tests never really sleep."""

    now: Monotonic = time.monotonic
    sleep: Sleep = asyncio.sleep


class HttpOptions(TypedDict, total=False):
    """How a KalshiHttp (and the KalshiClient holding one) is made, besides its environment."""

    auth: httpx.Auth | None  # a request signer (KalshiAuth); None for public market data
    transport: httpx.AsyncBaseTransport | None  # httpx.MockTransport, ASGITransport(sim app), ...
    timeout: float  # seconds per connect / read / write
    retry: RetryPolicy | None
    pacing: Pacing
    timing: Timing | None
    rng: random.Random | None  # jitter; the OS's random source unless a test seeds it
    bounds: Bounds | None


# Pacing: "account" = Basic-tier buckets, resized from GET /account/limits before the first signed
# request; "off" = no client-side limiter; a RateLimiter = exactly those buckets, never resized.
Pacing = RateLimiter | Literal["account", "off"]


class KalshiHttp:
    """The HTTP core a KalshiClient holds: one httpx.AsyncClient, optional auth and limiter, bounded
    retries, cursor paging. `transport=` (httpx.MockTransport, ASGITransport) for tests and the
    in-process simulator."""

    def __init__(
        self,
        env: str | Endpoints = "prod",
        *,
        auth: httpx.Auth | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 10.0,
        retry: RetryPolicy | None = None,
        pacing: Pacing = "account",
        timing: Timing | None = None,
        rng: random.Random | None = None,
        bounds: Bounds | None = None,
    ) -> None:
        self.endpoints = env if isinstance(env, Endpoints) else resolve_env(env)
        self.auth = auth
        self.retry = retry or RetryPolicy()
        self.bounds = bounds or Bounds()
        self.timing = timing or Timing()
        self.limiter: RateLimiter | None = (
            None
            if pacing == "off"
            else RateLimiter(BASIC, now=self.timing.now, sleep=self.timing.sleep)
            if pacing == "account"
            else pacing
        )
        self._size_from_account = pacing == "account"
        # jitter from the OS's random source unless a test seeds it: instances never retry in lockstep
        self._rng = rng or random.SystemRandom()
        self.requests_sent = 0
        self.last_server_date: datetime | None = None
        self._http = httpx.AsyncClient(
            base_url=self.endpoints.rest_base + "/",
            transport=transport,
            timeout=timeout,
            headers={"Accept": "application/json"},
        )

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.endpoints.rest_base}, auth={'yes' if self.auth else 'no'})"

    def backoff(self, attempt: int) -> float:
        """Seconds before retry `attempt` (1-based): full-jitter exponential, capped."""
        ceiling = min(self.retry.backoff_cap, self.retry.backoff_base * 2.0 ** (attempt - 1))
        return ceiling * (0.5 + 0.5 * self._rng.random())

    async def send(
        self,
        method: str,
        path: str,
        *,
        params: Params | None = None,
        body: Any = None,
        orders: int = 1,
        deadline: float | None = None,
    ) -> Any:
        """One attempt: rate-limit, sign, send, map errors; returns the decoded JSON body, the whole of
        it within `deadline` seconds (Bounds.deadline by default).

        Raises NetworkError if the request never left, OutcomeUnknownError if it may have executed.
        """
        rel = path.lstrip("/")
        if self._size_from_account and self.auth is not None:
            await self._size_buckets()
        if self.limiter is not None:
            await self.limiter.acquire(method, "/" + rel.split("?")[0], orders=orders)
        clean = {k: _param(v) for k, v in (params or {}).items() if v is not None}
        self.requests_sent += 1
        limit = self.bounds.deadline if deadline is None else deadline
        try:
            async with asyncio.timeout(limit):
                resp, content = await self._exchange(method, rel, clean, body)
        except TimeoutError as e:
            raise _lost(method, rel, f"no full answer within {limit:g} s") from e
        self._note_date(resp)
        if resp.status_code >= 400:
            raise self._refusal(resp, content, method, rel)
        if not content:
            return {}
        try:
            return json.loads(content)
        except (ValueError, RecursionError) as e:
            raise ParseError(f"{method} /{rel}", "response body is not JSON") from e

    def _refusal(self, resp: httpx.Response, content: bytes, method: str, rel: str) -> ExchangeError:
        signed = self.endpoints.rest_path_prefix + "/" + rel.split("?")[0]
        if resp.status_code == 401:  # what was signed, to debug auth (never the key or signature)
            ts = resp.request.headers.get("KALSHI-ACCESS-TIMESTAMP")
            log.warning("401 on %s %s (signed ts=%s)", method, signed, ts)
        return error_for(resp.status_code, content, method=method, path=signed)

    async def _exchange(
        self, method: str, rel: str, params: Mapping[str, str | int | list[str]], body: Any
    ) -> tuple[httpx.Response, bytes]:
        """Send and read the answer, streamed and refused past Bounds.max_body bytes."""
        request = self._http.build_request(method, rel, params=params, json=body)
        try:
            resp = await self._http.send(request, auth=self.auth or httpx.USE_CLIENT_DEFAULT, stream=True)
        except NOT_SENT as e:
            raise NetworkError(f"{method} /{rel}: could not connect ({type(e).__name__})") from e
        except httpx.LocalProtocolError:  # our own request cannot be written; its text may hold a header
            raise ConfigError(
                f"{method} /{rel}: the request could not be sent (a header value is not valid HTTP)"
            ) from None
        except httpx.TransportError as e:
            raise _lost(method, rel, type(e).__name__) from e
        try:
            return resp, await self._read_capped(resp, method, rel)
        except httpx.TransportError as e:
            raise _lost(method, rel, type(e).__name__) from e
        finally:
            await resp.aclose()

    async def _read_capped(self, resp: httpx.Response, method: str, rel: str) -> bytes:
        limit = self.bounds.max_body
        declared = resp.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(method, rel, limit)
        chunks: list[bytes] = []
        size = 0
        async for chunk in resp.aiter_bytes():
            size += len(chunk)
            if size > limit:
                raise _too_large(method, rel, limit)
            chunks.append(chunk)
        return b"".join(chunks)

    async def _size_buckets(self) -> AccountLimits | None:
        """Once, before the first signed request: size the buckets from GET /account/limits.
        If that fails the Basic-tier buckets stay (the failure itself surfaces on the real call)."""
        self._size_from_account = False
        try:
            limits = parse_account_limits(await self.get("account/limits"))
        except (ExchangeError, ParseError) as e:
            log.warning("GET /account/limits failed (%s); pacing at Basic-tier rates", type(e).__name__)
            return None
        self.limiter = RateLimiter(limits, now=self.timing.now, sleep=self.timing.sleep)
        log.info(
            "rate limits: %s tier, read %d/s, write %d/s",
            limits.usage_tier,
            limits.read.refill_rate,
            limits.write.refill_rate,
        )
        return limits

    def _note_date(self, resp: httpx.Response) -> None:
        date = resp.headers.get("date")
        if date:
            try:
                self.last_server_date = parsedate_to_datetime(date)
            except (TypeError, ValueError):
                log.debug("unparseable Date header %r", date)

    async def get(self, path: str, params: Params | None = None) -> Any:
        """A GET, retried on 429, 5xx and network failures with jittered backoff, all of it within
        Bounds.read_budget seconds."""
        return await self._retrying(
            "GET", path, params, None, 1, lambda e: e.retryable, self.bounds.read_budget
        )

    async def write(
        self, method: str, path: str, *, params: Params | None = None, body: Any = None, orders: int = 1
    ) -> Any:
        """A write, sent again (same body, so the same client_order_id) only while the answer proves it
        did not execute: at most `retry.max_attempts` sends within `retry.write_budget` seconds. Anything
        else (a 5xx, a lost answer, a rejection) is raised at once for the caller to resolve."""
        return await self._retrying(method, path, params, body, orders, not_executed, self.retry.write_budget)

    async def _retrying(
        self,
        method: str,
        path: str,
        params: Params | None,
        body: Any,
        orders: int,
        retry: Callable[[ExchangeError], bool],
        budget: float,
    ) -> Any:
        """`send` with jittered exponential backoff while `retry(error)`; bounded by attempts and by
        `budget` seconds from the first send (each attempt pays its own tokens). A GET's attempt gets
        no longer than the budget has left; a write's gets its full deadline (cut short, it may have
        executed with its answer lost)."""
        now, started, attempt = self.timing.now, self.timing.now(), 1
        while True:
            left = budget - (now() - started)
            cut = min(self.bounds.deadline, max(left, 1.0)) if method.upper() == "GET" else None
            try:
                return await self.send(method, path, params=params, body=body, orders=orders, deadline=cut)
            except ExchangeError as e:
                if not retry(e) or attempt >= self.retry.max_attempts:
                    raise
                delay = self.backoff(attempt)
                if now() - started + delay > budget:
                    log.warning(
                        "%s %s: %s; retry budget of %.1fs spent", method, path, type(e).__name__, budget
                    )
                    raise
                level = logging.INFO if attempt == 1 else logging.WARNING  # a second retry: a storm begins
                log.log(
                    level,
                    "%s %s failed (%s); retry %d in %.2fs",
                    method,
                    path,
                    type(e).__name__,
                    attempt,
                    delay,
                )
                await self.timing.sleep(delay)
                attempt += 1

    async def pages(self, path: str, params: Params, key: str) -> AsyncIterator[list[Any]]:
        """Yield the `key` list of every page, following `cursor` until it is "" or null."""
        async for data in self.bodies(path, params):
            yield page_items(data, key, f"GET {path}")

    async def bodies(self, path: str, params: Params) -> AsyncIterator[dict[str, Any]]:
        """Yield every page's whole body (a listing that carries more than one list), following
        `cursor` until it is "" or null."""
        cursor: str | None = None
        seen: set[str] = set()
        while True:
            data = await self.get(path, {**params, "cursor": cursor})
            yield data if isinstance(data, dict) else {}
            cursor = page_cursor(data, f"GET {path}")
            if cursor is None:
                return
            if cursor in seen:
                raise DataError(f"GET {path}: cursor repeated, the listing would loop")
            seen.add(cursor)

    async def each(
        self, path: str, params: Params, key: str, parse: Callable[[Any], T], *, strict: bool = False
    ) -> AsyncIterator[T]:
        """Every parsed item of every page; an item that fails to parse is logged and skipped, or with
        `strict` raised (a listing whose every item matters, such as our own orders when one is looked
        for: one skipped could be the one sought)."""
        async for items in self.pages(path, params, key):
            for raw in items:
                try:
                    yield parse(raw)
                except ParseError as e:
                    if strict:
                        raise
                    log.warning("skipping %s from GET %s: %s", key, path, e)


def _lost(method: str, rel: str, why: str) -> NetworkError:
    """A request whose answer did not (fully) come: a GET may simply be asked again; a write may have
    executed, so its outcome is unknown until it is looked up by client_order_id."""
    if method.upper() == "GET":
        return NetworkError(f"{method} /{rel}: {why}")
    return OutcomeUnknownError(f"{method} /{rel}: sent, no answer ({why})")


def _too_large(method: str, rel: str, limit: int) -> CourtsideError:
    """An answer past the size cap is refused unread: garbage for a GET; for a write, an answer lost."""
    why = f"answer larger than {limit} bytes, refused"
    return ParseError(f"{method} /{rel}", why) if method.upper() == "GET" else _lost(method, rel, why)


def page_items(data: dict[str, Any], key: str, what: str) -> list[Any]:
    """The `key` list of one page ([] when absent)."""
    items = data.get(key)
    if items is None:
        return []
    if not isinstance(items, list):
        raise ParseError(what, f"{key!r} is not a list")
    return items


def _param(value: str | int | bool | Sequence[str]) -> str | int | list[str]:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str | int):
        return value
    return list(value)
