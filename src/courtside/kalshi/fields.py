"""A strict reader over one wire object: every failure is a ParseError naming object and field.

Kalshi sends prices as `*_dollars` strings and counts as `*_fp` strings in fixed-point notation
("0.5200", "3.00"; kalshi-api.md §0.1, §2 conventions): a JSON number, an exponent ("3.5E-1"),
NaN, Infinity or padding there is refused, not coerced. The few fields Kalshi sends as JSON
numbers (`fee_multiplier`, integer cents) have their own readers; floats go through str() so no
binary error reaches a Decimal. REST times are RFC 3339 strings; epoch integers are accepted
only by `opt_moment`, for the WebSocket fields that are epoch seconds or milliseconds.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from courtside.domain.errors import ParseError

_MISSING = object()
# Kalshi's fixed-point strings: an optional sign, digits, an optional fraction; nothing else.
FIXED_POINT = re.compile(r"-?\d{1,15}(?:\.\d{1,10})?", re.ASCII)
# RFC 3339 section 5.6 date-time (the "T" and "Z" may be lower case); nothing looser.
RFC3339 = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})", re.ASCII
)


class Wire:
    """Typed access to a JSON object; `what` names it in errors (e.g. "market KX...-LEP")."""

    __slots__ = ("data", "what")

    def __init__(self, data: Any, what: str) -> None:
        if not isinstance(data, dict):
            raise ParseError(what, f"expected a JSON object, got {type(data).__name__}")
        self.data: dict[str, Any] = data
        self.what = what

    def named(self, key: str) -> Wire:
        """Re-label this object by one of its own fields (e.g. its ticker) for clearer errors."""
        value = self.data.get(key)
        return Wire(self.data, f"{self.what} {value}") if isinstance(value, str) and value else self

    def has(self, key: str) -> bool:
        return self.data.get(key) is not None

    def _get(self, key: str) -> Any:
        value = self.data.get(key, _MISSING)
        if value is _MISSING or value is None:
            raise ParseError(self.what, f"field {key!r} is missing")
        return value

    def fail(self, key: str, reason: str) -> ParseError:
        return ParseError(self.what, f"field {key!r} {reason}")

    def string(self, key: str) -> str:
        value = self._get(key)
        if not isinstance(value, str) or not value:
            raise self.fail(key, f"is not a non-empty string: {_show(value)}")
        return value

    def opt_string(self, key: str, default: str | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(key, f"is not a string: {_show(value)}")
        return value

    def text(self, key: str) -> str:
        """An optional free-text field ('' when absent)."""
        return self.opt_string(key) or ""

    def req_text(self, key: str) -> str:
        """A free-text field we rely on: it must be present (ParseError naming it), may be empty."""
        value = self._get(key)
        if not isinstance(value, str):
            raise self.fail(key, f"is not a string: {_show(value)}")
        return value

    def dec(self, key: str) -> Decimal:
        """A `*_dollars` / `*_fp` field: a fixed-point string, never a JSON number or an exponent."""
        return self._fixed(key, self._get(key))

    def opt_dec(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        return None if value is None or value == "" else self._fixed(key, value)

    def _fixed(self, key: str, value: Any) -> Decimal:
        if not isinstance(value, str):
            raise self.fail(key, f"is not a fixed-point string: {_show(value)}")
        if not FIXED_POINT.fullmatch(value):
            raise self.fail(key, f"is not in fixed-point notation: {_show(value)}")
        return Decimal(value)

    def number(self, key: str) -> Decimal:
        """A field Kalshi sends as a JSON number (`fee_multiplier`); a fixed-point string is accepted
        too. Booleans, NaN and infinities are refused; a float goes through str()."""
        return self._number(key, self._get(key))

    def opt_number(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        return None if value is None else self._number(key, value)

    def _number(self, key: str, value: Any) -> Decimal:
        if isinstance(value, str):
            return self._fixed(key, value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"is not a number: {_show(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise self.fail(key, f"is not finite: {value!r}")
        try:
            return Decimal(str(value))
        except InvalidOperation as e:  # pragma: no cover - str() of a finite int or float parses
            raise self.fail(key, f"is not a decimal: {_show(value)}") from e

    def cents(self, key: str) -> Decimal:
        """An integer-cents field (balance, settlement revenue), in dollars."""
        return Decimal(self.integer(key)) / 100

    def opt_cents(self, key: str) -> Decimal | None:
        return None if self.data.get(key) is None else self.cents(key)

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"is not an integer: {_show(value)}")
        return value

    def opt_integer(self, key: str) -> int | None:
        return None if self.data.get(key) is None else self.integer(key)

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self.fail(key, f"is not a boolean: {_show(value)}")
        return value

    def opt_flag(self, key: str, default: bool) -> bool:
        return default if self.data.get(key) is None else self.flag(key)

    def time(self, key: str) -> datetime:
        """A REST timestamp: an RFC 3339 string with its offset, in UTC."""
        return self._rfc3339(key, self._get(key))

    def opt_time(self, key: str) -> datetime | None:
        value = self.data.get(key)
        return None if value is None or value == "" else self._rfc3339(key, value)

    def moment(self, key: str) -> datetime:
        moment = self.opt_moment(key)
        if moment is None:
            raise self.fail(key, "is missing")
        return moment

    def opt_moment(self, key: str) -> datetime | None:
        """A time that may be epoch seconds or milliseconds (WebSocket `ts_ms`, `settled_ts`; the
        `*_ts` fields of other endpoints) or an RFC 3339 string."""
        value = self.data.get(key)
        if value is None or value == "":
            return None
        if isinstance(value, int) and not isinstance(value, bool):
            seconds = value / 1000 if value > 10**11 else value
            try:
                return datetime.fromtimestamp(seconds, UTC)
            except (OverflowError, OSError, ValueError) as e:
                raise self.fail(key, f"is not a usable epoch time: {value!r}") from e
        return self._rfc3339(key, value)

    def _rfc3339(self, key: str, value: Any) -> datetime:
        if not isinstance(value, str) or not RFC3339.fullmatch(value):
            raise self.fail(key, f"is not an RFC 3339 time: {_show(value)}")
        text = value.upper().replace("Z", "+00:00")
        head, dot, tail = text.partition(".")
        if dot:  # Python keeps microseconds: drop nanosecond digits past the sixth
            digits = len(tail) - len(tail.lstrip("0123456789"))
            text = f"{head}.{tail[: min(digits, 6)]}{tail[digits:]}"
        try:
            return datetime.fromisoformat(text).astimezone(UTC)
        except ValueError as e:  # a well-formed string with day 31 in April, hour 25, ...
            raise self.fail(key, f"is not a valid time: {_show(value)}") from e

    def array(self, key: str) -> list[Any]:
        value = self._get(key)
        if not isinstance(value, list):
            raise self.fail(key, f"is not a list: {type(value).__name__}")
        return value

    def opt_array(self, key: str) -> list[Any]:
        return [] if self.data.get(key) is None else self.array(key)

    def obj(self, key: str) -> Wire:
        return Wire(self._get(key), f"{self.what}.{key}")

    def opt_obj(self, key: str) -> Wire | None:
        return None if self.data.get(key) is None else self.obj(key)


def _show(value: Any) -> str:
    """A bad value for an error message, cut short (a hostile server may send megabytes)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
