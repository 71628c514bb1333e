"""Fixtures for the client's integration tests: recorded bodies and a test key."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa


@pytest.fixture(scope="session")
def body(recorded_dir: Path) -> Callable[[str], Any]:
    """A recorded Kalshi response body by file stem."""

    def load(name: str) -> Any:
        return json.loads((recorded_dir / f"{name}.json").read_text())

    return load


@pytest.fixture(scope="session")
def rsa_key(rsa_private_key: rsa.RSAPrivateKey) -> rsa.RSAPrivateKey:
    """The session's test key (tests/conftest.py)."""
    return rsa_private_key
