"""The `day` fixture (dashboard_day.py): a short live day on the simulator and the dashboard over it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dashboard_day import Day, make_day


@pytest.fixture
async def day(sim_server: Any, tmp_path: Path) -> Day:
    return await make_day(sim_server, tmp_path)
