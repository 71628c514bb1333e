"""Deterministic client_order_id: the same decision always gets the same id, so a retry or a restart
can never place a second order (Kalshi keeps ids per account forever; kalshi-api.md §0.8, §2.10)."""

from __future__ import annotations

import hashlib
import re
from datetime import date

MAX_LEN = 64
PREFIX = "cs-"  # every client_order_id the bot makes starts so: how `kill` tells the bot's orders
VALID = re.compile(r"^[-\w:+=/]{1,64}$", re.ASCII)


def client_order_id(event_ticker: str, route: str, day: date, attempt: int = 0) -> str:
    """'cs-<event>-<route>-<yymmdd>[-r<n>]'; hashed when longer than 64 characters."""
    base = f"{PREFIX}{event_ticker}-{route}-{day:%y%m%d}"
    coid = base if attempt == 0 else f"{base}-r{attempt}"
    coid = re.sub(r"[^-\w:+=/]", "_", coid, flags=re.ASCII)
    if len(coid) > MAX_LEN:
        digest = hashlib.sha256(coid.encode()).hexdigest()[:40]
        coid = f"{PREFIX}{digest}-{day:%y%m%d}-r{attempt}"
    assert VALID.match(coid), coid
    return coid


def is_ours(client_order_id: str | None) -> bool:
    """Whether an order on the exchange was placed by the bot (by its client_order_id)."""
    return client_order_id is not None and client_order_id.startswith(PREFIX)
