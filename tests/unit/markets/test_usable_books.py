"""usable_books: a match whose book is broken, crossed or off its market's tick grid is refused with the
reason; the other matches keep their books (one bad book never costs the batch)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from courtside.domain.market import MalformedBook
from courtside.domain.money import PriceBand, TickGrid
from courtside.markets.books import usable_books
from courtside.markets.match import parse_match
from trader_factories import book, event, series, two_books


def _matches() -> tuple:  # type: ignore[type-arg]
    first = parse_match(event(), series())
    second = parse_match(event("Jannik Sinner", "SIN", "Sinner", "Taylor Fritz", "FRI", "Fritz"), series())
    return first, second


def test_good_books_pass_with_their_matches() -> None:
    first, second = _matches()
    checked = usable_books([first, second], {**two_books(first.tickers), **two_books(second.tickers)})
    assert checked.matches == [first, second]
    assert checked.refused == []
    assert set(checked.books) == {*first.tickers, *second.tickers}


def test_a_malformed_book_refuses_only_its_match() -> None:
    first, second = _matches()
    fetched = {**two_books(first.tickers), **two_books(second.tickers)}
    fetched[second.tickers[1]] = MalformedBook(second.tickers[1], "malformed order book: level 0 ...")
    checked = usable_books([first, second], fetched)
    assert checked.matches == [first]
    assert checked.refused == [(second, f"{second.tickers[1]}: malformed order book: level 0 ...")]
    assert set(checked.books) == set(first.tickers)


def test_a_level_off_the_tick_grid_or_a_crossed_book_is_refused() -> None:
    first, _ = _matches()
    a = first.tickers[0]
    off = {**two_books(first.tickers), a: book(a, yes=[("0.505", "10")], no=[("0.48", "10")])}
    ((_, reason),) = usable_books([first], off).refused
    assert reason == f"{a}: order book YES bid 0.505 is off the tick grid"
    crossed = {**two_books(first.tickers), a: book(a, yes=[("0.55", "10")], no=[("0.48", "10")])}
    ((_, reason),) = usable_books([first], crossed).refused
    assert reason == f"{a}: the order book is crossed"


def test_the_grid_is_the_markets_own() -> None:
    """On a deci-cent market 0.505 is a price; on the 1-cent default it is not."""
    first, _ = _matches()
    fine = TickGrid.of([PriceBand(Decimal(0), Decimal(1), Decimal("0.001"))])
    a_side = replace(first.a, market=replace(first.a.market, tick_grid=fine))
    b_side = replace(first.b, market=replace(first.b.market, tick_grid=fine))
    deci = replace(first, a=a_side, b=b_side)
    a = deci.tickers[0]
    books = {**two_books(deci.tickers), a: book(a, yes=[("0.505", "10")], no=[("0.485", "10")])}
    assert usable_books([deci], books).refused == []


def test_a_market_without_a_book_is_left_to_the_risk_checks() -> None:
    first, _ = _matches()
    fetched = two_books(first.tickers)
    del fetched[first.tickers[1]]
    checked = usable_books([first], fetched)
    assert checked.matches == [first]
    assert set(checked.books) == {first.tickers[0]}
