"""The tick grid and fixed-point formatting behave as Kalshi's price_ranges say."""

from decimal import Decimal as D

import pytest

from courtside.domain.money import LINEAR_CENT, PriceBand, TickGrid, fmt_count, fmt_dollars

TAPERED = TickGrid.of(
    [
        PriceBand(D("0"), D("0.10"), D("0.001")),
        PriceBand(D("0.10"), D("0.90"), D("0.01")),
        PriceBand(D("0.90"), D("1"), D("0.001")),
    ]
)


def test_linear_cent_accepts_whole_cents_only() -> None:
    grid = TickGrid(LINEAR_CENT)
    assert grid.is_valid(D("0.52"))
    assert not grid.is_valid(D("0.515"))  # the recorded invalid_price case
    assert not grid.is_valid(D("0"))
    assert not grid.is_valid(D("1"))


def test_rounding_snaps_to_the_grid() -> None:
    grid = TickGrid(LINEAR_CENT)
    assert grid.round_down(D("0.5150")) == D("0.51")
    assert grid.round_up(D("0.5150")) == D("0.52")
    assert grid.next_up(D("0.52")) == D("0.53")
    assert grid.next_down(D("0.01")) is None


def test_tapered_grid_has_finer_edges() -> None:
    assert TAPERED.is_valid(D("0.055"))
    assert not TAPERED.is_valid(D("0.555"))
    assert TAPERED.is_valid(D("0.955"))
    assert TAPERED.step_at(D("0.05")) == D("0.001")
    assert TAPERED.next_up(D("0.099")) == D("0.100")


def test_fixed_point_strings_match_kalshi_formats() -> None:
    assert fmt_dollars(D("0.52")) == "0.5200"
    assert fmt_dollars(D("0.0175"), 6) == "0.017500"
    assert fmt_count(D("3")) == "3.00"


def test_empty_price_ranges_is_an_error() -> None:
    with pytest.raises(ValueError, match="empty"):
        TickGrid.of([])
