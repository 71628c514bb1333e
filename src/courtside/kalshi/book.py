"""A market's order book kept locally from WebSocket `orderbook_snapshot` + `orderbook_delta`.

Deltas are signed changes of a level's aggregate size; a level at 0 disappears. NO-side levels
are in NO-leg prices by default, in YES-leg prices with `use_yes_price` (kalshi-api.md §3).
Internally both legs are stored as bids in their own leg's price, like the REST book.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from courtside.domain.errors import DataError, ParseError
from courtside.domain.market import Level, OrderBook
from courtside.domain.money import ONE, ZERO
from courtside.kalshi.fields import Wire
from courtside.kalshi.ws_events import BookStale, BookUpdated, WsEvent


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
        self.ts = w.opt_moment("ts_ms") or self.ts

    def to_orderbook(self) -> OrderBook:
        """The domain book (bids only, best first; implied asks from the other leg)."""
        return OrderBook(
            self.ticker,
            tuple(Level(p, s) for p, s in sorted(self.yes.items(), reverse=True)),
            tuple(Level(p, s) for p, s in sorted(self.no.items(), reverse=True)),
            self.ts,
        )


@dataclass(frozen=True, slots=True)
class Gap:
    """A missed message on a book sid: these tickers need a fresh snapshot."""

    sid: int
    seq: int | None
    tickers: tuple[str, ...]


class BookKeeper:
    """The local books of one WebSocket connection and the `seq` of every sid (no I/O).

    `on_message` folds one orderbook frame in and returns the events to publish plus, on a
    seq gap, which books went stale; the socket layer then asks for `get_snapshot`.
    """

    def __init__(self, *, use_yes_price: bool, now: Callable[[], float]) -> None:
        self.use_yes_price = use_yes_price
        self._now = now
        self.books: dict[str, LocalBook] = {}
        self._seq: dict[int, int] = {}

    def track(self, tickers: Iterable[str], sid: int | None = None) -> None:
        for ticker in tickers:
            book = self.books.setdefault(ticker, LocalBook(ticker))
            if sid is not None:
                book.sid = sid

    def forget(self, tickers: Iterable[str]) -> None:
        for ticker in tickers:
            self.books.pop(ticker, None)

    def forget_sids(self, sids: Iterable[int]) -> None:
        gone = set(sids)
        self.forget([t for t, b in self.books.items() if b.sid in gone])

    def check_seq(self, data: dict[str, Any]) -> bool:
        """Track seq per sid; True when this message follows the last one seen (or has no seq)."""
        sid, seq = data.get("sid"), data.get("seq")
        if not isinstance(sid, int) or not isinstance(seq, int):
            return True
        expected = self._seq.get(sid)
        self._seq[sid] = seq
        return expected is None or seq == expected + 1

    def note_reply_seq(self, data: dict[str, Any]) -> None:
        """A command reply that carries `sid` and `seq` (Kalshi's `ok` to update_subscription,
        `unsubscribed`) may take a number in that sid's sequence: count it so the next data frame
        is not mistaken for a gap. A reply echoing the last seq changes nothing."""
        sid, seq = data.get("sid"), data.get("seq")
        if isinstance(sid, int) and isinstance(seq, int) and seq > self._seq.get(sid, 0):
            self._seq[sid] = seq

    def mark_stale(self, tickers: Iterable[str], reason: str) -> list[BookStale]:
        events = []
        for ticker in tickers:
            book = self.books.get(ticker)
            if book is not None and not book.stale:
                book.stale = True
                events.append(BookStale(ticker, reason))
        return events

    def disconnected(self) -> list[BookStale]:
        """Every book is stale and every seq forgotten until the new connection's snapshots."""
        self._seq.clear()
        return self.mark_stale(list(self.books), "disconnected")

    def on_message(self, kind: str, data: dict[str, Any]) -> tuple[list[WsEvent], Gap | None]:
        """Apply an orderbook_snapshot / orderbook_delta frame."""
        msg = data.get("msg") or {}
        ticker = msg.get("market_ticker")
        in_order = self.check_seq(data)
        sid, seq = data.get("sid"), data.get("seq")
        book = self.books.get(ticker) if isinstance(ticker, str) else None
        if book is None:
            return [], None
        if kind == "orderbook_snapshot":
            book.apply_snapshot(msg, use_yes_price=self.use_yes_price, now=self._now())
            book.sid = sid if isinstance(sid, int) else book.sid
            return [BookUpdated(book.ticker, seq if isinstance(seq, int) else None, snapshot=True)], None
        if not in_order and isinstance(sid, int):
            tickers = tuple(t for t, b in self.books.items() if b.sid == sid)
            events: list[WsEvent] = list(self.mark_stale(tickers, f"seq gap on sid {sid}"))
            return events, Gap(sid, seq if isinstance(seq, int) else None, tickers)
        if book.stale:
            return [], None
        book.apply_delta(msg, use_yes_price=self.use_yes_price, now=self._now())
        return [BookUpdated(book.ticker, seq if isinstance(seq, int) else None, snapshot=False)], None

    def book(self, ticker: str) -> OrderBook:
        local = self.books.get(ticker)
        if local is None:
            raise DataError(f"no websocket book for {ticker}: subscribe to orderbook_delta first")
        return local.to_orderbook()

    def is_stale(self, ticker: str, max_age: float | None = None) -> bool:
        """True when there is no trusted book, or (with max_age) no update for max_age seconds."""
        local = self.books.get(ticker)
        if local is None or local.stale or local.updated_at is None:
            return True
        return max_age is not None and self._now() - local.updated_at > max_age
