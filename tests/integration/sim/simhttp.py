"""Signed HTTP calls against a running simulator, plus a standard tennis market with a book."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import httpx

from courtside.kalshi.auth import auth_headers
from courtside.sim.testing import SimSession

_CLIENT = httpx.Client(timeout=10)  # keep-alive: a new loopback connection costs ~40 ms
TICKER = "KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP"
EVENT = "KXWTACHALLENGERMATCH-26JUN11JIMLEP"


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def signed(
    sim: SimSession, method: str, path: str, *, skew_ms: int = 0, sign_path: str | None = None, **kwargs: Any
) -> httpx.Response:
    """One request signed with the trader's key (sign_path overrides what is signed, to test failures)."""
    url = sim.base_url + path
    headers = auth_headers(sim.key_id, sim.private_key, method, sign_path or url, now_ms() + skew_ms)
    return _CLIENT.request(method, url, headers=headers, **kwargs)


def list_modena(sim: SimSession, *, with_book: bool = True) -> None:
    """The recorded Modena market pair, the maker quoting 0.47 bid / 0.52 ask on LEP."""
    control = sim.control
    control.add_series({"ticker": "KXWTACHALLENGERMATCH", "title": "WTA 125 Tennis Match"})
    control.add_event(
        {
            "event_ticker": EVENT,
            "series_ticker": "KXWTACHALLENGERMATCH",
            "title": "Jimenez Kasintseva vs Lepchenko",
            "product_metadata": {"competition": "WTA 125K Modena", "competition_scope": "Game"},
        }
    )
    for code, name in (("LEP", "Varvara Lepchenko"), ("JIM", "Victoria Jimenez Kasintseva")):
        control.add_market(
            {
                "ticker": f"{EVENT}-{code}",
                "event_ticker": EVENT,
                "yes_sub_title": name,
                "occurrence_datetime": "2026-06-11T19:00:00Z",
                "expected_expiration_time": "2026-06-11T19:00:00Z",
                "custom_strike": {"tennis_competitor": "367dcce8-d796-4ed5-80ff-ddec69845a41"},
            }
        )
    if with_book:
        control.order(sim.mm_user_id, ticker=TICKER, side="bid", count="3", price="0.47")
        control.order(sim.mm_user_id, ticker=TICKER, side="ask", count="3", price="0.52")


def order_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "ticker": TICKER,
        "side": "bid",
        "count": "1",
        "price": "0.9900",
        "time_in_force": "immediate_or_cancel",
        "self_trade_prevention_type": "taker_at_cross",
    }
    body.update(overrides)
    return body


def recorded(recorded_dir: Path, name: str) -> Any:
    return json.loads((recorded_dir / f"{name}.json").read_text())


def formats_match(ours: Any, theirs: Any, where: str = "$") -> list[str]:
    """Every field of the recorded object exists in ours with the same JSON type and decimal places."""
    problems: list[str] = []
    if isinstance(theirs, dict):
        if not isinstance(ours, dict):
            return [f"{where}: not an object"]
        for key, value in theirs.items():
            if key in REMOVED_FIELDS:
                continue
            if key not in ours:
                problems.append(f"{where}.{key}: missing")
            else:
                problems += formats_match(ours[key], value, f"{where}.{key}")
    elif isinstance(theirs, list) and theirs and isinstance(ours, list) and ours:
        problems += formats_match(ours[0], theirs[0], f"{where}[0]")
    elif isinstance(theirs, str) and isinstance(ours, str):
        if _shape(theirs) != _shape(ours):
            problems.append(f"{where}: {ours!r} is not shaped like {theirs!r}")
    elif type(theirs) is not type(ours) and not (theirs is None or ours is None):
        problems.append(f"{where}: {type(ours).__name__} vs {type(theirs).__name__}")
    return problems


REMOVED_FIELDS = {"response_price_units", "fractional_trading_enabled", "resting_orders_count", "service"}


def _shape(text: str) -> str:
    """'0.5200' -> 'd.4', '3.00' -> 'd.2', RFC 3339 times -> 'time', anything else -> 'str'."""
    if text.endswith("Z") and "T" in text:
        return "time"
    head, dot, tail = text.partition(".")
    if dot and head.lstrip("-").isdigit() and tail.isdigit():
        return f"d.{len(tail)}"
    return "str"
