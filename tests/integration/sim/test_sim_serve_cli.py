"""`courtside sim serve` as a user runs it: a real process, the user's own private key file,
then `courtside doctor` against it with the right key (exit 0) and a wrong one (exit 1)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from courtside.cli import doctor
from courtside.cli.sim import public_pem_of
from courtside.kalshi.auth import load_private_key, sign
from courtside.sim.auth import load_public_key, signature_valid
from courtside.sim.testing import new_rsa_key, write_private_pem

KEY_ID = "0b7f3c1e-6a2d-4e8f-9c51-2d4b6a8e0f13"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """`courtside sim serve --port 0 --json --key-file <private key>`, key id from the environment."""
    key_path = write_private_pem(new_rsa_key(), tmp_path / "kalshi.pem")
    exe = Path(sys.executable).parent / "courtside"
    env = {**os.environ, "KALSHI_API_KEY_ID": KEY_ID}
    cmd = [str(exe), "sim", "serve", "--port", "0", "--json", "--matches", "2", "--key-file", str(key_path)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, proc.stderr.read() if proc.stderr else "no output"
        info = json.loads(line)
        assert info["trader_user_id"]
        yield info["base_url"], key_path
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def run_doctor(
    base_url: str, key_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[int, dict[str, dict[str, str]]]:
    app = typer.Typer()
    app.callback()(lambda: None)
    doctor.register(app)
    monkeypatch.setenv("KALSHI_API_KEY_ID", KEY_ID)
    monkeypatch.setenv("KALSHI_PRIVATE_KEY_PATH", str(key_path))
    result = CliRunner().invoke(app, ["doctor", "--env", base_url, "--json"])
    checks = {c["name"]: c for c in json.loads(result.output)["checks"]}
    return result.exit_code, checks


def test_private_key_file_registers_its_public_half(tmp_path: Path) -> None:
    private = write_private_pem(new_rsa_key(), tmp_path / "k.pem")
    pem = public_pem_of(private)
    assert "PRIVATE" not in pem
    message = b"1703123456789GET/trade-api/v2/portfolio/balance"
    signature = sign(load_private_key(private), 1703123456789, "GET", "/trade-api/v2/portfolio/balance")
    assert signature_valid(load_public_key(pem), message, signature)


def test_serve_then_doctor_passes_with_the_key_and_fails_with_another(
    served: tuple[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    base_url, key_path = served
    code, checks = run_doctor(base_url, key_path, monkeypatch)
    assert code == 0, checks
    assert checks["credentials"]["verdict"] == "ok"
    assert checks["tennis shard"]["verdict"] == "ok"
    wrong = write_private_pem(new_rsa_key(), tmp_path / "wrong.pem")
    code, checks = run_doctor(base_url, wrong, monkeypatch)
    assert code == 1
    assert checks["credentials"]["verdict"] == "fail"
    assert "sim serve --key-file" in checks["credentials"]["fix"]
