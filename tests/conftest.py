"""Shared fixtures: where the match history and the recorded Kalshi responses are."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def _data_dir() -> Path | None:
    env = os.environ.get("COURTSIDE_DATA")
    if env:
        path = Path(env)
        return path if path.is_dir() else None
    return None


def _recorded_dir() -> Path | None:
    env = os.environ.get("COURTSIDE_RECORDED")
    path = Path(env) if env else PROJECT_ROOT.parent / "shared" / "kalshi" / "recorded"
    return path if path.is_dir() else None


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The Sackmann + tennis-data history ($COURTSIDE_DATA); skips with a reason when absent."""
    path = _data_dir()
    if path is None:
        pytest.skip("match history not available: set COURTSIDE_DATA (or run `courtside data sync`)")
    return path


@pytest.fixture(scope="session")
def recorded_dir() -> Path:
    """Real Kalshi responses ($COURTSIDE_RECORDED or ../shared/kalshi/recorded)."""
    path = _recorded_dir()
    if path is None:
        pytest.skip("recorded Kalshi responses not found: set COURTSIDE_RECORDED")
    return path
