"""The start as the market's own trades show it: a burst or a price jump on real size says the match
has begun; pre-match trickle and a stray contract at a far price do not."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from courtside.domain.market import Trade
from courtside.execution.starts import StartSignals, TradeWatch, reference_price
from trader_factories import NOW, book

D = Decimal
EVENT = "KXATPMATCH-26SEP08ZVEVAN"
ZVE, VAN = f"{EVENT}-ZVE", f"{EVENT}-VAN"
BOOKS = {  # ZVE 0.50 / 0.52 (mid 0.51), VAN 0.46 / 0.48 (mid 0.47)
    ZVE: book(ZVE, yes=[("0.50", "100")], no=[("0.48", "100")]),
    VAN: book(VAN, yes=[("0.46", "100")], no=[("0.52", "100")]),
}


def _watch(burst_trades: int = 25) -> TradeWatch:
    watch = TradeWatch(StartSignals(burst_trades=burst_trades))
    watch.follow(EVENT, (ZVE, VAN), BOOKS)
    return watch


def _trade(i: int, ticker: str = ZVE, price: str = "0.51", count: str = "2", seconds: float = 0) -> Trade:
    return Trade(f"t{i}", ticker, D(count), D(price), "bid", NOW + timedelta(seconds=seconds))


def test_the_reference_is_the_yes_mid_of_the_book() -> None:
    assert reference_price(BOOKS[ZVE]) == D("0.51")
    assert reference_price(book(ZVE, yes=[("0.50", "1")])) is None
    assert reference_price(None) is None


def test_pre_match_trickle_is_no_start() -> None:
    watch = _watch()
    verdicts = [watch.add(_trade(i, seconds=i * 20)) for i in range(40)]  # one print every 20 s
    assert verdicts == [None] * 40


def test_a_burst_of_prints_within_a_minute_is_a_start() -> None:
    watch = _watch()
    verdicts = [watch.add(_trade(i, seconds=i)) for i in range(25)]
    assert verdicts[:24] == [None] * 24
    assert verdicts[24] == "in-play trading: 25 trades, 50 contracts within 60 s"


def test_a_burst_of_volume_is_a_start() -> None:
    watch = _watch()
    sizes = ["300", "250", "200", "100"]
    assert [watch.add(_trade(i, count=c, seconds=i)) for i, c in enumerate(sizes)] == [None] * 4
    assert watch.add(_trade(9, ticker=VAN, price="0.47", count="150", seconds=30)) == (
        "in-play trading: 5 trades, 1000 contracts within 60 s"
    )


def test_a_price_jump_on_real_size_is_a_start_a_stray_contract_is_not() -> None:
    watch = _watch()
    assert watch.add(_trade(1, price="0.70", count="1")) is None  # one contract lifting a far ask
    reason = watch.add(_trade(2, price="0.68", count="12", seconds=5))
    assert reason == f"price jump: {ZVE} traded 13 contracts as far as 0.68 from 0.51 before"


def test_each_print_counts_once_whichever_feed_brings_it() -> None:
    watch = _watch(burst_trades=3)
    assert watch.add(_trade(1)) is None
    assert watch.add(_trade(1)) is None  # the same trade id again (REST after WebSocket)
    assert watch.add(_trade(2)) is None
    assert watch.add(_trade(3)) is not None


def test_old_prints_leave_the_window() -> None:
    watch = _watch(burst_trades=3)
    assert watch.add(_trade(1, seconds=0)) is None
    assert watch.add(_trade(2, seconds=30)) is None
    assert watch.add(_trade(3, seconds=95)) is None  # the first two are more than 60 s older


def test_a_market_not_followed_or_forgotten_is_ignored() -> None:
    watch = _watch(burst_trades=1)
    assert watch.add(_trade(1, ticker="KXATPMATCH-OTHER-X")) is None
    watch.forget(EVENT)
    assert watch.event_of(ZVE) is None
    assert watch.add(_trade(2)) is None


def test_retain_keeps_only_the_matches_a_scan_still_cares_about() -> None:
    watch = _watch(burst_trades=2)
    other = "KXATPMATCH-26SEP08SINMED"
    watch.follow(other, (f"{other}-SIN", f"{other}-MED"), {})
    assert watch.add(_trade(1)) is None
    watch.retain({other})
    assert watch.followed == {other}
    assert watch.add(_trade(2)) is None  # ZVE is no longer watched: its prints say nothing


def test_one_big_print_is_one_trader_not_play() -> None:
    watch = _watch()
    assert watch.add(_trade(1, count="1100", price="0.50")) is None
