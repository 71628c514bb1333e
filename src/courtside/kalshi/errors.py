"""Kalshi error bodies and status codes -> the exception tree of domain/errors.py.

Four body shapes occur (kalshi-api.md §1.4): nested {"error":{code,message,details}},
flat {code,message,details}, bare {"msg"}, and 429's {"error":"too many requests"}.
Codes can embed ids, so they are matched by prefix.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from courtside.domain.errors import (
    AuthenticationError,
    DuplicateOrderError,
    ExchangeError,
    ExchangeUnavailableError,
    InsufficientBalanceError,
    NotFoundError,
    OrderRejectedError,
    PermissionDeniedError,
    RateLimitedError,
)

INSUFFICIENT_PREFIXES = ("insufficient_balance", "available_balance_too_low")

AUTH_HINTS = {
    "INCORRECT_API_KEY_SIGNATURE": "signature rejected: wrong private key for this key id, or a signing bug",
    "NOT_FOUND": "unknown API key id (demo and prod keys are separate)",
    "header_timestamp_expired": "timestamp outside Kalshi's window: sync the clock (NTP)",
    "signature_is_missing_from_headers": "the signature header was not sent",
}


@dataclass(frozen=True, slots=True)
class ErrorBody:
    """The normalised content of any Kalshi error body."""

    code: str | None
    message: str
    details: str | None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def parse_error_body(raw: bytes | str) -> ErrorBody:
    """Read any of the four shapes; an unreadable body becomes its (truncated) text."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError:
        return ErrorBody(None, text[:200] or "empty body", None)
    if not isinstance(data, dict):
        return ErrorBody(None, text[:200], None)
    inner = data.get("error")
    if isinstance(inner, dict):
        data = inner
    elif isinstance(inner, str):
        return ErrorBody(None, inner, None)
    if "code" in data or "message" in data:
        return ErrorBody(
            _text(data.get("code")), str(data.get("message") or data.get("code")), _text(data.get("details"))
        )
    if "msg" in data:
        return ErrorBody(None, str(data["msg"]), None)
    return ErrorBody(None, text[:200], None)


def auth_hint(body: ErrorBody) -> str | None:
    """What a 401 most likely means, for logs and `courtside doctor`."""
    for key in (body.details, body.code):
        if key and key in AUTH_HINTS:
            return AUTH_HINTS[key]
    return None


def error_for(status: int, raw: bytes | str, *, method: str, path: str) -> ExchangeError:
    """The exception for one failed response; `path` excludes the query (no secrets in messages)."""
    body = parse_error_body(raw)
    where = f"{method.upper()} {path}"
    kw: dict[str, Any] = {"status": status, "code": body.code, "details": body.details}
    code = body.code or ""
    if status == 401:
        hint = auth_hint(body)
        return AuthenticationError(f"{where}: {hint or body.message}", **kw)
    if status == 403:
        return PermissionDeniedError(f"{where}: the API key lacks this scope ({body.message})", **kw)
    if status == 404:
        return NotFoundError(f"{where}: {body.message}", **kw)
    if status == 409:
        return DuplicateOrderError(f"{where}: {body.message}", **kw)
    if status == 429:
        return RateLimitedError(f"{where}: {body.message}", **kw)
    if status >= 500:
        return ExchangeUnavailableError(f"{where}: {body.message}", **kw)
    if code.startswith(INSUFFICIENT_PREFIXES):
        return InsufficientBalanceError(f"{where}: {body.message}", **kw)
    if status == 400 or status == 422:
        return OrderRejectedError(f"{where}: {body.message}", **kw)
    return ExchangeError(f"{where}: unexpected {status}: {body.message}", **kw)
