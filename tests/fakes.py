"""Small fakes shared by unit and integration tests."""

from __future__ import annotations


class FakeTime:
    """A monotonic clock that moves only when the code under test sleeps (backoff or bucket refill)."""

    def __init__(self) -> None:
        self.t = 0.0
        self.slept: list[float] = []

    def now(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.t += seconds
