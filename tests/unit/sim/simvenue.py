"""A small in-process exchange with one tennis market, a trader and a market maker."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from courtside.domain.clock import ManualClock
from courtside.domain.orders import BookSide, SelfTradePrevention, TimeInForce
from courtside.sim import catalog
from courtside.sim.engine import OrderSpec, Placement
from courtside.sim.exchange import SimExchange

TICKER = "KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP"
EVENT = "KXWTACHALLENGERMATCH-26JUN11JIMLEP"
START = datetime(2026, 6, 11, 6, 0, tzinfo=UTC)


@dataclass
class Venue:
    ex: SimExchange
    clock: ManualClock
    trader: str
    maker: str

    def order(
        self,
        user: str,
        side: str,
        count: str,
        price: str,
        tif: str = "good_till_canceled",
        stp: str = "taker_at_cross",
        ticker: str = TICKER,
        **extra: object,
    ) -> Placement:
        spec = OrderSpec(
            ticker=ticker,
            side=BookSide(side),
            count=Decimal(count),
            price=Decimal(price),
            time_in_force=TimeInForce(tif),
            stp=SelfTradePrevention(stp),
            **extra,
        )  # type: ignore[arg-type]
        return self.ex.place_order(user, spec)

    def cash(self, user: str, shard: int = 3) -> Decimal:
        return self.ex.users[user].cash_on(shard)


def make_venue(fee_type: str = "quadratic_with_maker_fees", trader_cash: str = "100") -> Venue:
    clock = ManualClock(START)
    ex = SimExchange(clock, seed=7)
    ex.add_series(catalog.series_from_json({"ticker": "KXWTACHALLENGERMATCH", "fee_type": fee_type}))
    ex.add_event(
        catalog.event_from_json(
            ex,
            {
                "event_ticker": EVENT,
                "series_ticker": "KXWTACHALLENGERMATCH",
                "title": "Jimenez Kasintseva vs Lepchenko",
            },
        )
    )
    for code in ("LEP", "JIM"):
        ex.add_market(catalog.market_from_json(ex, {"ticker": f"{EVENT}-{code}", "event_ticker": EVENT}))
    trader = ex.add_user({0: Decimal("0"), 3: Decimal(trader_cash)}).user_id
    maker = ex.add_user({3: Decimal("10000")}).user_id
    return Venue(ex, clock, trader, maker)
