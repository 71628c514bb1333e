"""Fault injection and optional rate limiting for the simulated venue (kalshi-api.md §1.3, §8.10).

A fault rule answers matching requests with 429/500/503, delays them, or processes them and then
drops the connection before the response body arrives (an order whose outcome is unknown).
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any

import anyio
import httpx

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

FAULT_BODIES: dict[int, dict[str, Any]] = {
    429: {"error": "too many requests"},
    500: {"error": {"code": "internal_server_error", "message": "internal server error"}},
    503: {"error": {"code": "service_unavailable", "message": "service_unavailable"}},
}
RATE_LIMIT_BODY = FAULT_BODIES[429]


@dataclass(slots=True)
class FaultRule:
    """Applies to the next `count` requests whose METHOD + path matches `path_regex`."""

    status: int | None = None
    count: int = 1
    path_regex: str = ".*"
    method: str | None = None
    delay_ms: int = 0
    drop_after_send: bool = False

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return re.search(self.path_regex, path) is not None


class FaultInjector:
    """Pending HTTP fault rules plus WebSocket fault counters."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.rules: list[FaultRule] = []
        self.ws_drop_deltas = 0
        self.ws_delay_ms = 0
        self.ws_delay_count = 0

    def add(self, rule: FaultRule) -> None:
        if rule.status is not None and rule.status not in FAULT_BODIES:
            raise ValueError(f"fault status must be one of {sorted(FAULT_BODIES)}")
        with self._lock:
            self.rules.append(rule)

    def clear(self) -> None:
        with self._lock:
            self.rules.clear()
            self.ws_drop_deltas = self.ws_delay_ms = self.ws_delay_count = 0

    def take(self, method: str, path: str) -> FaultRule | None:
        """The first rule matching this request, consuming one of its uses."""
        with self._lock:
            for rule in self.rules:
                if rule.matches(method, path):
                    rule.count -= 1
                    if rule.count <= 0:
                        self.rules.remove(rule)
                    return rule
        return None

    def take_ws_drop(self) -> bool:
        with self._lock:
            if self.ws_drop_deltas > 0:
                self.ws_drop_deltas -= 1
                return True
            return False

    def take_ws_delay(self) -> float:
        with self._lock:
            if self.ws_delay_count > 0:
                self.ws_delay_count -= 1
                return self.ws_delay_ms / 1000
            return 0.0


class TokenBucket:
    """Kalshi's bucket: `rate` tokens/s, holding `capacity` tokens (docs: rate_limits)."""

    def __init__(self, rate: float, capacity: float, now: Callable[[], float] = time.monotonic) -> None:
        self.rate, self.capacity, self._now = rate, capacity, now
        self.tokens, self._last = capacity, now()

    def take(self, cost: float) -> bool:
        now = self._now()
        self.tokens = min(self.capacity, self.tokens + (now - self._last) * self.rate)
        self._last = now
        if self.tokens >= cost:
            self.tokens -= cost
            return True
        return False


WRITE_PATHS = re.compile(r"/portfolio/(events/)?orders")
COSTS: tuple[tuple[str, re.Pattern[str], int], ...] = (
    ("DELETE", re.compile(r"/portfolio/events/orders/(batched|[^/]+)$"), 2),
    ("GET", re.compile(r"/portfolio/orders/[^/]+$"), 2),
)


class RateLimiter:
    """Read and write buckets per API key (basic tier: 200/100 tokens/s, default cost 10)."""

    def __init__(self, read_per_s: int = 200, write_per_s: int = 100, default_cost: int = 10) -> None:
        self.read_per_s, self.write_per_s, self.default_cost = read_per_s, write_per_s, default_cost
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()

    def configure(self, read_per_s: int, write_per_s: int) -> None:
        """New budgets; every bucket starts full again."""
        with self._lock:
            self.read_per_s, self.write_per_s = read_per_s, write_per_s
            self._buckets.clear()

    def cost(self, method: str, path: str) -> int:
        for verb, pattern, cost in COSTS:
            if verb == method and pattern.search(path):
                return cost
        return self.default_cost

    def allow(self, key_id: str, method: str, path: str) -> bool:
        kind = "write" if method != "GET" and WRITE_PATHS.search(path) else "read"
        with self._lock:
            bucket = self._buckets.get((key_id, kind))
            if bucket is None:
                rate = self.read_per_s if kind == "read" else self.write_per_s
                capacity = rate * 2 if kind == "read" else rate  # basic: read 2 s, write 1 s of budget
                bucket = self._buckets[(key_id, kind)] = TokenBucket(rate, capacity)
            return bucket.take(self.cost(method, path))


class FaultMiddleware:
    """ASGI middleware applying fault rules to `/trade-api/` HTTP requests."""

    def __init__(self, app: ASGIApp, injector: FaultInjector) -> None:
        self.app, self.injector = app, injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/trade-api/"):
            await self.app(scope, receive, send)
            return
        rule = self.injector.take(scope["method"], scope["path"])
        if rule is None:
            await self.app(scope, receive, send)
            return
        if rule.delay_ms:
            await anyio.sleep(rule.delay_ms / 1000)
        if rule.status is not None:
            await _send_json(send, rule.status, FAULT_BODIES[rule.status])
            return
        if not rule.drop_after_send:
            await self.app(scope, receive, send)
            return
        await self.app(scope, receive, _dropping(send))
        # The request took effect; the caller never sees the answer (outcome unknown).
        raise httpx.RemoteProtocolError("simulated fault: connection dropped after the request was processed")


def _dropping(send: Send) -> Send:
    async def forward_start_only(message: Message) -> None:
        if message["type"] == "http.response.start":
            await send(message)

    return forward_start_only


async def _send_json(send: Send, status: int, body: dict[str, Any]) -> None:
    raw = json.dumps(body).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": raw})
