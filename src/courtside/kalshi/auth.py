"""Request signing for the Kalshi API, as a pure function plus an httpx.Auth.

Signature = base64(RSA-PSS(SHA-256, MGF1-SHA-256, salt = digest length)) over
str(ts_ms) + METHOD + path, where path includes /trade-api/v2 and excludes the query;
Ed25519 keys sign the same text (docs:getting_started/quick_start_authenticated_requests,
kalshi-api.md §1.2). The key id and key never appear in reprs, logs or errors.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Generator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from courtside.domain.errors import ConfigError
from courtside.kalshi.env import WS_PATH

PrivateKey = rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
NowMs = Callable[[], int]

HEADER_KEY = "KALSHI-ACCESS-KEY"
HEADER_TS = "KALSHI-ACCESS-TIMESTAMP"
HEADER_SIG = "KALSHI-ACCESS-SIGNATURE"


def system_now_ms() -> int:
    """Unix time in milliseconds from the machine clock."""
    return time.time_ns() // 1_000_000


def signing_text(ts_ms: int, method: str, url_or_path: str) -> bytes:
    """The exact bytes Kalshi verifies: ts + METHOD + path, the query string dropped."""
    path = urlsplit(url_or_path).path
    return f"{ts_ms}{method.upper()}{path}".encode()


def sign(private_key: PrivateKey, ts_ms: int, method: str, url_or_path: str) -> str:
    """Base64 signature of one request (RSA-PSS is randomized: verify it, never compare it)."""
    message = signing_text(ts_ms, method, url_or_path)
    if isinstance(private_key, ed25519.Ed25519PrivateKey):
        raw = private_key.sign(message)
    else:
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
        raw = private_key.sign(message, pss, hashes.SHA256())
    return base64.b64encode(raw).decode("ascii")


def auth_headers(key_id: str, private_key: PrivateKey, method: str, url: str, ts_ms: int) -> dict[str, str]:
    """The three KALSHI-ACCESS-* headers for one request at ts_ms."""
    return {
        HEADER_KEY: key_id,
        HEADER_TS: str(ts_ms),
        HEADER_SIG: sign(private_key, ts_ms, method, url),
    }


def load_private_key(path: Path | str) -> PrivateKey:
    """Load a PKCS#1 or PKCS#8 PEM (RSA or Ed25519); errors name the path, never the content."""
    file = Path(path).expanduser()
    try:
        data = file.read_bytes()
    except OSError as e:
        raise ConfigError(f"cannot read the Kalshi private key file {file}: {e.strerror}") from e
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise ConfigError(
            f"{file} is not an unencrypted PEM private key (PKCS#1 or PKCS#8, RSA or Ed25519)"
        ) from e
    if not isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        raise ConfigError(f"{file} holds a {type(key).__name__}; Kalshi keys are RSA or Ed25519")
    return key


class Credentials(BaseSettings):
    """KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH from the environment or `.env`."""

    model_config = SettingsConfigDict(env_prefix="KALSHI_", env_file=".env", extra="ignore")

    api_key_id: SecretStr
    private_key_path: Path

    @classmethod
    def from_env(cls, env_file: Path | str | None = ".env") -> Credentials:
        """Read the settings; a missing one is a ConfigError that names the variable only."""
        from pydantic import ValidationError

        try:
            return cls(_env_file=env_file)
        except ValidationError as e:
            missing = ", ".join(f"KALSHI_{str(err['loc'][0]).upper()}" for err in e.errors())
            raise ConfigError(f"Kalshi credentials incomplete: set {missing} (environment or .env)") from None

    def key(self) -> PrivateKey:
        return load_private_key(self.private_key_path)

    def auth(self, now_ms: NowMs = system_now_ms) -> KalshiAuth:
        return KalshiAuth(self.api_key_id.get_secret_value(), self.key(), now_ms=now_ms)


class KalshiAuth(httpx.Auth):
    """Signs every attempt with a fresh timestamp (a retried request is re-signed)."""

    def __init__(self, key_id: str, private_key: PrivateKey, *, now_ms: NowMs = system_now_ms) -> None:
        self._key_id = key_id
        self._key = private_key
        self._now_ms = now_ms

    def __repr__(self) -> str:
        return "KalshiAuth(key_id=***, key=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        headers = auth_headers(self._key_id, self._key, request.method, str(request.url), self._now_ms())
        request.headers.update(headers)
        yield request

    def ws_headers(self, ws_url: str | None = None) -> dict[str, str]:
        """Headers for the WebSocket handshake: signs GET /trade-api/ws/v2 (or the URL's path)."""
        return ws_auth_headers(self._key_id, self._key, ws_url or WS_PATH, self._now_ms())


def ws_auth_headers(key_id: str, private_key: PrivateKey, ws_url: str, ts_ms: int) -> dict[str, str]:
    """Signed headers for the WebSocket upgrade (GET + the WS path)."""
    return auth_headers(key_id, private_key, "GET", ws_url, ts_ms)
