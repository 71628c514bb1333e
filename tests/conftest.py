"""Shared fixtures: where the match history and the recorded Kalshi responses are."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from cryptography.hazmat.primitives.asymmetric import rsa

    from courtside.sim.server import SimServer
    from courtside.sim.testing import SimSession

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


@pytest.fixture(autouse=True)
def _own_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test has its own home folder: nothing a test runs reads or writes the checkout's
    var/ and logs/ (the home a source checkout resolves to)."""
    monkeypatch.setenv("COURTSIDE_HOME", str(tmp_path_factory.mktemp("home")))


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


# --- simulated exchange (courtside.sim) --------------------------------------------------------


@pytest.fixture(scope="session")
def rsa_private_key() -> rsa.RSAPrivateKey:
    """An RSA-2048 private key (cryptography object), made once per session."""
    from courtside.sim.testing import new_rsa_key

    return new_rsa_key()


@pytest.fixture(scope="session")
def _sim_server_running() -> Iterator[tuple[SimServer, rsa.RSAPrivateKey]]:
    """One uvicorn-served simulator per session (plus the market maker's key); reset per test."""
    from courtside.sim.server import SimServer
    from courtside.sim.testing import new_rsa_key

    with SimServer(seed=0) as server:
        yield server, new_rsa_key()


@pytest.fixture
def sim_server(
    _sim_server_running: tuple[SimServer, rsa.RSAPrivateKey],
    rsa_private_key: rsa.RSAPrivateKey,
    tmp_path: Path,
) -> Iterator[SimSession]:
    """A fresh SimSession: base_url, ws_url, key_id, private_key(+_path), user_id, mm_* and control."""
    from courtside.sim.testing import prepare_session, write_private_pem

    server, maker_key = _sim_server_running
    key_path = write_private_pem(rsa_private_key, tmp_path / "kalshi-sim.pem")
    yield prepare_session(server, rsa_private_key, key_path, maker_key)
    server.control.clear_faults()


@pytest.fixture(autouse=True)
def _no_logging_left_behind() -> Iterator[None]:
    """A command run in one test installs courtside's log handlers (console and file); remove them
    after it, so a later test's captured output holds only what that test's command printed."""
    import logging

    yield
    root = logging.getLogger("courtside")
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
