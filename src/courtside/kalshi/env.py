"""Which Kalshi host to talk to: prod, demo, or any base URL (the simulator on loopback).

Hosts from kalshi-api.md §1.1 (docs:getting_started/api_environments).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from courtside.domain.errors import ConfigError

REST_PREFIX = "/trade-api/v2"
WS_PATH = "/trade-api/ws/v2"


@dataclass(frozen=True, slots=True)
class Endpoints:
    """The REST base URL (ending in /trade-api/v2) and the WebSocket URL of one environment."""

    name: str
    rest_base: str
    ws_url: str

    @property
    def exchange_id(self) -> str:
        """The exchange's name in the journal: prod, demo, or the normalised REST base URL of any
        other host (exchange_id below)."""
        return exchange_id(self)

    @property
    def rest_path_prefix(self) -> str:
        """The path part of rest_base, the prefix every signed path starts with."""
        return urlsplit(self.rest_base).path.rstrip("/")


PROD = Endpoints(
    "prod",
    "https://external-api.kalshi.com/trade-api/v2",
    "wss://external-api-ws.kalshi.com/trade-api/ws/v2",
)
DEMO = Endpoints(
    "demo",
    "https://external-api.demo.kalshi.co/trade-api/v2",
    "wss://external-api-ws.demo.kalshi.co/trade-api/ws/v2",
)


def resolve_env(env: str) -> Endpoints:
    """'prod', 'demo' or a REST base URL such as http://127.0.0.1:8123/trade-api/v2."""
    key = env.strip().lower()
    if key in ("prod", "production"):
        return PROD
    if key == "demo":
        return DEMO
    parts = urlsplit(env.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(f"unknown Kalshi environment {env!r}: use prod, demo or an http(s) base URL")
    path = parts.path.rstrip("/") or REST_PREFIX
    if not path.endswith(REST_PREFIX):
        raise ConfigError(f"base URL {env!r} must end in {REST_PREFIX}")
    root = path[: -len(REST_PREFIX)]
    ws_scheme = "wss" if parts.scheme == "https" else "ws"
    rest = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    ws = urlunsplit((ws_scheme, parts.netloc, root + WS_PATH, "", ""))
    return Endpoints(parts.netloc, rest, ws)


def exchange_id(env: str | Endpoints) -> str:
    """The canonical name of an exchange, as the journal records it: `prod`, `demo`, or the REST base
    URL normalised (scheme and host lower-case, default port dropped, no trailing slash), so that
    http://LOCALHOST:80/trade-api/v2/ and http://localhost/trade-api/v2 are one exchange."""
    endpoints = env if isinstance(env, Endpoints) else resolve_env(env)
    if endpoints.rest_base in (PROD.rest_base, DEMO.rest_base):
        return "prod" if endpoints.rest_base == PROD.rest_base else "demo"
    parts = urlsplit(endpoints.rest_base)
    host = (parts.hostname or "").lower()
    default = {"http": 80, "https": 443}.get(parts.scheme.lower())
    port = "" if parts.port in (None, default) else f":{parts.port}"
    netloc = f"[{host}]{port}" if ":" in host else f"{host}{port}"
    return urlunsplit((parts.scheme.lower(), netloc, parts.path.rstrip("/"), "", ""))
