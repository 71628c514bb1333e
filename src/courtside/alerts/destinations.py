"""Where alerts go: notification URLs (`COURTSIDE_ALERTS`, separated by spaces), sent through Apprise.

Apprise speaks every service by URL (json:// generic webhook, tgram://, discord://, slack://, ntfy://,
mailto://, ...: https://github.com/caronc/apprise/wiki), so there is one client for all of them.
A URL is checked when the alerts are built, and a bad one is refused with one line that names the
setting and the entry's position and scheme, never the URL itself (it holds the tokens).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol, cast

import apprise

from courtside.alerts.events import Severity
from courtside.alerts.scrub import Scrubber
from courtside.domain.errors import ConfigError

SETTING = "COURTSIDE_ALERTS"
log = logging.getLogger("courtside.alerts")


class Destination(Protocol):
    """One place alerts are sent; `send` blocks (it runs in a worker thread) and says why it failed."""

    name: str  # safe to log: no tokens

    def send(self, title: str, body: str, severity: Severity, timeout: float) -> str | None:
        """None when delivered, else the reason it was not (scrubbed)."""
        ...


def split_urls(text: str) -> tuple[str, ...]:
    """The URLs of the setting: separated by spaces (or newlines, in a TOML multi-line string)."""
    return tuple(text.split())


def _scheme(url: str) -> str:
    head, sep, _ = url.partition("://")
    return f"{head}://" if sep and head.isalnum() else "(no scheme)"


class AppriseDestination:
    """One notification URL, as an Apprise service."""

    def __init__(self, url: str, position: int = 1, scrub: Scrubber | None = None) -> None:
        plugin = apprise.Apprise.instantiate(url, asset=apprise.AppriseAsset(secure_logging=True))
        if plugin is None:
            raise ConfigError(
                f"{SETTING}: entry {position} ({_scheme(url)}...) is not a notification URL Apprise can use "
                "(see https://github.com/caronc/apprise/wiki for the URL of each service)"
            )
        self._apprise = apprise.Apprise()
        self._apprise.add(plugin)
        self._scrub = scrub or Scrubber()
        # Apprise's privacy form masks passwords and tokens ("tgram://1...9/"): safe to log as it is.
        privacy_url = cast("Callable[..., object]", plugin.url)  # Apprise's url() is not annotated
        self.name = str(privacy_url(privacy=True))

    def send(self, title: str, body: str, severity: Severity, timeout: float) -> str | None:
        result = self._apprise.notify(
            body=body, title=title, notify_type=apprise.NotifyType(severity.value), timeout=timeout
        )
        if result:
            return None
        problems = [e.message for e in result.logs() if e.level in ("WARNING", "ERROR", "CRITICAL")]
        reason = problems[-1] if problems else f"status {result.status.name.lower()}"
        return self._scrub(reason)


def destinations(text: str, scrub: Scrubber | None = None) -> tuple[AppriseDestination, ...]:
    """Every URL of the setting as a destination; ConfigError on the first one Apprise cannot use."""
    return tuple(AppriseDestination(url, i, scrub) for i, url in enumerate(split_urls(text), start=1))
