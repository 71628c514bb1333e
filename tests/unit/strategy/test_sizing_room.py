"""Sizing on the room left: exposure and cash after the orders placed so far; whole contracts; a
zero size says why. The maker quote on YES ZVE is 0.51 with a maker fee of ceil4(0.0175 x 10 x 0.51
x 0.49) = 0.0438 for ten, so one contract costs 0.51438 all-in at the reference count."""

from __future__ import annotations

from decimal import Decimal

from courtside.domain.market import ExchangeStatus, OrderBook, ShardStatus
from courtside.markets.match import TennisMatch, parse_match
from courtside.pricing.edge import EdgeParams, Leg, Quote, Style, price_routes
from courtside.risk.checks import Proposal, RiskLimits, RiskView, evaluate
from courtside.strategy.decide import NoTrade, OrderIntent, PricedMatch, StrategyParams, StrategyState, decide
from courtside.strategy.sizing import SizingParams, all_in_cost, room, size
from trader_factories import NOW, event, series, two_books

D = Decimal
BIG = SizingParams(max_size=D(1000), max_exposure=D(10))


def _match() -> TennisMatch:
    return parse_match(event(), series())


def _books(m: TennisMatch) -> dict[str, OrderBook]:
    return two_books(m.tickers)


def _maker_zve() -> Quote:
    m = _match()
    books = _books(m)
    a, b = (
        Leg(s.market.ticker, s.market.code, books[s.market.ticker], s.market.tick_grid) for s in (m.a, m.b)
    )
    quotes = price_routes(0.60, a, b, m.fees, EdgeParams())
    return next(q for q in quotes if q.route.label == "Y-ZVE" and q.style is Style.MAKER)


def test_the_exposure_room_left_binds() -> None:
    s = size(_maker_zve(), BIG, D(1000), open_exposure=D(7))  # 3 / 0.51438 = 5.8
    assert (s.count, s.binding, s.reason) == (D(5), "exposure", "")


def test_the_cash_left_binds() -> None:
    s = size(_maker_zve(), BIG, D(1000), open_exposure=D(0), cash=D(2))  # 2 / 0.51438 = 3.9
    assert (s.count, s.binding) == (D(3), "cash")


def test_no_whole_contract_in_the_exposure_room_says_so() -> None:
    s = size(_maker_zve(), BIG, D(1000), open_exposure=D("9.70"))
    assert s.count == 0
    assert s.reason == (
        "fewer than 1 whole contract fits the exposure room left ($0.30 of max-exposure 10 with $9.70 open; "
        "one contract costs $0.5144 all-in)"
    )
    over = size(_maker_zve(), BIG, D(1000), open_exposure=D(12))  # already past the limit
    assert over.count == 0
    assert "($0.00 of max-exposure 10 with $12.00 open" in over.reason


def test_no_whole_contract_in_the_cash_left_says_so() -> None:
    s = size(_maker_zve(), BIG, D(1000), open_exposure=D(0), cash=D("0.40"))
    assert (s.count, s.binding) == (D(0), "cash")
    assert s.reason.startswith("fewer than 1 whole contract fits the cash left ($0.40;")


def test_a_tiny_bankroll_gives_kelly_no_whole_contract() -> None:
    s = size(_maker_zve(), SizingParams(), D(2), open_exposure=D(0))
    assert (s.count, s.binding) == (D(0), "kelly")
    assert s.reason.startswith("fewer than 1 whole contract at fractional Kelly (bankroll $2.00;")


def test_room_is_the_smaller_of_exposure_left_and_cash() -> None:
    assert room(BIG, D(4), None) == D(6)
    assert room(BIG, D(4), D("2.5")) == D("2.5")


def _decide(open_exposure: str, cash: str | None = None) -> OrderIntent | NoTrade:
    m = _match()
    params = StrategyParams(max_hours=1000, min_minutes=0, sizing=BIG)
    state = StrategyState(NOW, D(1000), D(open_exposure), None if cash is None else D(cash))
    return decide(PricedMatch(m, 0.60), _books(m), params, state)


def test_decide_shrinks_the_order_to_the_room_left() -> None:
    d = _decide("7")
    assert isinstance(d, OrderIntent)
    assert (d.count, d.binding_cap) == (D(5), "exposure")
    assert all_in_cost(d.quote) == D("2.5719")  # 5 x 0.51 + ceil4(0.0175 x 5 x 0.2499)


def test_decide_takes_a_contract_off_when_the_rounded_fee_would_pass_the_room() -> None:
    """Three contracts at the reference cost 0.51438 fill the room exactly, but the fee of an order of
    three rounds up to 0.0132 (0.0044 a contract): 1.5432 > 1.54314. Two are ordered, and the
    exposure check, counting the order as it will be sent, lets them through."""
    left = D(3) * D("0.51438")
    d = _decide(str(D(10) - left))
    assert isinstance(d, OrderIntent)
    assert d.count == 2
    assert all_in_cost(d.quote) <= left
    m = _match()
    view = RiskView(now=NOW, exchange=ExchangeStatus(True, True, (ShardStatus(3, True, True),)),
                    open_exposure=D(10) - left)  # fmt: skip
    assert evaluate(Proposal(d, m, _books(m)), view, RiskLimits(max_exposure=D(10))) == []


def test_decide_refuses_when_no_whole_contract_fits() -> None:
    d = _decide("9.70")
    assert isinstance(d, NoTrade)
    assert d.reasons[0].startswith("fewer than 1 whole contract fits the exposure room left")
    d = _decide("0", cash="0.30")
    assert isinstance(d, NoTrade)
    assert d.reasons[0].startswith("fewer than 1 whole contract fits the cash left ($0.30;")
