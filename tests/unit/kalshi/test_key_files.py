"""The key file and key id are checked before anything is sent (issue 13, item 4): a FIFO, a folder or a
huge file as the key path is refused instead of hanging or being read whole; an RSA key under 2048 bits
is one line, not a traceback at the first signature; a key id that is not a valid header value is a
ConfigError that does not repeat it."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from courtside.domain.errors import ConfigError
from courtside.kalshi.auth import MAX_KEY_FILE, Credentials, KalshiAuth, load_private_key

# A throwaway 512-bit key (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:512`): cryptography
# no longer makes keys this small, but loads them, and PSS-SHA256 cannot sign with one.
RSA_512 = b"""-----BEGIN PRIVATE KEY-----
MIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEAsWSVdzQqp3z873hw
G2P2qG9MEe25K0pqVOm95G6QsvbVbBDcRs21yxlhmpaTkLp2oN/YLIO94oXCFaZ1
0uiv1wIDAQABAkAki/J3MpovE4MQ2yFNo1Sn8vYbI3zovFYX1Gg47caF+Bh4iutm
Np1CDWXnZobmNVEJfLBXJiBq+3e0NGH001PRAiEA53RrTAKQOp76kCosutgHmd2S
ui44d9db5zEMjjhPV5MCIQDENHuC0kBfhAuOMPbxPfJRPST2e8NzhuZOVB+IZqlp
LQIgRrtxPt1ZrlB/SidZXBBA4miwOm19nEIYN+Lpb10OAjkCIQCsFXvemZlsLNwV
skxj+fj117L7nEEoqkCEorOlZqVfYQIgfmkkuOe6sfXS53+getn9egg1hDLXKMwM
8c1xoM9kPkQ=
-----END PRIVATE KEY-----
"""


def _pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def test_a_fifo_as_the_key_path_is_refused_without_hanging(tmp_path: Path) -> None:
    fifo = tmp_path / "key.pem"
    os.mkfifo(fifo)
    outcome: list[BaseException | object] = []
    worker = threading.Thread(target=lambda: outcome.append(_attempt(fifo)), daemon=True)
    worker.start()
    worker.join(timeout=30)  # a hang guard: reading a FIFO with no writer blocks for ever
    if worker.is_alive():  # unblock the reader before failing
        with open(fifo, "wb"):
            pass
        pytest.fail("loading a FIFO as the key blocked")
    (error,) = outcome
    assert isinstance(error, ConfigError)
    assert str(error) == f"the Kalshi private key path {fifo} is not a regular file"


def _attempt(path: Path) -> BaseException | object:
    try:
        return load_private_key(path)
    except ConfigError as e:
        return e


def test_a_folder_as_the_key_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="is not a regular file"):
        load_private_key(tmp_path)


def test_a_huge_file_as_the_key_path_is_refused_unread(tmp_path: Path, rsa_key: rsa.RSAPrivateKey) -> None:
    big = tmp_path / "big.pem"
    big.write_bytes(_pem(rsa_key) + b"\n" * MAX_KEY_FILE)
    with pytest.raises(ConfigError, match=f"larger than {MAX_KEY_FILE} bytes"):
        load_private_key(big)


@pytest.mark.parametrize("bits", [512, 1024])
def test_an_rsa_key_below_2048_bits_is_refused_in_one_line(tmp_path: Path, bits: int) -> None:
    path = tmp_path / f"k{bits}.pem"
    small = RSA_512 if bits == 512 else _pem(rsa.generate_private_key(public_exponent=65537, key_size=1024))
    path.write_bytes(small)
    with pytest.raises(ConfigError) as e:
        load_private_key(path)
    assert str(e.value) == f"{path} holds a {bits}-bit RSA key; Kalshi keys are at least 2048 bits"


@pytest.mark.parametrize("key_id", ["abc\ndef", "abc def", "abc\r\nX-Evil: 1", "", "é" * 3, "x" * 129])
def test_a_key_id_that_is_not_a_header_value_is_a_config_error_that_hides_it(
    key_id: str, rsa_key: rsa.RSAPrivateKey
) -> None:
    with pytest.raises(ConfigError, match="KALSHI_API_KEY_ID is not a valid key id") as e:
        KalshiAuth(key_id, rsa_key)
    if key_id:
        assert key_id not in str(e.value)


def test_a_key_id_with_a_newline_from_the_environment_stops_before_any_request(
    tmp_path: Path, rsa_key: rsa.RSAPrivateKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    pem = tmp_path / "k.pem"
    pem.write_bytes(_pem(rsa_key))
    monkeypatch.setenv("KALSHI_API_KEY_ID", "a952bcbe-ec3b-4b5b-b8f9-11dae589608c\n")
    monkeypatch.setenv("KALSHI_PRIVATE_KEY_PATH", str(pem))
    with pytest.raises(ConfigError, match="no space, tab or newline"):
        Credentials.from_env(env_file=None).auth()
