"""WebSocket data messages -> typed events (frames from kalshi-api.md §3 and Appendix A.2)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from courtside.domain.orders import BookSide, Outcome
from courtside.kalshi.ws_events import (
    parse_lifecycle,
    parse_ticker,
    parse_user_order,
    parse_ws_fill,
    parse_ws_trade,
)

D = Decimal


def test_lifecycle_created_and_determined() -> None:
    created = parse_lifecycle(
        {
            "market_ticker": "KXWTAMATCH-25OCT02LYSGAU-LYS",
            "open_ts": 1759352700,
            "close_ts": 1760598000,
            "additional_metadata": {"name": "Eva Lys", "event_ticker": "KXWTAMATCH-25OCT02LYSGAU"},
            "event_type": "created",
        }
    )
    assert created.event_type == "created"
    assert created.ticker == "KXWTAMATCH-25OCT02LYSGAU-LYS"
    assert created.fields["additional_metadata"]["name"] == "Eva Lys"
    determined = parse_lifecycle(
        {
            "market_ticker": "KXMLBGAME-25OCT01DETCLE-DET",
            "determination_ts": 1759350638,
            "result": "no",
            "event_type": "determined",
        }
    )
    assert determined.result == "no"
    assert determined.ts == datetime.fromtimestamp(1759350638, UTC)


def test_fill_message_is_a_domain_fill() -> None:
    event = parse_ws_fill(
        {
            "trade_id": "t1",
            "order_id": "o1",
            "market_ticker": "KXATPMATCH-26SEP09ZVEVAN-ZVE",
            "is_taker": True,
            "side": "no",
            "outcome_side": "no",
            "book_side": "ask",
            "yes_price_dollars": "0.6000",
            "count_fp": "10.00",
            "fee_cost": "0.168000",
            "action": "buy",
            "ts_ms": 1781159489957,
            "post_position_fp": "-10.00",
            "client_order_id": "c1",
        }
    )
    fill = event.fill
    assert fill.side is BookSide.ASK
    assert fill.outcome is Outcome.NO
    assert fill.outcome_price == D("0.4")
    assert fill.fee == D("0.168")
    assert event.client_order_id == "c1"
    assert event.post_position == D(-10)


def test_trade_ticker_and_user_order() -> None:
    trade = parse_ws_trade(
        {
            "trade_id": "x",
            "market_ticker": "T",
            "yes_price_dollars": "0.5200",
            "no_price_dollars": "0.4800",
            "count_fp": "1.00",
            "taker_outcome_side": "yes",
            "ts_ms": 1781159489957,
        }
    ).trade
    assert trade.taker_book_side == "bid"
    assert trade.yes_price == D("0.52")
    tick = parse_ticker(
        {
            "market_ticker": "T",
            "price_dollars": "0.5200",
            "yes_bid_dollars": "0.4700",
            "yes_ask_dollars": "0.5200",
            "volume_fp": "2.00",
            "ts_ms": 1781159489957,
        }
    )
    assert (tick.yes_bid, tick.yes_ask, tick.volume) == (D("0.47"), D("0.52"), D(2))
    order = parse_user_order(
        {
            "order_id": "o",
            "ticker": "T",
            "status": "resting",
            "book_side": "bid",
            "yes_price_dollars": "0.4700",
            "fill_count_fp": "0.00",
            "remaining_count_fp": "3.00",
            "client_order_id": "c",
            "last_updated_ts_ms": 1781159489957,
        }
    )
    assert order.remaining_count == D(3)
    assert order.side is BookSide.BID
