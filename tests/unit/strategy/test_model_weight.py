"""decide() with the market as a prior: --model-weight blends the model with the books' de-vigged mid
before any edge is computed.

The books (as in test_edge_and_decide.py):
  A (ZVE): YES 0.50 bid / 0.52 ask (x20, then 0.53 x50)  -> mid 0.51
  B (VAN): YES 0.44 bid / 0.46 ask                       -> mid 0.45, NO on B mid 0.55
so the market says P(Zverev) = 0.53.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from courtside.domain.market import OrderBook
from courtside.domain.orders import Outcome
from courtside.markets.match import TennisMatch, parse_match
from courtside.pricing.blend import blend
from courtside.strategy.decide import (
    Decision,
    NoTrade,
    OrderIntent,
    OrderStyle,
    PricedMatch,
    StrategyParams,
    StrategyState,
    decide,
)
from trader_factories import NOW, book, event, series

D = Decimal
EVENT = "KXATPMATCH-26SEP08ZVEVAN"
ZVE = ("Alexander Zverev", "ZVE", "Zverev")
VAN = ("Botic van de Zandschulp", "VAN", "Van de Zandschulp")
STATE = StrategyState(now=NOW, bankroll=D(1000), open_exposure=D(0))


def _match(swapped: bool = False) -> TennisMatch:
    first, second = (VAN, ZVE) if swapped else (ZVE, VAN)
    return parse_match(event(*first, *second, event_ticker=EVENT), series())


def _books(**override: OrderBook) -> dict[str, OrderBook]:
    books = {
        "ZVE": book(f"{EVENT}-ZVE", yes=[("0.50", "100")], no=[("0.48", "20"), ("0.47", "50")]),
        "VAN": book(f"{EVENT}-VAN", yes=[("0.44", "30")], no=[("0.54", "40")]),
    }
    books.update(override)
    return {b.ticker: b for b in books.values()}


def _decide(p_a: float, weight: float, swapped: bool = False, **kw: object) -> Decision:
    books = kw.pop("books", None) or _books()
    params = StrategyParams(model_weight=weight, **kw)  # type: ignore[arg-type]
    return decide(PricedMatch(_match(swapped), p_a), books, params, STATE)  # type: ignore[arg-type]


def test_weight_one_is_todays_decision_and_carries_both_probabilities() -> None:
    d = _decide(0.60, 1.0, order_style=OrderStyle.TAKER)
    assert isinstance(d, OrderIntent)
    assert d.quote.p == 0.60  # edge and EV on the model's probability, untouched
    assert d.belief is not None
    assert (d.belief.p_model, d.belief.p_market, d.belief.p) == (0.60, 0.53, 0.60)
    assert d == _decide(0.60, 1.0, order_style=OrderStyle.TAKER)


def test_weight_one_never_refuses_for_want_of_a_market_price() -> None:
    """A one-sided VAN book leaves no market probability; the model alone still trades ZVE."""
    one_sided = _books(VAN=book(f"{EVENT}-VAN", yes=[("0.44", "30")]))
    d = _decide(0.60, 1.0, books=one_sided, order_style=OrderStyle.TAKER)
    assert isinstance(d, OrderIntent)
    assert d.ticker == f"{EVENT}-ZVE"
    assert d.belief is not None
    assert d.belief.p_market is None


@pytest.mark.parametrize(
    "van",
    [
        book(f"{EVENT}-VAN", yes=[("0.44", "30")]),  # no ask
        book(f"{EVENT}-VAN"),  # empty
        book(f"{EVENT}-VAN", yes=[("0.48", "30")], no=[("0.54", "40")]),  # crossed: bid 0.48 > ask 0.46
        book(f"{EVENT}-VAN", yes=[("0.05", "30")], no=[("0.54", "40")]),  # spread 0.41 > max-spread
    ],
)
def test_below_weight_one_no_market_probability_refuses_the_match(van: OrderBook) -> None:
    d = _decide(0.60, 0.5, books=_books(VAN=van), order_style=OrderStyle.TAKER)
    assert isinstance(d, NoTrade)
    (reason,) = d.reasons
    assert reason.startswith("no market probability for the blend: ")
    assert f"{EVENT}-VAN" in reason


def test_the_blend_is_applied_before_the_edge_and_can_refuse_what_the_model_alone_takes() -> None:
    """0.60 alone: 8 cents over the 0.52 ask. Blended at w = 0.3 with 0.53: 0.551, EV 2.5% < 5%."""
    assert isinstance(_decide(0.60, 1.0, order_style=OrderStyle.TAKER), OrderIntent)
    d = _decide(0.60, 0.3, order_style=OrderStyle.TAKER)
    assert isinstance(d, NoTrade)
    assert d.belief is not None
    assert d.belief.p == pytest.approx(blend(0.60, 0.53, 0.3))
    assert d.best is not None
    assert d.best.p == d.belief.p
    assert d.best.value_edge == D(str(d.belief.p)) - D("0.52")
    assert any("< min-ev 0.05" in r for r in d.reasons)


def test_weight_zero_is_the_market_and_takes_nothing_after_spread_and_fees() -> None:
    """Whatever the model says, at w = 0 no taker route clears the fee, even at zero thresholds. (These
    books let YES on both sides be bought for 0.98: YES on VAN at 0.46 is a cent under the blended
    0.47 before the fee, 0.75 cent over it after.)"""
    for p in (0.01, 0.2, 0.53, 0.8, 0.99):
        d = _decide(p, 0.0, order_style=OrderStyle.TAKER, min_value=D(0), min_ev=D(0))
        assert isinstance(d, NoTrade), p
        assert d.belief is not None
        assert d.belief.p == 0.53
        assert all(q.ev < 0 for q in d.quotes if q.style.value == "taker")


@pytest.mark.parametrize("style", list(OrderStyle))
@pytest.mark.parametrize(("p_a", "weight"), [(0.60, 1.0), (0.60, 0.5), (0.75, 0.3), (0.30, 0.5), (0.42, 0.2)])
def test_swapping_the_players_swaps_nothing_but_the_names(
    p_a: float, weight: float, style: OrderStyle
) -> None:
    forward = _decide(p_a, weight, order_style=style)
    backward = _decide(1.0 - p_a, weight, swapped=True, order_style=style)
    assert forward.belief is not None
    assert backward.belief is not None
    assert forward.belief.p_market is not None
    assert backward.belief.p_market is not None
    assert forward.belief.p_market + backward.belief.p_market == 1.0
    assert backward.belief.p == pytest.approx(1.0 - forward.belief.p, abs=1e-12)
    assert type(forward) is type(backward)
    if isinstance(forward, OrderIntent) and isinstance(backward, OrderIntent):
        assert (forward.ticker, forward.quote.route.outcome, forward.quote.price, forward.count) == (
            backward.ticker,
            backward.quote.route.outcome,
            backward.quote.price,
            backward.count,
        )


def test_the_blend_picks_the_same_side_the_model_likes_only_when_the_market_agrees_enough() -> None:
    """The model backs VAN at 0.70 (market 0.47): blended at 0.5 (0.588) YES on VAN at 0.46 still clears
    the thresholds."""
    d = _decide(0.30, 0.5, order_style=OrderStyle.TAKER)
    assert isinstance(d, OrderIntent)
    assert d.quote.route.backs == "b"
    assert (d.ticker, d.quote.route.outcome, d.quote.price) == (f"{EVENT}-VAN", Outcome.YES, D("0.46"))
    assert d.belief is not None
    assert 0.47 < 1 - d.belief.p < 0.70


def test_a_weight_outside_the_unit_interval_is_refused() -> None:
    for w in (-0.01, 1.5):
        with pytest.raises(ValueError, match="model weight"):
            StrategyParams(model_weight=w)


def test_weight_zero_still_rests_a_maker_bid_inside_a_wide_spread() -> None:
    """At w = 0 no taker route pays, but a maker joining one tick inside a 10-cent spread earns half of it
    if filled: YES on ZVE at 0.46 against a mid of 0.50 is 7.7% EV after the maker fee. The blend does not
    price adverse selection; --min-value and --min-ev are what keep such bids out."""
    wide = _books(
        ZVE=book(f"{EVENT}-ZVE", yes=[("0.45", "50")], no=[("0.45", "50")]),
        VAN=book(f"{EVENT}-VAN", yes=[("0.45", "50")], no=[("0.45", "50")]),
    )
    d = _decide(0.99, 0.0, books=wide, order_style=OrderStyle.MAKER)
    assert isinstance(d, OrderIntent)
    assert (d.quote.price, d.quote.value_edge) == (D("0.46"), D("0.04"))
    assert isinstance(_decide(0.99, 0.0, books=wide, order_style=OrderStyle.TAKER), NoTrade)
    assert isinstance(
        _decide(0.99, 0.0, books=wide, order_style=OrderStyle.MAKER, min_value=D("0.05")), NoTrade
    )
