"""Fixtures of the simulator unit tests."""

from __future__ import annotations

import pytest
from simvenue import Venue, make_venue


@pytest.fixture
def venue() -> Venue:
    return make_venue()
