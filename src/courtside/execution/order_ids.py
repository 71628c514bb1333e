"""Deterministic client_order_id: the same decision always gets the same id, so a retry or a restart
can never place a second order (Kalshi keeps ids per account forever; kalshi-api.md §0.8, §2.10)."""

from __future__ import annotations

import hashlib
import re
from datetime import date

MAX_LEN = 64
VALID = re.compile(r"^[-\w:+=/]{1,64}$", re.ASCII)


def client_order_id(event_ticker: str, route: str, day: date, attempt: int = 0) -> str:
    """'cs-<event>-<route>-<yymmdd>[-r<n>]'; hashed when longer than 64 characters."""
    base = f"cs-{event_ticker}-{route}-{day:%y%m%d}"
    coid = base if attempt == 0 else f"{base}-r{attempt}"
    coid = re.sub(r"[^-\w:+=/]", "_", coid, flags=re.ASCII)
    if len(coid) > MAX_LEN:
        digest = hashlib.sha256(coid.encode()).hexdigest()[:40]
        coid = f"cs-{digest}-{day:%y%m%d}-r{attempt}"
    assert VALID.match(coid), coid
    return coid
