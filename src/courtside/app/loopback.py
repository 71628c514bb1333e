"""Where a server of ours may listen: loopback freely, beyond it only with a token (the dashboard shows
money and its buttons stop trading). Used by the settings check and by the dashboard itself."""

from __future__ import annotations

import ipaddress

from courtside.domain.errors import ConfigError

TOKEN_SETTING = "COURTSIDE_DASHBOARD_TOKEN"  # noqa: S105 (the variable's name, not a token)
MIN_TOKEN_LENGTH = 16


def is_loopback(host: str) -> bool:
    """127.0.0.0/8, ::1 or the name localhost; any other name may resolve beyond this machine."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_token(token: str | None) -> None:
    """A token, when set, is long enough not to be guessed."""
    if token is not None and len(token) < MIN_TOKEN_LENGTH:
        raise ConfigError(
            f"{TOKEN_SETTING} must be at least {MIN_TOKEN_LENGTH} characters "
            "(make one with: python -c 'import secrets; print(secrets.token_urlsafe(32))')"
        )


def check_bind(host: str, token: str | None) -> None:
    """Listening beyond loopback needs a token."""
    check_token(token)
    if not is_loopback(host) and not token:
        raise ConfigError(
            f"--dashboard-host {host} listens beyond this machine: set {TOKEN_SETTING} first "
            "(reading and every control then need it), or keep the default 127.0.0.1"
        )
