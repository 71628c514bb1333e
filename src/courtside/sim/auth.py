"""Verification of Kalshi request signatures, with Kalshi's exact 401 bodies (kalshi-api.md §1.2, §8.2).

Signed text = ts_ms + METHOD + raw path (with /trade-api/v2, without the query); RSA keys use
PSS(MGF1-SHA256, salt = digest length) over SHA-256, Ed25519 keys sign the same bytes.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from courtside.domain.errors import AuthenticationError, ConfigError

PublicKey = rsa.RSAPublicKey | ed25519.Ed25519PublicKey
HEADER_KEY = "kalshi-access-key"
HEADER_TS = "kalshi-access-timestamp"
HEADER_SIG = "kalshi-access-signature"


@dataclass(frozen=True, slots=True)
class KeyEntry:
    """One registered API key: which user it signs for and what it may do."""

    key_id: str
    user_id: str
    public_key: PublicKey = field(repr=False)
    scopes: frozenset[str] = frozenset({"read", "write"})

    def allows(self, scope: str) -> bool:
        return scope in self.scopes or any(s.startswith(scope + "::") for s in self.scopes)


def load_public_key(pem: str) -> PublicKey:
    """Parse a PEM public key (SubjectPublicKeyInfo or PKCS#1 RSA); RSA and Ed25519 only."""
    try:
        key = serialization.load_pem_public_key(pem.encode())
    except (ValueError, TypeError, UnsupportedAlgorithm) as e:
        raise ConfigError("public_key_pem is not a PEM public key") from e
    if not isinstance(key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey):
        raise ConfigError(f"unsupported key type {type(key).__name__}: Kalshi keys are RSA or Ed25519")
    return key


def _fail(code: str, message: str, details: str | None = None) -> AuthenticationError:
    return AuthenticationError(message, status=401, code=code, details=details)


def signature_valid(key: PublicKey, message: bytes, signature_b64: str) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
    except (binascii.Error, ValueError):
        return False
    try:
        if isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, message)
        else:
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
            key.verify(signature, message, pss, hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def verify_request(
    headers: Mapping[str, str],
    method: str,
    path: str,
    keys: Mapping[str, KeyEntry],
    now_ms: int,
    past_ms: int,
    future_ms: int,
) -> KeyEntry:
    """The key that signed this request, or AuthenticationError carrying Kalshi's 401 body fields."""
    lower = {k.lower(): v for k, v in headers.items()}
    signature = lower.get(HEADER_SIG)
    if not signature:
        return _raise(_fail("signature_is_missing_from_headers", "signature is missing from headers"))
    key_id, ts = lower.get(HEADER_KEY), lower.get(HEADER_TS)
    if not key_id or not ts:
        return _raise(_fail("authentication_error", "authentication_error"))
    entry = keys.get(key_id)
    if entry is None:
        return _raise(_fail("authentication_error", "authentication_error", "NOT_FOUND"))
    if not ts.isdigit() or not now_ms - past_ms <= int(ts) <= now_ms + future_ms:
        return _raise(_fail("header_timestamp_expired", "header timestamp expired"))
    message = f"{ts}{method.upper()}{path}".encode()
    if not signature_valid(entry.public_key, message, signature):
        return _raise(_fail("authentication_error", "authentication_error", "INCORRECT_API_KEY_SIGNATURE"))
    return entry


def _raise(error: AuthenticationError) -> KeyEntry:
    raise error
