"""Which alerts go out: each fact once (de-duplication by key) and not too many (token buckets per kind
and overall). Time comes from the injected clock."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime, timedelta

from courtside.domain.clock import Clock


@dataclass(frozen=True, slots=True)
class Rate:
    """At most `burst` at once, refilled at `per_minute`."""

    burst: int
    per_minute: float

    def __post_init__(self) -> None:
        if self.burst < 1 or self.per_minute <= 0:
            raise ValueError(f"a rate needs burst >= 1 and per_minute > 0, not {self}")


class Deduper:
    """Remembers the keys sent in the last `window` (at most `capacity`, oldest forgotten first)."""

    def __init__(self, clock: Clock, window: timedelta = timedelta(hours=24), capacity: int = 10_000) -> None:
        self.clock = clock
        self.window = window
        self.capacity = capacity
        self._seen: OrderedDict[str, datetime] = OrderedDict()

    def seen(self, key: str) -> bool:
        """True when this key went out within the window."""
        self._expire()
        return key in self._seen

    def remember(self, key: str) -> None:
        self._seen[key] = self.clock.now()
        self._seen.move_to_end(key)
        while len(self._seen) > self.capacity:
            self._seen.popitem(last=False)

    def _expire(self) -> None:
        cutoff = self.clock.now() - self.window
        while self._seen and next(iter(self._seen.values())) < cutoff:
            self._seen.popitem(last=False)


class TokenBucket:
    """A token bucket on the injected clock: `take()` spends one token when there is one."""

    def __init__(self, clock: Clock, rate: Rate) -> None:
        self.clock = clock
        self.rate = rate
        self._tokens = float(rate.burst)
        self._at = clock.now()

    def _refill(self) -> None:
        now = self.clock.now()
        elapsed = max((now - self._at).total_seconds(), 0.0)
        self._tokens = min(float(self.rate.burst), self._tokens + elapsed * self.rate.per_minute / 60.0)
        self._at = now

    def available(self) -> bool:
        self._refill()
        return self._tokens >= 1.0

    def take(self) -> None:
        self._refill()
        self._tokens -= 1.0


class RateLimiter:
    """One bucket per kind and one overall; a critical kind skips the overall bucket, not its own."""

    def __init__(self, clock: Clock, per_kind: Rate, overall: Rate) -> None:
        self.clock = clock
        self.per_kind = per_kind
        self.overall = TokenBucket(clock, overall)
        self._kinds: dict[str, TokenBucket] = {}

    def allow(self, kind: str, critical: bool) -> bool:
        """Spend a token for this kind (and overall unless critical) when both have one."""
        bucket = self._kinds.setdefault(kind, TokenBucket(self.clock, self.per_kind))
        if not bucket.available() or (not critical and not self.overall.available()):
            return False
        bucket.take()
        if not critical:
            self.overall.take()
        return True
