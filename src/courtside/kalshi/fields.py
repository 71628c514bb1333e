"""A strict reader over one wire object: every failure is a ParseError naming object and field.

Kalshi sends prices as `*_dollars` strings and counts as `*_fp` strings (kalshi-api.md §2);
integers in dollars fields and floats in `fee_multiplier` are read through str() so no
binary error reaches a Decimal.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from courtside.domain.errors import ParseError

_MISSING = object()


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
            raise self.fail(key, f"is not a non-empty string: {value!r}")
        return value

    def opt_string(self, key: str, default: str | None = None) -> str | None:
        value = self.data.get(key)
        if value is None:
            return default
        if not isinstance(value, str):
            raise self.fail(key, f"is not a string: {value!r}")
        return value

    def text(self, key: str) -> str:
        """An optional free-text field ('' when absent)."""
        return self.opt_string(key) or ""

    def req_text(self, key: str) -> str:
        """A free-text field we rely on: it must be present (ParseError naming it), may be empty."""
        value = self._get(key)
        if not isinstance(value, str):
            raise self.fail(key, f"is not a string: {value!r}")
        return value

    def dec(self, key: str) -> Decimal:
        return self._to_dec(key, self._get(key))

    def opt_dec(self, key: str) -> Decimal | None:
        value = self.data.get(key)
        return None if value is None or value == "" else self._to_dec(key, value)

    def _to_dec(self, key: str, value: Any) -> Decimal:
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(key, f"is not a number: {value!r}")
        try:
            result = Decimal(str(value))
        except InvalidOperation as e:
            raise self.fail(key, f"is not a decimal: {value!r}") from e
        if not result.is_finite():
            raise self.fail(key, f"is not finite: {value!r}")
        return result

    def integer(self, key: str) -> int:
        value = self._get(key)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self.fail(key, f"is not an integer: {value!r}")
        return value

    def opt_integer(self, key: str) -> int | None:
        return None if self.data.get(key) is None else self.integer(key)

    def flag(self, key: str) -> bool:
        value = self._get(key)
        if not isinstance(value, bool):
            raise self.fail(key, f"is not a boolean: {value!r}")
        return value

    def opt_flag(self, key: str, default: bool) -> bool:
        return default if self.data.get(key) is None else self.flag(key)

    def time(self, key: str) -> datetime:
        return self._to_time(key, self._get(key))

    def opt_time(self, key: str) -> datetime | None:
        value = self.data.get(key)
        return None if value is None or value == "" else self._to_time(key, value)

    def _to_time(self, key: str, value: Any) -> datetime:
        if isinstance(value, int) and not isinstance(value, bool):
            seconds = value / 1000 if value > 10**11 else value
            return datetime.fromtimestamp(seconds, UTC)
        if not isinstance(value, str):
            raise self.fail(key, f"is not a timestamp: {value!r}")
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError as e:
            raise self.fail(key, f"is not an RFC 3339 time: {value!r}") from e
        if parsed.tzinfo is None:
            raise self.fail(key, f"has no timezone: {value!r}")
        return parsed.astimezone(UTC)

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
