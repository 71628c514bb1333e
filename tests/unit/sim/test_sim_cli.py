"""`courtside sim serve` refuses to listen beyond loopback."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from courtside.cli import app
from courtside.cli.registry import register
from courtside.domain.errors import ConfigError
from courtside.sim.server import require_loopback


def test_serve_refuses_a_public_host() -> None:
    register(app)
    result = CliRunner().invoke(app, ["sim", "serve", "--host", "0.0.0.0", "--port", "0"])
    assert result.exit_code == 2
    assert "loopback" in result.output


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_loopback_hosts_are_allowed(host: str) -> None:
    require_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.4", "example.com", "::"])
def test_other_hosts_are_refused(host: str) -> None:
    with pytest.raises(ConfigError):
        require_loopback(host)
