"""Signature verification of the simulator: Kalshi's 401 bodies and the timestamp window."""

from __future__ import annotations

import base64

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from courtside.domain.errors import AuthenticationError
from courtside.sim.auth import KeyEntry, verify_request

PATH = "/trade-api/v2/portfolio/balance"
NOW = 1_781_159_348_000


def _rsa_sign(key: rsa.RSAPrivateKey, text: str, salt: int = padding.PSS.DIGEST_LENGTH) -> str:
    sig = key.sign(
        text.encode(), padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=salt), hashes.SHA256()
    )
    return base64.b64encode(sig).decode()


def _headers(key_id: str, ts: int, sig: str) -> dict[str, str]:
    return {"KALSHI-ACCESS-KEY": key_id, "KALSHI-ACCESS-TIMESTAMP": str(ts), "KALSHI-ACCESS-SIGNATURE": sig}


@pytest.fixture(scope="module")
def keys(rsa_private_key: rsa.RSAPrivateKey) -> dict[str, KeyEntry]:
    return {"k1": KeyEntry("k1", "u1", rsa_private_key.public_key())}


def _verify(headers: dict[str, str], keys: dict[str, KeyEntry], path: str = PATH) -> KeyEntry:
    return verify_request(headers, "GET", path, keys, NOW, 10_000, 60_000)


def test_a_correct_rsa_pss_signature_names_the_user(
    rsa_private_key: rsa.RSAPrivateKey, keys: dict[str, KeyEntry]
) -> None:
    sig = _rsa_sign(rsa_private_key, f"{NOW}GET{PATH}")
    assert _verify(_headers("k1", NOW, sig), keys).user_id == "u1"


@pytest.mark.parametrize(
    ("skew_ms", "accepted"),
    [(-5_000, True), (5_000, True), (30_000, True), (-30_000, False), (300_000, False)],
)
def test_timestamp_window(
    rsa_private_key: rsa.RSAPrivateKey, keys: dict[str, KeyEntry], skew_ms: int, accepted: bool
) -> None:
    ts = NOW + skew_ms
    headers = _headers("k1", ts, _rsa_sign(rsa_private_key, f"{ts}GET{PATH}"))
    if accepted:
        assert _verify(headers, keys).key_id == "k1"
    else:
        with pytest.raises(AuthenticationError) as info:
            _verify(headers, keys)
        assert info.value.code == "header_timestamp_expired"


@pytest.mark.parametrize(
    ("signed_text", "key_id", "details"),
    [
        (f"{NOW}GET{PATH}?limit=5", "k1", "INCORRECT_API_KEY_SIGNATURE"),  # the query must not be signed
        (f"{NOW}GET/portfolio/balance", "k1", "INCORRECT_API_KEY_SIGNATURE"),  # prefix missing
        (f"{NOW}GET{PATH}", "nope", "NOT_FOUND"),
    ],
)
def test_wrong_signatures_and_keys(
    rsa_private_key: rsa.RSAPrivateKey, keys: dict[str, KeyEntry], signed_text: str, key_id: str, details: str
) -> None:
    with pytest.raises(AuthenticationError) as info:
        _verify(_headers(key_id, NOW, _rsa_sign(rsa_private_key, signed_text)), keys)
    assert (info.value.status, info.value.code, info.value.details) == (401, "authentication_error", details)


def test_max_length_salt_does_not_verify(
    rsa_private_key: rsa.RSAPrivateKey, keys: dict[str, KeyEntry]
) -> None:
    sig = _rsa_sign(rsa_private_key, f"{NOW}GET{PATH}", salt=padding.PSS.MAX_LENGTH)
    with pytest.raises(AuthenticationError) as info:
        _verify(_headers("k1", NOW, sig), keys)
    assert info.value.details == "INCORRECT_API_KEY_SIGNATURE"


def test_missing_signature_header(keys: dict[str, KeyEntry]) -> None:
    with pytest.raises(AuthenticationError) as info:
        _verify({"KALSHI-ACCESS-KEY": "k1", "KALSHI-ACCESS-TIMESTAMP": str(NOW)}, keys)
    assert info.value.code == "signature_is_missing_from_headers"
    assert info.value.args[0] == "signature is missing from headers"


def test_ed25519_keys_sign_the_same_text() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    keys = {"e1": KeyEntry("e1", "u2", key.public_key())}
    sig = base64.b64encode(key.sign(f"{NOW}GET{PATH}".encode())).decode()
    assert _verify(_headers("e1", NOW, sig), keys).user_id == "u2"
