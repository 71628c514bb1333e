"""Ready-made simulator sessions for tests and demos: a trader key and a market-maker key on a SimServer.

Used by the `sim_server` pytest fixture; the keys are registered through the real /_sim API.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa

from courtside.sim.control import SimControl
from courtside.sim.exchange import SimExchange
from courtside.sim.server import SimServer

PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
TRADER_KEY_ID = "a952bcbe-ec3b-4b5b-b8f9-11dae589608c"
MAKER_KEY_ID = "5f0c1d9e-2b7a-4c3e-9d41-7e8f6a5b4c3d"


def new_rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def public_pem(key: PrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def write_private_pem(key: PrivateKey, path: Path) -> Path:
    """PKCS#8 PEM, unencrypted, as Kalshi's download would be."""
    path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    path.chmod(0o600)
    return path


@dataclass(frozen=True)
class SimSession:
    """A running simulator with two funded users: the trader (you) and a market maker."""

    server: SimServer
    key_id: str
    private_key: PrivateKey
    private_key_path: Path
    user_id: str
    mm_key_id: str
    mm_private_key: PrivateKey
    mm_user_id: str

    @property
    def base_url(self) -> str:
        return self.server.base_url

    @property
    def ws_url(self) -> str:
        return self.server.ws_url

    @property
    def control(self) -> SimControl:
        return self.server.control

    @property
    def exchange(self) -> SimExchange:
        return self.server.exchange


def prepare_session(
    server: SimServer,
    trader_key: PrivateKey,
    trader_key_path: Path,
    maker_key: PrivateKey,
    *,
    trader_balances: dict[int, Decimal] | None = None,
    maker_balances: dict[int, Decimal] | None = None,
) -> SimSession:
    """Reset the server and register both users (trader: $1,000 on shards 0 and 3 unless told)."""
    control = server.control
    control.reset()
    trader = control.add_user(
        TRADER_KEY_ID, public_pem(trader_key), trader_balances or {0: Decimal("1000"), 3: Decimal("1000")}
    )
    maker = control.add_user(
        MAKER_KEY_ID, public_pem(maker_key), maker_balances or {0: Decimal("1000000"), 3: Decimal("1000000")}
    )
    return SimSession(
        server, TRADER_KEY_ID, trader_key, trader_key_path, trader, MAKER_KEY_ID, maker_key, maker
    )
