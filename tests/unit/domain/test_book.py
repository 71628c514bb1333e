"""Implied asks from a bids-only book, as kalshi-api.md §2.6 describes."""

from decimal import Decimal as D

from courtside.domain.market import ExchangeStatus, Level, OrderBook, ShardStatus


def book() -> OrderBook:
    return OrderBook(
        ticker="KXWTACHALLENGERMATCH-26JUN11JIMLEP-LEP",
        yes_bids=(Level(D("0.47"), D("3")), Level(D("0.45"), D("10"))),
        no_bids=(Level(D("0.48"), D("3")), Level(D("0.40"), D("7"))),
    )


def test_best_yes_ask_is_one_minus_best_no_bid() -> None:
    b = book()
    assert b.best_yes_ask == Level(D("0.52"), D("3"))
    assert b.best_no_ask == Level(D("0.53"), D("3"))
    assert b.spread() == D("0.05")


def test_depth_walks_the_implied_asks() -> None:
    b = book()
    assert b.depth_yes_ask_at_or_below(D("0.52")) == D("3")
    assert b.depth_yes_ask_at_or_below(D("0.60")) == D("10")
    assert b.depth_no_ask_at_or_below(D("0.55")) == D("13")


def test_trading_state_follows_the_market_shard() -> None:
    status = ExchangeStatus(True, True, (ShardStatus(3, True, False),))
    assert not status.trading_active_on(3)
    assert status.trading_active_on(0)
    assert not ExchangeStatus(True, False).trading_active_on(None)
