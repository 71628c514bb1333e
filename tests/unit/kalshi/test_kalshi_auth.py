from __future__ import annotations

import base64
from pathlib import Path

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from courtside.domain.errors import ConfigError
from courtside.kalshi.auth import (
    Credentials,
    KalshiAuth,
    load_private_key,
    sign,
    signing_text,
    ws_auth_headers,
)

PSS = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.DIGEST_LENGTH)
KEY_ID = "a952bcbe-ec3b-4b5b-b8f9-11dae589608c"


def verify_rsa(key: rsa.RSAPrivateKey, sig: str, message: bytes) -> None:
    key.public_key().verify(base64.b64decode(sig), message, PSS, hashes.SHA256())


def test_signing_text_drops_the_query_and_keeps_the_prefix() -> None:
    text = signing_text(1703123456789, "get", "https://h.test/trade-api/v2/portfolio/orders?limit=5&cursor=x")
    assert text == b"1703123456789GET/trade-api/v2/portfolio/orders"


def test_rsa_signature_verifies_with_the_public_key(rsa_key: rsa.RSAPrivateKey) -> None:
    sig = sign(rsa_key, 1703123456789, "GET", "/trade-api/v2/portfolio/balance")
    assert len(sig) == 344
    verify_rsa(rsa_key, sig, b"1703123456789GET/trade-api/v2/portfolio/balance")


def test_signature_over_a_query_url_does_not_verify_for_the_query_text(rsa_key: rsa.RSAPrivateKey) -> None:
    sig = sign(rsa_key, 1, "GET", "/trade-api/v2/markets?limit=5")
    verify_rsa(rsa_key, sig, b"1GET/trade-api/v2/markets")
    with pytest.raises(InvalidSignature):
        verify_rsa(rsa_key, sig, b"1GET/trade-api/v2/markets?limit=5")


def test_pss_is_randomized_but_both_verify(rsa_key: rsa.RSAPrivateKey) -> None:
    a, b = (sign(rsa_key, 7, "POST", "/trade-api/v2/portfolio/events/orders") for _ in range(2))
    assert a != b
    for sig in (a, b):
        verify_rsa(rsa_key, sig, b"7POST/trade-api/v2/portfolio/events/orders")


def test_ed25519_keys_sign_the_same_text(ed_key: ed25519.Ed25519PrivateKey) -> None:
    sig = sign(ed_key, 42, "DELETE", "/trade-api/v2/portfolio/events/orders/abc")
    ed_key.public_key().verify(base64.b64decode(sig), b"42DELETE/trade-api/v2/portfolio/events/orders/abc")


def test_ws_headers_sign_get_on_the_ws_path(rsa_key: rsa.RSAPrivateKey) -> None:
    headers = ws_auth_headers(KEY_ID, rsa_key, "wss://external-api-ws.kalshi.com/trade-api/ws/v2", 1000)
    assert headers["KALSHI-ACCESS-KEY"] == KEY_ID
    assert headers["KALSHI-ACCESS-TIMESTAMP"] == "1000"
    verify_rsa(rsa_key, headers["KALSHI-ACCESS-SIGNATURE"], b"1000GET/trade-api/ws/v2")


def test_auth_flow_signs_each_attempt_with_a_fresh_timestamp(rsa_key: rsa.RSAPrivateKey) -> None:
    times = iter([1000, 2000])
    auth = KalshiAuth(KEY_ID, rsa_key, now_ms=lambda: next(times))
    stamps = []
    for _ in range(2):
        request = httpx.Request("GET", "http://127.0.0.1:1/trade-api/v2/markets?limit=2")
        signed = next(auth.auth_flow(request))
        ts = signed.headers["KALSHI-ACCESS-TIMESTAMP"]
        verify_rsa(
            rsa_key, signed.headers["KALSHI-ACCESS-SIGNATURE"], f"{ts}GET/trade-api/v2/markets".encode()
        )
        stamps.append(ts)
    assert stamps == ["1000", "2000"]


def _write_pem(path: Path, key: rsa.RSAPrivateKey, fmt: serialization.PrivateFormat) -> Path:
    path.write_bytes(key.private_bytes(serialization.Encoding.PEM, fmt, serialization.NoEncryption()))
    return path


@pytest.mark.parametrize(
    ("fmt", "header"),
    [
        (serialization.PrivateFormat.TraditionalOpenSSL, b"BEGIN RSA PRIVATE KEY"),
        (serialization.PrivateFormat.PKCS8, b"BEGIN PRIVATE KEY"),
    ],
)
def test_load_pkcs1_and_pkcs8(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, fmt: serialization.PrivateFormat, header: bytes
) -> None:
    path = _write_pem(tmp_path / "k.pem", rsa_key, fmt)
    assert header in path.read_bytes()
    loaded = load_private_key(path)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    verify_rsa(rsa_key, sign(loaded, 5, "GET", "/trade-api/v2/x"), b"5GET/trade-api/v2/x")


def test_bad_key_file_error_names_the_path_not_the_content(tmp_path: Path) -> None:
    path = tmp_path / "broken.key"
    path.write_text("-----BEGIN RSA PRIVATE KEY-----\nSECRETMATERIAL\n-----END RSA PRIVATE KEY-----\n")
    with pytest.raises(ConfigError) as info:
        load_private_key(path)
    assert "broken.key" in str(info.value)
    assert "SECRETMATERIAL" not in str(info.value)
    with pytest.raises(ConfigError, match="cannot read"):
        load_private_key(tmp_path / "missing.key")


def test_secrets_never_appear_in_reprs(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    pem = _write_pem(tmp_path / "k.pem", rsa_key, serialization.PrivateFormat.TraditionalOpenSSL)
    monkeypatch.setenv("KALSHI_API_KEY_ID", KEY_ID)
    monkeypatch.setenv("KALSHI_PRIVATE_KEY_PATH", str(pem))
    creds = Credentials.from_env(env_file=None)
    auth = creds.auth()
    texts = [repr(creds), str(creds), repr(auth), str(creds.model_dump())]
    for text in texts:
        assert KEY_ID not in text
        assert "PRIVATE KEY" not in text
    assert creds.api_key_id.get_secret_value() == KEY_ID


def test_credentials_from_dotenv_file(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    pem = _write_pem(tmp_path / "k.pem", rsa_key, serialization.PrivateFormat.PKCS8)
    monkeypatch.delenv("KALSHI_API_KEY_ID", raising=False)
    monkeypatch.delenv("KALSHI_PRIVATE_KEY_PATH", raising=False)
    env = tmp_path / ".env"
    env.write_text(f"KALSHI_API_KEY_ID={KEY_ID}\nKALSHI_PRIVATE_KEY_PATH={pem}\n")
    creds = Credentials.from_env(env_file=env)
    assert creds.private_key_path == pem
    assert isinstance(creds.key(), rsa.RSAPrivateKey)


def test_missing_credentials_name_the_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("KALSHI_API_KEY_ID", raising=False)
    monkeypatch.delenv("KALSHI_PRIVATE_KEY_PATH", raising=False)
    with pytest.raises(ConfigError, match="KALSHI_API_KEY_ID"):
        Credentials.from_env(env_file=None)
