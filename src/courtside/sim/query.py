"""Query-string handling of the list endpoints: limits, filters, opaque cursors (kalshi-api.md §8.4).

Kalshi answers query-validation failures with a bare `{"msg": ...}` body; a garbage cursor is
silently page 1; the last page carries `"cursor": ""`.
"""

from __future__ import annotations

import base64
import binascii
import json
import zlib
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TypeVar

from courtside.domain.errors import ExchangeError
from courtside.domain.market import MarketStatus

T = TypeVar("T")

MARKET_STATUS_FILTER: dict[str, frozenset[MarketStatus]] = {
    "unopened": frozenset({MarketStatus.INITIALIZED}),
    "open": frozenset({MarketStatus.ACTIVE}),
    "paused": frozenset({MarketStatus.INACTIVE}),
    "closed": frozenset(
        {MarketStatus.CLOSED, MarketStatus.DETERMINED, MarketStatus.DISPUTED, MarketStatus.AMENDED}
    ),
    "settled": frozenset({MarketStatus.FINALIZED}),
}


class QueryValidationError(ExchangeError):
    """A query parameter Kalshi's validator refuses: answered with the bare `{"msg": ...}` body."""

    def __init__(self, msg: str) -> None:
        super().__init__(msg, status=400, code="bad_request")
        self.msg = msg


def _params_name(op: str) -> str:
    return f"{op}Params"


def parse_limit(params: Mapping[str, str], op: str, *, low: int, high: int, default: int) -> int:
    """`limit` within [low, high]; outside gives Kalshi's validator message with the failing tag."""
    raw = params.get("limit")
    if raw is None or raw == "":
        return default
    try:
        limit = int(raw)
    except ValueError:
        raise QueryValidationError(
            f"Parameter validation failed for {op}: invalid value {raw!r} for 'limit'"
        ) from None
    for failed, tag in ((limit > high, "lte"), (limit < low, "gte")):
        if failed:
            raise QueryValidationError(
                f"Parameter validation failed for {op}: Key: '{_params_name(op)}.Limit' "
                f"Error:Field validation for 'Limit' failed on the '{tag}' tag"
            )
    return limit


def parse_int(params: Mapping[str, str], name: str, op: str) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise QueryValidationError(
            f"Parameter validation failed for {op}: invalid value for '{name}'"
        ) from None


def parse_bool(params: Mapping[str, str], name: str) -> bool:
    return params.get(name, "").lower() in ("true", "1")


def csv(params: Mapping[str, str], name: str) -> list[str] | None:
    raw = params.get(name)
    if not raw:
        return None
    return [part.strip() for part in raw.split(",") if part.strip()]


def filter_hash(params: Mapping[str, str]) -> int:
    """A fingerprint of every parameter but the cursor and limit, so a cursor is tied to its query."""
    items = sorted((k, v) for k, v in params.items() if k not in ("cursor", "limit"))
    return zlib.crc32(json.dumps(items).encode())


def encode_cursor(offset: int, fingerprint: int) -> str:
    raw = json.dumps({"o": offset, "f": fingerprint}).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str | None, fingerprint: int) -> int:
    """The offset in a cursor of this query; anything unreadable or foreign means page 1."""
    if not cursor:
        return 0
    try:
        data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return 0
    if not isinstance(data, dict) or data.get("f") != fingerprint or not isinstance(data.get("o"), int):
        return 0
    offset: int = data["o"]
    return max(0, offset)


def paginate(items: Sequence[T], params: Mapping[str, str], limit: int) -> tuple[list[T], str]:
    """One page plus the next cursor ("" on the last page)."""
    fingerprint = filter_hash(params)
    start = decode_cursor(params.get("cursor"), fingerprint)
    if limit == 0:
        return [], ""
    page = list(items[start : start + limit])
    end = start + len(page)
    return page, (encode_cursor(end, fingerprint) if end < len(items) else "")


def in_window(when: datetime | None, low_s: int | None, high_s: int | None) -> bool:
    """Inclusive [low, high] on Unix seconds; an unknown time fails any bound."""
    if low_s is None and high_s is None:
        return True
    if when is None:
        return False
    sec = when.timestamp()
    return (low_s is None or sec >= low_s) and (high_s is None or sec <= high_s)


def check_market_ts_filters(params: Mapping[str, str], status: str | None) -> None:
    """Kalshi allows each timestamp family only with compatible status filters (docs: get-markets)."""
    families = {
        "created": ({"unopened", "open"}, ("min_created_ts", "max_created_ts")),
        "close": ({"closed"}, ("min_close_ts", "max_close_ts")),
        "settled": ({"settled"}, ("min_settled_ts", "max_settled_ts")),
    }
    used = [name for name, (_, keys) in families.items() if any(params.get(k) for k in keys)]
    if len(used) > 1:
        raise QueryValidationError(
            "Parameter validation failed for GetMarkets: timestamp filters are mutually exclusive"
        )
    if used and status is not None and status not in families[used[0]][0]:
        raise QueryValidationError(
            f"Parameter validation failed for GetMarkets: {used[0]} timestamp "
            f"filters are incompatible with status={status}"
        )
