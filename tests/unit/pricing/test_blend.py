"""The market as a prior: the de-vigged mid of both books and the logit blend, worked by hand."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from courtside.pricing.blend import blend, book_mid, logit, market_probability, sigmoid
from trader_factories import book

D = Decimal

# A: YES 0.50 bid / 0.52 ask (NO bid 0.48)  -> mid 0.51
# B: YES 0.44 bid / 0.46 ask (NO bid 0.54)  -> mid 0.45, so NO on B has mid 0.55
A = book("E-A", yes=[("0.50", "100")], no=[("0.48", "20"), ("0.47", "50")])
B = book("E-B", yes=[("0.44", "30")], no=[("0.54", "40")])


def test_market_probability_is_the_mean_of_yes_on_a_and_no_on_b() -> None:
    assert market_probability(A, B).p_a == D("0.53")  # (0.51 + 0.55) / 2


def test_market_probability_is_exactly_symmetric() -> None:
    for a, b in ((A, B), (book("X", yes=[("0.07", "5")], no=[("0.90", "5")]), B)):
        forward, backward = market_probability(a, b).p_a, market_probability(b, a).p_a
        assert forward is not None
        assert backward is not None
        assert forward + backward == 1  # in Decimal: no rounding at all


@pytest.mark.parametrize(
    ("b", "why"),
    [
        (book("E-B", yes=[("0.44", "30")]), "E-B: one-sided book"),
        (book("E-B", no=[("0.54", "40")]), "E-B: one-sided book"),
        (book("E-B"), "E-B: one-sided book"),
        (book("E-B", yes=[("0.47", "30")], no=[("0.54", "40")]), "E-B: crossed book (bid 0.47 >= ask 0.46)"),
        (book("E-B", yes=[("0.46", "30")], no=[("0.54", "40")]), "E-B: crossed book (bid 0.46 >= ask 0.46)"),
    ],
)
def test_no_market_probability_without_two_sane_books(b: object, why: str) -> None:
    got = market_probability(A, b)  # type: ignore[arg-type]
    assert got.p_a is None
    assert got.reason == why
    assert market_probability(b, A).p_a is None  # type: ignore[arg-type]


def test_a_spread_wider_than_the_limit_gives_no_mid() -> None:
    wide = book("E-W", yes=[("0.10", "5")], no=[("0.10", "5")])  # 0.10 bid, 0.90 ask
    assert book_mid(wide) == (D("0.50"), "")
    assert book_mid(wide, D("0.15")) == (None, "E-W: spread 0.80 above 0.15")
    assert market_probability(A, wide, D("0.15")).p_a is None


def test_weight_one_is_the_model_and_weight_zero_the_market_exactly() -> None:
    for p in (0.013, 0.3, 0.5, 0.6, 0.987654321):
        assert blend(p, 0.53, 1.0) == p
        assert blend(0.53, p, 0.0) == p


def test_blend_by_hand_is_a_weighted_geometric_mean_of_odds() -> None:
    # w = 0.5: odds = sqrt(0.6/0.4 x 0.53/0.47)
    odds = math.sqrt(1.5 * 0.53 / 0.47)
    assert blend(0.6, 0.53, 0.5) == pytest.approx(odds / (1 + odds), abs=1e-15)
    odds = (1.5**0.3) * ((0.53 / 0.47) ** 0.7)
    assert blend(0.6, 0.53, 0.3) == pytest.approx(odds / (1 + odds), abs=1e-15)
    assert 0.53 < blend(0.6, 0.53, 0.3) < blend(0.6, 0.53, 0.5) < 0.6


def test_blend_is_symmetric_in_the_players() -> None:
    for p, q, w in ((0.625, 0.375, 0.3), (0.9, 0.53, 0.5), (0.1, 0.8, 0.2), (0.75, 0.5, 0.99)):
        assert blend(1 - p, 1 - q, w) == pytest.approx(1 - blend(p, q, w), abs=1e-15)


def test_blend_refuses_a_weight_outside_the_unit_interval_and_degenerate_probabilities() -> None:
    for w in (-0.1, 1.01, math.nan):
        with pytest.raises(ValueError, match="model weight"):
            blend(0.6, 0.5, w)
    for p in (0.0, 1.0):
        with pytest.raises(ValueError, match="probabilities"):
            blend(p, 0.5, 0.5)


def test_sigmoid_inverts_logit_without_overflow() -> None:
    for p in (1e-12, 0.2, 0.5, 0.8, 1 - 1e-12):
        assert sigmoid(logit(p)) == pytest.approx(p, rel=1e-9)
    assert sigmoid(-1000.0) == 0.0
    assert sigmoid(1000.0) == 1.0
