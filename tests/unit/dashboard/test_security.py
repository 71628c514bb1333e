"""Who may read and who may press the buttons (issue 12, item 2): loopback reads freely, controls need
the token as a Bearer header (401 without, 403 wrong or none configured), no listening beyond loopback
without a token, and the token never shows in a repr or the sign-in cookie."""

from __future__ import annotations

import pytest

from courtside.dashboard.security import (
    Access,
    Verdict,
    bearer,
    check_bind,
    cookie_value,
    is_loopback,
    judge,
)
from courtside.domain.errors import ConfigError

TOKEN = "s3cret-token-of-the-owner-0123456789"


@pytest.mark.parametrize("host", ["127.0.0.1", "127.8.9.10", "::1", "[::1]", "localhost", "LOCALHOST"])
def test_loopback_addresses(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.4", "10.0.0.2", "example.com", "8.8.8.8", ""])
def test_anything_else_is_beyond_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_listening_beyond_loopback_needs_a_token() -> None:
    with pytest.raises(ConfigError, match="COURTSIDE_DASHBOARD_TOKEN"):
        check_bind("0.0.0.0", None)
    check_bind("0.0.0.0", TOKEN)
    check_bind("127.0.0.1", None)


def test_a_short_token_is_refused_with_a_way_to_make_one() -> None:
    with pytest.raises(ConfigError, match=r"at least 16 characters.*secrets\.token_urlsafe"):
        Access("short", "127.0.0.1")


def test_bearer_header_parsing() -> None:
    assert bearer(f"Bearer {TOKEN}") == TOKEN
    assert bearer(f"bearer   {TOKEN}  ") == TOKEN
    assert bearer(f"Basic {TOKEN}") is None
    assert bearer("Bearer ") is None
    assert bearer(None) is None


def test_controls_need_the_token() -> None:
    assert judge(None, TOKEN) is Verdict.MISSING
    assert judge("Bearer wrong-token-wrong-token", TOKEN) is Verdict.WRONG
    assert judge(f"Bearer {TOKEN}", TOKEN) is Verdict.OK
    assert judge(f"Bearer {TOKEN}", None) is Verdict.OFF  # nothing configured: nobody may


def test_loopback_reads_freely_on_a_loopback_server_only() -> None:
    local = Access(None, "127.0.0.1")
    assert local.may_read("127.0.0.1", None, None) is Verdict.OK
    assert local.may_read("192.168.1.9", None, None) is Verdict.OFF
    wide = Access(TOKEN, "0.0.0.0")
    assert wide.may_read("127.0.0.1", None, None) is Verdict.MISSING  # beyond loopback: everyone shows it
    assert wide.may_read("192.168.1.9", f"Bearer {TOKEN}", None) is Verdict.OK
    assert wide.may_read("192.168.1.9", None, cookie_value(TOKEN)) is Verdict.OK
    assert wide.may_read("192.168.1.9", None, cookie_value("another-token-another-token")) is Verdict.WRONG


def test_the_token_never_shows() -> None:
    access = Access(TOKEN, "0.0.0.0")
    assert TOKEN not in repr(access)
    assert TOKEN not in str(access)
    assert TOKEN not in cookie_value(TOKEN)
