"""What every HTTP/WS handler of the simulator shares, and the error -> Kalshi body mapping."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from courtside.domain.errors import AuthenticationError, ExchangeError, PermissionDeniedError
from courtside.sim.auth import KeyEntry, verify_request
from courtside.sim.exchange import SimExchange
from courtside.sim.faults import RATE_LIMIT_BODY, FaultInjector, RateLimiter
from courtside.sim.query import QueryValidationError

Handler = Callable[[Request], Awaitable[Response]]


def wall_ms() -> int:
    return time.time_ns() // 1_000_000


@dataclass
class SimContext:
    """The exchange plus the HTTP-only machinery around it."""

    exchange: SimExchange
    faults: FaultInjector = field(default_factory=FaultInjector)
    limiter: RateLimiter = field(default_factory=RateLimiter)
    auth_now_ms: Callable[[], int] = wall_ms  # signatures are checked against wall time, not the sim clock
    hub: Any = None  # ws.WsHub, set by create_app


class RateLimitedSignal(Exception):
    """Internal: the request ran out of tokens (answered with Kalshi's bare 429 body)."""


def error_body(error: ExchangeError) -> dict[str, Any]:
    """Kalshi's nested error shape `{"error": {code, message, details?}}`."""
    inner: dict[str, Any] = {"code": error.code or "internal_error", "message": error.args[0]}
    if error.details:
        inner["details"] = error.details
    return {"error": inner}


def error_response(error: ExchangeError) -> JSONResponse:
    if isinstance(error, QueryValidationError):
        return JSONResponse({"msg": error.msg}, status_code=400)
    return JSONResponse(error_body(error), status_code=error.status or 500)


def flat_error(details: str) -> JSONResponse:
    """The flat body Kalshi's JSON decoder gives (recorded/orders__numeric_field_types.json)."""
    return JSONResponse(
        {"code": "bad_request", "message": "bad request", "details": details}, status_code=400
    )


def authenticate(ctx: SimContext, request: Request, scope: str) -> KeyEntry:
    """Verify the signature over the raw path, the scope and (when enabled) the rate limit."""
    ex = ctx.exchange
    entry = verify_request(
        request.headers,
        request.method,
        request.url.path,
        ex.keys,
        ctx.auth_now_ms(),
        ex.config.ts_past_tolerance_ms,
        ex.config.ts_future_tolerance_ms,
    )
    if not entry.allows(scope):
        raise PermissionDeniedError(
            "forbidden", status=403, code="forbidden", details=f"missing scope {scope}"
        )
    if ex.config.rate_limit_enabled and not ctx.limiter.allow(entry.key_id, request.method, request.url.path):
        raise RateLimitedSignal
    return entry


def guarded(fn: Callable[[Request], Awaitable[Response]]) -> Handler:
    """Turn domain errors raised by a handler into Kalshi-shaped error responses."""

    async def run(request: Request) -> Response:
        try:
            return await fn(request)
        except RateLimitedSignal:
            return JSONResponse(RATE_LIMIT_BODY, status_code=429)
        except AuthenticationError as e:
            return error_response(e)
        except ExchangeError as e:
            return error_response(e)

    return run


def ctx_of(request: Request) -> SimContext:
    ctx: SimContext = request.app.state.sim
    return ctx
