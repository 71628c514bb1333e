"""Best first: candidates ranked by the dollars the order the bot would place is expected to make after
fees, not by the percentage EV and not by listing order; the notes that say who took the room."""

from __future__ import annotations

from decimal import Decimal

from courtside.domain.market import OrderBook
from courtside.markets.match import TennisMatch, parse_match
from courtside.strategy.decide import (
    Candidate,
    OrderIntent,
    PricedMatch,
    StrategyParams,
    StrategyState,
    choose,
    size,
)
from courtside.strategy.rank import better, expected_profit, rank
from courtside.strategy.sizing import SizingParams, all_in_cost
from trader_factories import NOW, book, event, series

D = Decimal
PARAMS = StrategyParams(max_hours=1000, min_minutes=0, sizing=SizingParams(max_size=D(10)))
STATE = StrategyState(NOW, D(1000), D(0), D(1000))


def _match(a: str, b: str) -> TennisMatch:
    return parse_match(event(a_code=a, a_surname=a.title(), b_code=b, b_surname=b.title(),
                             a_name=f"X {a.title()}", b_name=f"Y {b.title()}"), series())  # fmt: skip


def _listed(a: str, b: str, p_a: float, yes_bid_a: str) -> tuple[Candidate, dict[str, OrderBook]]:
    """A match whose A market is bid at `yes_bid_a` (asked a cent higher), B mirrored; P(A) = p_a."""
    m = _match(a, b)
    bid = D(yes_bid_a)
    ta, tb = m.tickers
    books = {
        ta: book(ta, yes=[(str(bid), "500")], no=[(str(1 - bid - D("0.02")), "500")]),
        tb: book(tb, yes=[(str(1 - bid - D("0.02")), "500")], no=[(str(bid), "500")]),
    }
    chosen = choose(PricedMatch(m, p_a), books, PARAMS, NOW)
    assert isinstance(chosen, Candidate), chosen
    return chosen, books


def test_expected_profit_is_p_times_count_minus_the_all_in_cost() -> None:
    c, books = _listed("ZVE", "VAN", 0.70, "0.50")
    intent = size(c, books, PARAMS, STATE)
    assert isinstance(intent, OrderIntent)
    q = intent.quote
    assert expected_profit(q) == D("0.7") * q.count - (q.count * q.avg_price + q.fee)
    assert expected_profit(q) == D("0.7") * q.count - all_in_cost(q)


def test_the_larger_dollar_profit_ranks_first_even_with_a_smaller_percentage_ev() -> None:
    """10 cheap contracts with a huge EV per dollar earn less than 10 dear ones with a big edge."""
    cheap, books_cheap = _listed("SIN", "MED", 0.22, "0.10")  # about 0.11 all-in for 0.22: EV about 95%
    dear, books_dear = _listed("RUB", "PAU", 0.85, "0.60")  # about 0.61 for 0.85: EV about 38%
    ranked, unsized = rank([cheap, dear], books_cheap | books_dear, PARAMS, STATE)
    assert unsized == []
    assert [r.event_ticker for r in ranked] == [dear.event_ticker, cheap.event_ticker]
    assert [r.rank for r in ranked] == [1, 2]
    assert (
        ranked[0].intent.quote.ev < ranked[1].intent.quote.ev
    )  # the percentage would rank them the other way
    assert ranked[0].profit > ranked[1].profit
    assert all(r.profit == expected_profit(r.intent.quote) for r in ranked)


def test_listing_order_does_not_matter_and_ties_keep_it() -> None:
    small, b1 = _listed("ZVE", "VAN", 0.58, "0.50")
    big, b2 = _listed("RUB", "PAU", 0.75, "0.50")
    twin, b3 = _listed("FRI", "SHE", 0.75, "0.50")
    books = b1 | b2 | b3
    first = rank([small, big, twin], books, PARAMS, STATE)[0]
    again = rank([twin, small, big], books, PARAMS, STATE)[0]
    assert [r.event_ticker for r in first] == [big.event_ticker, twin.event_ticker, small.event_ticker]
    assert [r.event_ticker for r in again] == [twin.event_ticker, big.event_ticker, small.event_ticker]


def test_a_candidate_that_sizes_to_nothing_on_the_whole_room_takes_no_place() -> None:
    c, books = _listed("ZVE", "VAN", 0.70, "0.50")
    broke = StrategyState(NOW, D(1000), D(0), D("0.20"))  # twenty cents of cash
    ranked, unsized = rank([c], books, PARAMS, broke)
    assert ranked == []
    ((who, why),) = unsized
    assert who is c
    assert why.reasons[0].startswith("fewer than 1 whole contract fits the cash left ($0.20;")


def test_better_names_the_ranks_and_markets_that_took_the_room() -> None:
    assert better([(1, "KXA-1"), (2, "KXB-2"), (3, "KXC-3")]) == "#1-#3: KXA-1, KXB-2, KXC-3"
    assert better([(2, "KXB-2")]) == "#2: KXB-2"
    assert better([(3, "KXC-3"), (1, "KXA-1")]) == "#1, #3: KXA-1, KXC-3"
    assert better([]) == "earlier orders"
