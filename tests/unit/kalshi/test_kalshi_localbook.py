"""LocalBook replays the recorded WebSocket frames in both pricing conventions."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from courtside.domain.errors import ParseError
from courtside.domain.market import Level
from courtside.kalshi.book import LocalBook
from courtside.kalshi.parse import parse_orderbook

LEP = "KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP"
D = Decimal


def frames(recorded: Any, name: str) -> list[dict[str, Any]]:
    text = (recorded.root / f"{name}.jsonl").read_text()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def replay(
    book: LocalBook, items: list[dict[str, Any]], use_yes_price: bool, upto: int | None = None
) -> None:
    for frame in items[:upto]:
        if frame["type"] == "orderbook_snapshot":
            book.apply_snapshot(frame["msg"], use_yes_price=use_yes_price, now=0.0)
        elif frame["type"] == "orderbook_delta":
            book.apply_delta(frame["msg"], use_yes_price=use_yes_price, now=1.0)


def test_default_convention_snapshot_matches_rest_shape(recorded: Any) -> None:
    items = frames(recorded, "ws__orderbook_trade_noleg")
    book = LocalBook(LEP)
    assert book.stale
    replay(book, items, use_yes_price=False, upto=3)  # subscribed x2 + snapshot
    ob = book.to_orderbook()
    assert not book.stale
    assert ob.yes_bids == (Level(D("0.47"), D(3)),)
    assert ob.no_bids == (Level(D("0.48"), D(2)),)
    assert ob.best_yes_ask == Level(D("0.52"), D(2))


def test_signed_deltas_remove_and_restore_levels(recorded: Any) -> None:
    items = frames(recorded, "ws__orderbook_trade_noleg")
    book = LocalBook(LEP)
    replay(book, items, use_yes_price=False, upto=5)  # both levels taken to zero
    assert book.to_orderbook().yes_bids == ()
    assert book.to_orderbook().no_bids == ()
    replay(book, items[5:], use_yes_price=False)
    ob = book.to_orderbook()
    assert ob.yes_bids == (Level(D("0.47"), D(3)),)
    assert ob.no_bids == (Level(D("0.48"), D(1)),)
    assert ob.ts is not None
    assert ob.ts.year == 2026


def test_yes_price_convention_converts_no_levels(recorded: Any) -> None:
    items = frames(recorded, "ws__orderbook_trade_yes")
    book = LocalBook(LEP)
    replay(book, items, use_yes_price=True, upto=3)
    ob = book.to_orderbook()
    assert ob.no_bids == (Level(D("0.48"), D(1)),)  # "0.5200" on the wire is a NO bid at 0.48
    assert ob.best_yes_ask == Level(D("0.52"), D(1))
    replay(book, items[3:], use_yes_price=True)
    assert book.to_orderbook().no_bids == (Level(D("0.48"), D(2)),)


def test_ws_snapshot_equals_rest_book_when_sizes_agree(recorded: Any) -> None:
    rest = parse_orderbook(LEP, recorded.body("orderbook__base"))
    book = LocalBook(LEP)
    book.apply_snapshot(
        {"market_ticker": LEP, "yes_dollars_fp": [["0.4700", "3.00"]], "no_dollars_fp": [["0.5200", "3.00"]]},
        use_yes_price=True,
        now=0.0,
    )
    assert book.to_orderbook().yes_bids == rest.yes_bids
    assert book.to_orderbook().no_bids == rest.no_bids


def test_delta_below_zero_is_rejected() -> None:
    book = LocalBook("T")
    book.apply_snapshot({"yes_dollars_fp": [["0.40", "1.00"]]}, use_yes_price=False, now=0.0)
    with pytest.raises(ParseError):
        book.apply_delta(
            {"price_dollars": "0.40", "delta_fp": "-2.00", "side": "yes"}, use_yes_price=False, now=1.0
        )


def test_keeper_detects_a_seq_gap_and_recovers_on_snapshot(recorded: Any) -> None:
    from courtside.kalshi.book import BookKeeper
    from courtside.kalshi.ws_events import BookStale, BookUpdated

    items = [f for f in frames(recorded, "ws__orderbook_trade_noleg") if f["type"].startswith("orderbook")]
    keeper = BookKeeper(use_yes_price=False, now=lambda: 0.0)
    keeper.track([LEP], sid=1)
    assert keeper.is_stale(LEP)
    events, gap = keeper.on_message("orderbook_snapshot", items[0])
    assert events == [BookUpdated(LEP, 1, snapshot=True)]
    assert gap is None
    keeper.on_message("orderbook_delta", items[1])  # seq 2
    events, gap = keeper.on_message("orderbook_delta", items[3])  # seq 4: seq 3 was lost
    assert gap is not None
    assert (gap.sid, gap.seq, gap.tickers) == (1, 4, (LEP,))
    assert events == [BookStale(LEP, "seq gap on sid 1")]
    assert keeper.is_stale(LEP)
    events, gap = keeper.on_message("orderbook_delta", items[4])  # ignored until the snapshot
    assert events == []
    assert gap is None
    fresh = {**items[0], "seq": 6}
    keeper.on_message("orderbook_snapshot", fresh)
    assert not keeper.is_stale(LEP)
    assert keeper.book(LEP).yes_bids == (Level(D("0.47"), D(3)),)
    assert keeper.disconnected() == [BookStale(LEP, "disconnected")]


def test_keeper_staleness_by_age() -> None:
    from courtside.kalshi.book import BookKeeper

    clock = {"t": 100.0}
    keeper = BookKeeper(use_yes_price=True, now=lambda: clock["t"])
    keeper.track(["T"], sid=3)
    keeper.on_message("orderbook_snapshot", {"sid": 3, "seq": 1, "msg": {"market_ticker": "T"}})
    assert not keeper.is_stale("T", max_age=5.0)
    clock["t"] += 6.0
    assert keeper.is_stale("T", max_age=5.0)
    assert not keeper.is_stale("T")
