"""How the page writes numbers and times (Jinja2 filters): money with a sign and two decimals, prices as
cents of a dollar, fractions as percentages, times in UTC and as ages ("4 m ago")."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any


def money(value: Decimal | None) -> str:
    if value is None:
        return "–"
    sign = "-" if value < 0 else ""
    return f"{sign}${abs(value):,.2f}"


def signed(value: Decimal | None) -> str:
    """Money with a + for gains, as P&L is read."""
    if value is None:
        return "–"
    return f"+{money(value)}" if value > 0 else money(value)


def price(value: Decimal | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def count(value: Decimal | None) -> str:
    return "–" if value is None else f"{value.normalize():f}"


def pct(value: Decimal | float | None, digits: int = 1) -> str:
    return "–" if value is None else f"{float(value) * 100:.{digits}f}%"


def prob(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


def utc(value: datetime | None) -> str:
    return "–" if value is None else value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def hm(value: datetime | None) -> str:
    return "–" if value is None else value.astimezone(UTC).strftime("%H:%M:%S")


def duration(seconds: float | None) -> str:
    """'45 s', '12 m', '3 h 05 m', '2 d 4 h'; negative durations keep their sign."""
    if seconds is None:
        return "–"
    sign = "-" if seconds < 0 else ""
    s = int(abs(seconds))
    if s < 90:
        return f"{sign}{s} s"
    if s < 5400:
        return f"{sign}{s // 60} m"
    if s < 2 * 86400:
        return f"{sign}{s // 3600} h {s % 3600 // 60:02d} m"
    return f"{sign}{s // 86400} d {s % 86400 // 3600} h"


def ago(value: datetime | None, now: datetime) -> str:
    return "never" if value is None else f"{duration((now - value).total_seconds())} ago"


def tone(value: Decimal | None) -> str:
    """The CSS class of a P&L figure."""
    if value is None or value == 0:
        return ""
    return "up" if value > 0 else "down"


FILTERS: dict[str, Callable[..., Any]] = {
    "money": money,
    "signed": signed,
    "price": price,
    "count": count,
    "pct": pct,
    "prob": prob,
    "utc": utc,
    "hm": hm,
    "duration": duration,
    "ago": ago,
    "tone": tone,
}
