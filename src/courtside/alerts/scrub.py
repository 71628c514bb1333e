"""Take anything that looks like a secret out of a message before it leaves the process.

An alert goes to a third party (a chat, a webhook, a mailbox), so it is scrubbed even though the events
are built to carry no secret: an error text quoted in `last_error` or `detail` may hold a header, a
URL with credentials or a key. What looks like a secret: a PEM block, a bearer token or Authorization
header, Kalshi's KALSHI-ACCESS-* header values, URLs (credentials and paths: webhook paths and
notification URLs carry tokens; an http(s) URL keeps its host), key/token/secret/signature/password
parameters, a UUID (Kalshi API key ids are UUIDs), long base64 (signatures) and long hex strings; and,
exactly, any value the caller registers (the configured key id).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[redacted]"

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"-----BEGIN [A-Z0-9 ]+-----.*?(?:-----END [A-Z0-9 ]+-----|$)", re.S), REDACTED),
    (re.compile(r"(?i)\b(KALSHI-ACCESS-(?:KEY|SIGNATURE|TIMESTAMP))(\s*[:=]\s*)\S+"), rf"\1\2{REDACTED}"),
    (re.compile(r"(?i)\b(authorization)(\s*[:=]\s*)(?:(?:bearer|basic|token)\s+)?\S+"), rf"\1\2{REDACTED}"),
    (re.compile(r"(?i)\bbearer\s+[A-Za-z0-9._~+/=-]+"), f"Bearer {REDACTED}"),
    (
        re.compile(
            r"(?i)\b((?:api[_-]?)?(?:key(?:[_-]?id)?|token|secret|signature|password|passwd|pwd|private[_-]?key)"
            r"[\"']?\s*[:=]\s*[\"']?)[^\s\"'&,;]+"
        ),
        rf"\1{REDACTED}",
    ),
    (
        re.compile(r"\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b"),
        REDACTED,
    ),
    (re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{40,}={0,2}(?![A-Za-z0-9+/=])"), REDACTED),
    (re.compile(r"\b[0-9a-fA-F]{32,}\b"), REDACTED),
)


_URL = re.compile(r"(?i)\b(?P<scheme>[a-z][a-z0-9+.-]{1,15})://(?P<rest>[^\s<>\"']+)")


def _url(found: re.Match[str]) -> str:
    """An http(s) URL keeps its host (no credentials, no path: webhook paths carry tokens); any other
    scheme (tgram://, discord://, slack://, mailto://...) is a notification URL, secret from end to end."""
    scheme, rest = found.group("scheme"), found.group("rest")
    if scheme.lower() not in ("http", "https"):
        return f"{scheme}://{REDACTED}"
    host = re.split(r"[/?#]", rest.rsplit("@", 1)[-1], maxsplit=1)[0]
    tail = rest.rsplit("@", 1)[-1][len(host) :]
    return f"{scheme}://{host}" + (f"/{REDACTED}" if tail.strip("/") else "")


class Scrubber:
    """Replaces secrets in text; `known` are exact values to remove wherever they appear."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        self.known = tuple(sorted({k for k in known if k and len(k) >= 4}, key=len, reverse=True))

    def __call__(self, text: str) -> str:
        for value in self.known:
            text = text.replace(value, REDACTED)
        text = _URL.sub(_url, text)
        for pattern, replacement in _PATTERNS:
            text = pattern.sub(replacement, text)
        return text
