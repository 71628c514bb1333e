"""A market's order book kept locally from WebSocket `orderbook_snapshot` + `orderbook_delta`.

Deltas are signed changes of a level's aggregate size; a level at 0 disappears. NO-side levels
are in NO-leg prices by default, in YES-leg prices with `use_yes_price` (kalshi-api.md §3).
Internally both legs are stored as bids in their own leg's price, like the REST book.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from courtside.domain.errors import ParseError
from courtside.domain.market import Level, OrderBook
from courtside.domain.money import ONE, ZERO
from courtside.kalshi.wire import Wire


class LocalBook:
    """One market's bids on both legs; `stale` until a snapshot has been applied."""

    def __init__(self, ticker: str) -> None:
        self.ticker = ticker
        self.yes: dict[Decimal, Decimal] = {}
        self.no: dict[Decimal, Decimal] = {}
        self.stale = True
        self.updated_at: float | None = None  # monotonic seconds of the last snapshot/delta
        self.ts: datetime | None = None
        self.sid: int | None = None

    def _leg_price(self, side: str, price: Decimal, use_yes_price: bool) -> Decimal:
        """The price in the leg's own terms (a NO level quoted as YES price p is NO price 1 - p)."""
        return ONE - price if side == "no" and use_yes_price else price

    def apply_snapshot(self, msg: Any, *, use_yes_price: bool, now: float) -> None:
        w = Wire(msg, f"orderbook_snapshot {self.ticker}")
        self.yes = self._levels(w, "yes_dollars_fp", "yes", use_yes_price)
        self.no = self._levels(w, "no_dollars_fp", "no", use_yes_price)
        self.stale = False
        self.updated_at = now

    def _levels(self, w: Wire, key: str, side: str, use_yes_price: bool) -> dict[Decimal, Decimal]:
        out: dict[Decimal, Decimal] = {}
        for i, raw in enumerate(w.opt_array(key)):
            if not isinstance(raw, list) or len(raw) != 2:
                raise w.fail(key, f"level {i} is not [price, size]: {raw!r}")
            lvl = Wire({"p": raw[0], "s": raw[1]}, f"{w.what}.{key}[{i}]")
            size = lvl.dec("s")
            if size > 0:
                price = self._leg_price(side, lvl.dec("p"), use_yes_price)
                out[price] = out.get(price, ZERO) + size
        return out

    def apply_delta(self, msg: Any, *, use_yes_price: bool, now: float) -> None:
        """Add the signed `delta_fp` at `price_dollars` on `side`; a negative total is a ParseError."""
        w = Wire(msg, f"orderbook_delta {self.ticker}")
        side = w.string("side")
        if side not in ("yes", "no"):
            raise w.fail("side", f"has unknown value {side!r}")
        levels = self.yes if side == "yes" else self.no
        price = self._leg_price(side, w.dec("price_dollars"), use_yes_price)
        size = levels.get(price, ZERO) + w.dec("delta_fp")
        if size < 0:
            raise ParseError(w.what, f"delta takes {side} {price} below zero ({size})")
        if size == 0:
            levels.pop(price, None)
        else:
            levels[price] = size
        self.updated_at = now
        self.ts = w.opt_time("ts_ms") or self.ts

    def to_orderbook(self) -> OrderBook:
        """The domain book (bids only, best first; implied asks from the other leg)."""
        return OrderBook(
            self.ticker,
            tuple(Level(p, s) for p, s in sorted(self.yes.items(), reverse=True)),
            tuple(Level(p, s) for p, s in sorted(self.no.items(), reverse=True)),
            self.ts,
        )
