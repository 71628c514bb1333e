"""The `harness` fixture: a simulator session with two listed matches (see trader_sim.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from trader_sim import Harness, specs

from courtside.sim.generator import Liquidity, build_bundle


@pytest.fixture
def harness(sim_server: Any, tmp_path: Path) -> Harness:
    now = sim_server.exchange.now()
    bundle = build_bundle(specs(now), sim_server.mm_user_id, now, seed=3, liquidity=Liquidity(noise=0.0))
    sim_server.control.bulk(bundle)
    return Harness(sim_server, tmp_path)
