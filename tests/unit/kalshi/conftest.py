"""Keys and recorded-file helpers for the Kalshi client tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="session")
def ed_key() -> ed25519.Ed25519PrivateKey:
    return ed25519.Ed25519PrivateKey.generate()


class Recorded:
    """Reads the recorded Kalshi responses (never copied into the repo)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def body(self, name: str) -> Any:
        return json.loads((self.root / f"{name}.json").read_text())

    def raw(self, name: str) -> bytes:
        return (self.root / f"{name}.json").read_bytes()

    def meta(self, name: str) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.root / f"{name}.meta.json").read_text())
        return data

    def names(self) -> list[str]:
        return sorted(
            p.name.removesuffix(".json")
            for p in self.root.glob("*.json")
            if not p.name.endswith(".meta.json")
        )


@pytest.fixture(scope="session")
def recorded(recorded_dir: Path) -> Recorded:
    return Recorded(recorded_dir)
