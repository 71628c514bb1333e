"""SimExchange: the whole simulated venue in-process, with an injected clock and seeded ids.

The HTTP layer (`app.py`) only parses, calls these methods and serialises; tests can drive the
exchange directly. Lifecycle per kalshi-api.md §8.5 and §8.9: initialized -> active -> closed ->
determined -> finalized, with timers for open/close/order expiry/settlement run by `tick()`.
"""

from __future__ import annotations

import dataclasses
import heapq
import logging
import random
import threading
import uuid
from datetime import datetime, timedelta
from decimal import Decimal

from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import NotFoundError, OrderRejectedError
from courtside.domain.market import FeeSchedule, MarketStatus
from courtside.domain.money import ONE, ZERO
from courtside.sim import accounts, engine
from courtside.sim.auth import KeyEntry
from courtside.sim.book import Book
from courtside.sim.engine import OrderSpec, Placement
from courtside.sim.events import LifecycleEvent, Listener, PositionEvent, SimEvent, TickerEvent
from courtside.sim.state import (
    SimConfig,
    SimFill,
    SimMarket,
    SimMilestone,
    SimOrder,
    SimSeries,
    SimSettlement,
    SimTrade,
    SimUser,
)
from courtside.sim.state import (
    SimEvent as SimEventRecord,
)

log = logging.getLogger(__name__)
_OPEN, _CLOSE, _EXPIRE, _SETTLE = "open", "close", "expire", "settle"
RESULTS = ("yes", "no", "scalar")


def to_ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


class SimExchange:
    """State and operations of the simulated Kalshi venue (thread-safe behind one lock)."""

    def __init__(self, clock: Clock | None = None, *, seed: int = 0, config: SimConfig | None = None) -> None:
        self._base_clock: Clock = clock or SystemClock()
        self._offset = timedelta(0)
        self._initial_config = dataclasses.replace(config) if config else SimConfig()
        self.config = dataclasses.replace(self._initial_config)
        self.seed = seed
        self.lock = threading.RLock()
        self._listeners: list[Listener] = []
        self.reset()

    # -- state -------------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget every object, user and key; settings and the clock offset go back to the start."""
        with self.lock:
            self._offset = timedelta(0)
            self.config = dataclasses.replace(self._initial_config)
            self.trading_active = True
            self._rng = random.Random(self.seed)
            self._seq = 0
            self.series: dict[str, SimSeries] = {}
            self.events: dict[str, SimEventRecord] = {}
            self.markets: dict[str, SimMarket] = {}
            self.books: dict[str, Book] = {}
            self.users: dict[str, SimUser] = {}
            self.keys: dict[str, KeyEntry] = {}
            self.orders: dict[str, SimOrder] = {}
            self.user_orders: dict[str, list[SimOrder]] = {}
            self.user_fills: dict[str, list[SimFill]] = {}
            self.trades: list[SimTrade] = []
            self.milestones: dict[str, SimMilestone] = {}  # by milestone id
            self.milestone_of: dict[str, str] = {}  # event ticker -> milestone id
            self._timers: list[tuple[int, int, str, str]] = []
            self.market_settled_cutoff: datetime | None = None  # None: now - 90 days (sim/history.py)

    def new_id(self) -> str:
        """A uuid4-shaped id from the seeded generator (reproducible runs)."""
        return str(uuid.UUID(int=self._rng.getrandbits(128), version=4))

    def next_seq(self) -> int:
        self._seq += 1
        return self._seq

    # -- time --------------------------------------------------------------------------------
    def now(self) -> datetime:
        return self._base_clock.now() + self._offset

    def now_ms(self) -> int:
        return to_ms(self.now())

    def set_now_ms(self, now_ms: int) -> None:
        """Move the clock to an absolute time (forward or back), then run due timers."""
        with self.lock:
            self._offset = timedelta(milliseconds=now_ms - to_ms(self._base_clock.now()))
            self.tick()

    def advance_ms(self, ms: int) -> None:
        with self.lock:
            self._offset += timedelta(milliseconds=ms)
            self.tick()

    def schedule(self, when: datetime, kind: str, ref: str) -> None:
        heapq.heappush(self._timers, (to_ms(when), self.next_seq(), kind, ref))

    def tick(self) -> None:
        """Run every timer that is due: market open/close, GTC expiry, settlement."""
        with self.lock:
            now_ms = self.now_ms()
            while self._timers and self._timers[0][0] <= now_ms:
                _, _, kind, ref = heapq.heappop(self._timers)
                self._fire(kind, ref)

    def _fire(self, kind: str, ref: str) -> None:
        if kind == _EXPIRE:
            order = self.orders.get(ref)
            if order is not None:
                engine.expire(self, order)
            return
        market = self.markets.get(ref)
        if market is None:
            return
        if kind == _OPEN and market.status is MarketStatus.INITIALIZED:
            self.set_status(ref, MarketStatus.ACTIVE)
        elif kind == _CLOSE and market.status in (MarketStatus.ACTIVE, MarketStatus.INACTIVE):
            self.set_status(ref, MarketStatus.CLOSED)
        elif kind == _SETTLE and market.status is MarketStatus.DETERMINED:
            self.settle(ref)

    # -- listeners ---------------------------------------------------------------------------
    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    def emit(self, event: SimEvent) -> None:
        """Tell every listener; a broken listener (a dead socket) must not undo a trade half-way."""
        for listener in list(self._listeners):
            try:
                listener(event)
            except Exception:
                log.exception("sim listener failed on %s", type(event).__name__)

    # -- users -------------------------------------------------------------------------------
    def add_user(self, balances: dict[int, Decimal], user_id: str | None = None) -> SimUser:
        with self.lock:
            user = SimUser(user_id or self.new_id(), cash=dict(balances), updated=self.now())
            self.users[user.user_id] = user
            self.user_orders[user.user_id] = []
            self.user_fills[user.user_id] = []
            return user

    def add_key(self, entry: KeyEntry) -> None:
        with self.lock:
            if entry.user_id not in self.users:
                raise NotFoundError("user not found", status=404, code="not_found")
            self.keys[entry.key_id] = entry

    def user(self, user_id: str) -> SimUser:
        return self.users[user_id]

    # -- catalogue ---------------------------------------------------------------------------
    def add_series(self, series: SimSeries) -> None:
        with self.lock:
            self.series[series.ticker] = series

    def add_event(self, event: SimEventRecord) -> None:
        with self.lock:
            if event.series_ticker not in self.series:
                raise NotFoundError("series not found", status=404, code="not_found")
            self.events[event.event_ticker] = event
            if self.config.milestones and event.milestone and event.event_ticker not in self.milestone_of:
                mid = self.new_id()
                self.milestones[mid] = SimMilestone(mid, event.event_ticker, event.title, None, self.now())
                self.milestone_of[event.event_ticker] = mid
            self.emit(
                LifecycleEvent(
                    event.event_ticker,
                    "event_lifecycle",
                    {
                        "exchange_index": event.exchange_index,
                        "title": event.title,
                        "subtitle": event.sub_title,
                        "collateral_return_type": event.collateral_return_type,
                        "series_ticker": event.series_ticker,
                    },
                )
            )

    def add_market(self, market: SimMarket) -> None:
        """List a market; it opens and closes on its own times as the clock moves."""
        with self.lock:
            event = self.events.get(market.event_ticker)
            if event is None:
                raise NotFoundError("event not found", status=404, code="not_found")
            if market.ticker in self.markets:
                raise OrderRejectedError("market already exists", status=409, code="already_exists")
            self.markets[market.ticker] = market
            self.books[market.ticker] = Book(market.ticker)
            event.market_tickers.append(market.ticker)
            milestone = self.milestones.get(self.milestone_of.get(event.event_ticker, ""))
            if milestone is not None and milestone.start_date is None:
                milestone.start_date = market.occurrence_datetime  # the scheduled start
            if market.status is MarketStatus.INITIALIZED:
                self.schedule(market.open_time, _OPEN, market.ticker)
            self.schedule(market.close_time, _CLOSE, market.ticker)
            self.emit(LifecycleEvent(market.ticker, "created", {}))
            self.tick()

    def fees_for(self, market: SimMarket) -> FeeSchedule:
        """The event's fee override if any, else the series' schedule."""
        event = self.events[market.event_ticker]
        if event.fee_override is not None:
            return event.fee_override
        return self.series[market.series_ticker].fees

    def market(self, ticker: str) -> SimMarket:
        market = self.markets.get(ticker)
        if market is None:
            raise NotFoundError("market not found", status=404, code="market_not_found")
        return market

    def open_interest(self, ticker: str) -> Decimal:
        total = ZERO
        for user in self.users.values():
            pos = user.positions.get(ticker)
            if pos is not None and not pos.settled and pos.position > 0:
                total += pos.position
        return total

    # -- orders (engine) ---------------------------------------------------------------------
    def place_order(self, user_id: str, spec: OrderSpec) -> Placement:
        with self.lock:
            self.tick()
            return engine.place(self, self.users[user_id], spec)

    def cancel_order(self, user_id: str, order_id: str) -> SimOrder:
        """Cancel a resting order of this user; 404 not_found for anything else."""
        with self.lock:
            self.tick()
            order = self.orders.get(order_id)
            if order is None or order.user_id != user_id or order.remaining_count <= 0:
                raise NotFoundError("not found", status=404, code="not_found")
            engine.cancel(self, order, "Cancel")
            return order

    def amend_order(self, user_id: str, order_id: str, spec: OrderSpec) -> Placement:
        with self.lock:
            self.tick()
            return engine.amend(self, self.users[user_id], order_id, spec)

    def decrease_order(
        self, user_id: str, order_id: str, reduce_by: Decimal | None, reduce_to: Decimal | None
    ) -> SimOrder:
        with self.lock:
            self.tick()
            return engine.decrease(self, user_id, order_id, reduce_by, reduce_to)

    def resting_orders(self, user_id: str) -> list[SimOrder]:
        return [o for o in self.user_orders.get(user_id, []) if o.remaining_count > 0]

    # -- market lifecycle --------------------------------------------------------------------
    def set_status(self, ticker: str, status: MarketStatus) -> SimMarket:
        """Admin status change; closing cancels every resting order of the market."""
        with self.lock:
            market = self.market(ticker)
            previous = market.status
            market.status = status
            market.updated_time = self.now()
            if status is MarketStatus.CLOSED and previous is not MarketStatus.CLOSED:
                if market.close_time > self.now():
                    market.close_time = self.now()
                for order in list(self.books[ticker].orders()):
                    engine.cancel(self, order, "MarketClosed")
                self.emit(
                    LifecycleEvent(
                        ticker, "close_date_updated", {"close_ts": to_ms(market.close_time) // 1000}
                    )
                )
            elif status in (MarketStatus.ACTIVE, MarketStatus.INACTIVE):
                flag = status is MarketStatus.INACTIVE
                kind = "deactivated" if flag else "activated"
                self.emit(LifecycleEvent(ticker, kind, {"is_deactivated": flag}))
            self.emit(TickerEvent(ticker))
            return market

    def determine(self, ticker: str, result: str, value: Decimal | None = None) -> SimMarket:
        """Fix the outcome: yes (v=1), no (v=0) or scalar with a fair price (e.g. 0.44 walkover)."""
        with self.lock:
            market = self.market(ticker)
            if result not in RESULTS:
                raise OrderRejectedError("invalid result", status=400, code="invalid_parameters")
            v = ONE if result == "yes" else ZERO if result == "no" else value
            if v is None or not ZERO <= v <= ONE:
                raise OrderRejectedError(
                    "scalar needs settlement_value_dollars in [0, 1]", status=400, code="invalid_parameters"
                )
            if market.status in (MarketStatus.INITIALIZED, MarketStatus.ACTIVE, MarketStatus.INACTIVE):
                self.set_status(ticker, MarketStatus.CLOSED)
            if market.status is not MarketStatus.CLOSED:
                raise OrderRejectedError(
                    f"market is {market.status.value}", status=400, code="invalid_status"
                )
            market.result, market.settlement_value = result, v
            market.expiration_value = self._winner_name(market, result)
            market.status, market.determination_time = MarketStatus.DETERMINED, self.now()
            self.emit(
                LifecycleEvent(
                    ticker,
                    "determined",
                    {
                        "result": result,
                        "determination_ts": self.now_ms() // 1000,
                        "settlement_value": f"{v:.4f}",
                    },
                )
            )
            if self.config.auto_settle:
                self.schedule(
                    self.now() + timedelta(seconds=market.settlement_timer_seconds), _SETTLE, ticker
                )
            return market

    def _winner_name(self, market: SimMarket, result: str) -> str:
        """The declared winner (Kalshi's `expiration_value` on tennis): this player, or the opponent."""
        if result == "yes":
            return market.yes_sub_title
        others = [t for t in self.events[market.event_ticker].market_tickers if t != market.ticker]
        if result == "no" and len(others) == 1:
            return self.markets[others[0]].yes_sub_title
        return ""

    def settle(self, ticker: str) -> list[SimSettlement]:
        """Pay every position of a determined market, record Settlements, finalize the market."""
        with self.lock:
            market = self.market(ticker)
            if market.status is not MarketStatus.DETERMINED or market.settlement_value is None:
                raise OrderRejectedError(
                    f"market is {market.status.value}", status=400, code="invalid_status"
                )
            now = self.now()
            records = []
            for user in self.users.values():
                record = accounts.settle_position(user, market, market.settlement_value, now, self.next_seq())
                if record is not None:
                    records.append(record)
                    self.emit(PositionEvent(user.user_id, ticker))
            market.status, market.settlement_time = MarketStatus.FINALIZED, now
            self.emit(LifecycleEvent(ticker, "settled", {"settled_ts": self.now_ms() // 1000}))
            return records
