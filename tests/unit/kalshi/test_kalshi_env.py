from __future__ import annotations

import pytest

from courtside.domain.errors import ConfigError
from courtside.kalshi.env import exchange_id, resolve_env


def test_prod_and_demo_hosts() -> None:
    prod, demo = resolve_env("prod"), resolve_env("demo")
    assert prod.rest_base == "https://external-api.kalshi.com/trade-api/v2"
    assert prod.ws_url == "wss://external-api-ws.kalshi.com/trade-api/ws/v2"
    assert demo.rest_base == "https://external-api.demo.kalshi.co/trade-api/v2"
    assert demo.ws_url == "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2"


def test_loopback_url_gives_matching_ws_url() -> None:
    env = resolve_env("http://127.0.0.1:8123/trade-api/v2")
    assert env.rest_base == "http://127.0.0.1:8123/trade-api/v2"
    assert env.ws_url == "ws://127.0.0.1:8123/trade-api/ws/v2"
    assert env.rest_path_prefix == "/trade-api/v2"


def test_https_url_gives_wss_and_bare_host_gets_the_prefix() -> None:
    assert resolve_env("https://example.test/trade-api/v2/").ws_url == "wss://example.test/trade-api/ws/v2"
    assert resolve_env("http://localhost:9000").rest_base == "http://localhost:9000/trade-api/v2"


@pytest.mark.parametrize("bad", ["staging", "ftp://x/trade-api/v2", "http://x/api/v1"])
def test_unknown_environment_is_a_config_error(bad: str) -> None:
    with pytest.raises(ConfigError):
        resolve_env(bad)


@pytest.mark.parametrize(
    ("env", "canonical"),
    [
        ("prod", "prod"),
        ("production", "prod"),
        ("https://external-api.kalshi.com/trade-api/v2", "prod"),
        ("DEMO", "demo"),
        ("http://127.0.0.1:8123/trade-api/v2", "http://127.0.0.1:8123/trade-api/v2"),
        ("http://LOCALHOST:80/trade-api/v2/", "http://localhost/trade-api/v2"),
        ("http://localhost:9000", "http://localhost:9000/trade-api/v2"),
        ("HTTPS://Sim.Example:443/trade-api/v2", "https://sim.example/trade-api/v2"),
        ("http://[::1]:8123/trade-api/v2", "http://[::1]:8123/trade-api/v2"),
    ],
)
def test_one_exchange_has_one_name_in_the_journal(env: str, canonical: str) -> None:
    assert exchange_id(env) == canonical
