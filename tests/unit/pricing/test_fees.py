"""Fees match Kalshi's worked numbers and the recorded fills (kalshi-api.md §4.1)."""

from decimal import Decimal as D

import pytest

from courtside.domain.market import FeeSchedule, FeeType
from courtside.pricing.fees import fee_per_contract, kalshi_fee

MAKER_FEES = FeeSchedule(FeeType.QUADRATIC_WITH_MAKER_FEES, D("1"))


@pytest.mark.parametrize(
    ("count", "price", "taker", "maker"),
    [
        ("1", "0.50", "0.0175", "0.0044"),
        ("1", "0.52", "0.0175", "0.0044"),
        ("10", "0.60", "0.1680", "0.0420"),
        ("25", "0.37", "0.4080", "0.1020"),
        ("100", "0.50", "1.7500", "0.4375"),
        ("100", "0.01", "0.0693", "0.0174"),
        ("1", "0.99", "0.0007", "0.0002"),
    ],
)
def test_worked_fee_table(count: str, price: str, taker: str, maker: str) -> None:
    assert kalshi_fee(D(count), D(price), MAKER_FEES) == D(taker)
    assert kalshi_fee(D(count), D(price), MAKER_FEES, maker=True) == D(maker)


def test_fee_is_symmetric_in_the_leg() -> None:
    assert kalshi_fee(D("7"), D("0.31"), MAKER_FEES) == kalshi_fee(D("7"), D("0.69"), MAKER_FEES)


def test_plain_quadratic_has_no_maker_fee_and_multiplier_scales() -> None:
    plain = FeeSchedule(FeeType.QUADRATIC, D("1"))
    assert kalshi_fee(D("10"), D("0.5"), plain, maker=True) == D("0")
    half = FeeSchedule(FeeType.QUADRATIC_WITH_MAKER_FEES, D("0.5"))
    assert kalshi_fee(D("100"), D("0.5"), half) == D("0.875")
    combo = FeeSchedule(FeeType.QUADRATIC_WITH_COMBO_MAKER_FEES, D("1"))
    assert kalshi_fee(D("100"), D("0.5"), combo, maker=True) == D("0.875")


def test_small_orders_pay_more_per_contract() -> None:
    assert fee_per_contract(D("1"), D("0.05"), MAKER_FEES) > fee_per_contract(D("100"), D("0.05"), MAKER_FEES)


def test_nonsense_inputs_are_refused() -> None:
    with pytest.raises(ValueError):
        kalshi_fee(D("1"), D("1.2"), MAKER_FEES)
