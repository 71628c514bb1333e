"""Shin de-vig and Kelly sizing on hand-checked numbers."""

from decimal import Decimal as D

import pytest

from courtside.pricing.devig import proportional, shin
from courtside.pricing.kelly import kelly_contracts, kelly_fraction


def test_even_odds_devig_to_one_half() -> None:
    assert shin(1.93, 1.93) == pytest.approx(0.5)
    assert proportional(1.93, 1.93) == pytest.approx(0.5)


def test_shin_shades_the_favourite_up_against_proportional() -> None:
    # Favourite-longshot bias: Shin gives the favourite more than proportional normalisation.
    p_shin, p_prop = shin(1.39, 3.25), proportional(1.39, 3.25)
    assert 0.69 < p_prop < p_shin < 0.71
    assert shin(3.25, 1.39) == pytest.approx(1 - p_shin)


def test_odds_without_margin_are_returned_as_is() -> None:
    assert shin(2.0, 2.0) == pytest.approx(0.5)
    assert shin(1.25, 5.0) == pytest.approx(0.8)


def test_bad_odds_are_refused() -> None:
    with pytest.raises(ValueError):
        shin(1.0, 3.0)


def test_kelly_fraction_and_contracts() -> None:
    assert kelly_fraction(0.6, D("0.5")) == D("0.2")
    assert kelly_fraction(0.4, D("0.5")) == D("0")
    # quarter Kelly on $1,000: stake 0.25 * 0.2 * 1000 = $50 -> 100 contracts at $0.50
    assert kelly_contracts(0.6, D("0.5"), D("1000"), D("0.25")) == D("100")
    assert kelly_contracts(0.6, D("0.5"), D("0"), D("0.25")) == D("0")
