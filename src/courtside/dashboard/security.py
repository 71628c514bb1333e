"""Who may read the dashboard and who may press its buttons.

Reading needs nothing from a browser on the same machine (loopback) while the server listens on
loopback only. The controls always need the token (`COURTSIDE_DASHBOARD_TOKEN`) as
`Authorization: Bearer <token>`: none sent is 401, a wrong one (or none configured) 403. The server
refuses to listen beyond loopback without a token, and then reading needs it too (the header, or the
cookie the sign-in form sets, which holds a keyed hash of the token and never the token itself). The
token is compared in constant time and never logged, journalled or shown.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from enum import StrEnum

from courtside.app.loopback import MIN_TOKEN_LENGTH, TOKEN_SETTING, check_bind, check_token, is_loopback

__all__ = [
    "COOKIE", "MIN_TOKEN_LENGTH", "TOKEN_SETTING", "Access", "Verdict", "bearer", "check_bind", "check_token",
    "cookie_value", "is_loopback", "judge", "same",
]  # fmt: skip

COOKIE = "courtside_read"
_COOKIE_CONTEXT = b"courtside dashboard: may read"


class Verdict(StrEnum):
    OK = "ok"
    MISSING = "missing"  # 401: say who you are
    WRONG = "wrong"  # 403: a token that is not this one
    OFF = "off"  # 403: no token configured, so no control is possible


def bearer(header: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header, else None."""
    if not header:
        return None
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def same(given: str, token: str) -> bool:
    return hmac.compare_digest(given.encode("utf-8"), token.encode("utf-8"))


def judge(header: str | None, token: str | None) -> Verdict:
    """The verdict on a request's Authorization header."""
    if not token:
        return Verdict.OFF
    given = bearer(header)
    if given is None:
        return Verdict.MISSING
    return Verdict.OK if same(given, token) else Verdict.WRONG


def cookie_value(token: str) -> str:
    """What the sign-in cookie holds: a keyed hash of the token (changing the token signs everyone out)."""
    return hmac.new(token.encode("utf-8"), _COOKIE_CONTEXT, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Access:
    """The rules of one running server: its token (None: controls off) and whether it listens beyond
    loopback (then reading needs the token too)."""

    token: str | None
    host: str = "127.0.0.1"

    def __post_init__(self) -> None:
        check_bind(self.host, self.token)

    @property
    def open_reading(self) -> bool:
        return is_loopback(self.host)

    def may_read(self, client: str | None, header: str | None, cookie: str | None) -> Verdict:
        """Loopback clients of a loopback server read freely; anyone else shows the token."""
        if self.open_reading and client is not None and is_loopback(client):
            return Verdict.OK
        verdict = judge(header, self.token)
        if verdict is not Verdict.MISSING or not cookie or not self.token:
            return verdict
        return Verdict.OK if same(cookie, cookie_value(self.token)) else Verdict.WRONG

    def may_control(self, header: str | None) -> Verdict:
        return judge(header, self.token)

    def __repr__(self) -> str:  # the token never shows in a traceback or a log line
        return f"Access(token={'set' if self.token else 'none'}, host={self.host!r})"
