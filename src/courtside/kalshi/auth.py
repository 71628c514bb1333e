"""Request signing for the Kalshi API, as a pure function plus an httpx.Auth.

Signature = base64(RSA-PSS(SHA-256, MGF1-SHA-256, salt = digest length)) over
str(ts_ms) + METHOD + path, where path includes /trade-api/v2 and excludes the query;
Ed25519 keys sign the same text (docs:getting_started/quick_start_authenticated_requests,
kalshi-api.md §1.2). The key id and key never appear in reprs, logs or errors.
"""

from __future__ import annotations

import base64
import os
import re
import stat
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
# A key file is a PEM of a few kB (RSA-4096 PKCS#8 is about 3.3 kB); anything much larger is not one.
MAX_KEY_FILE = 64 * 1024
MIN_RSA_BITS = 2048  # Kalshi issues 2048-bit RSA keys (kalshi-api.md §1.2); below that, PSS-SHA256 breaks
# The key id goes out as a header value: visible ASCII only (Kalshi's are UUIDs), so a stray newline or
# space from a .env file is a setting to fix, not a network error to retry.
KEY_ID = re.compile(r"[!-~]{1,128}", re.ASCII)


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


def _read_key_file(file: Path) -> bytes:
    """The bytes of a regular file of at most MAX_KEY_FILE bytes. Opened without blocking and checked
    on the open descriptor, so a FIFO, a device or a folder is refused instead of hanging the start."""
    try:
        fd = os.open(file, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as e:
        raise ConfigError(f"cannot read the Kalshi private key file {file}: {e.strerror}") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise ConfigError(f"the Kalshi private key path {file} is not a regular file")
    with os.fdopen(fd, "rb") as handle:
        data = handle.read(MAX_KEY_FILE + 1)
    if len(data) > MAX_KEY_FILE:
        raise ConfigError(f"{file} is larger than {MAX_KEY_FILE} bytes: not a private key PEM")
    return data


def load_private_key(path: Path | str) -> PrivateKey:
    """Load a PKCS#1 or PKCS#8 PEM (RSA of at least 2048 bits, or Ed25519) from a regular file of sane
    size; errors are one line naming the path, never the content."""
    file = Path(path).expanduser()
    data = _read_key_file(file)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm):
        raise ConfigError(
            f"{file} is not an unencrypted PEM private key (PKCS#1 or PKCS#8, RSA or Ed25519)"
        ) from None
    if not isinstance(key, rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey):
        raise ConfigError(f"{file} holds a {type(key).__name__}; Kalshi keys are RSA or Ed25519")
    if isinstance(key, rsa.RSAPrivateKey) and key.key_size < MIN_RSA_BITS:
        raise ConfigError(
            f"{file} holds a {key.key_size}-bit RSA key; Kalshi keys are at least {MIN_RSA_BITS} bits"
        )
    return key


def check_key_id(key_id: str) -> str:
    """The API key id as it will be sent (a header value), or a ConfigError that does not repeat it."""
    if not KEY_ID.fullmatch(key_id):
        raise ConfigError(
            "KALSHI_API_KEY_ID is not a valid key id: it must be 1-128 visible ASCII characters, "
            "with no space, tab or newline"
        )
    return key_id


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
        self._key_id = check_key_id(key_id)
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
