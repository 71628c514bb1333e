"""Alert keys, de-duplication, rate limits and scrubbing, on an injected clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from courtside.alerts import EVENT_TYPES, OrderFilled, Rate, Scrubber, TradingStopped
from courtside.alerts.events import StopReason
from courtside.alerts.notifier import render
from courtside.alerts.policy import Deduper, RateLimiter
from courtside.alerts.scrub import REDACTED
from courtside.domain.clock import ManualClock
from courtside.domain.mode import Mode

NOW = datetime(2026, 9, 8, 14, 30, tzinfo=UTC)


def _fill(fill_id: str, mode: Mode = Mode.LIVE) -> OrderFilled:
    return OrderFilled(
        mode=mode, match="Zverev vs Khachanov", ticker="KXATPMATCH-26SEP08ZVEKHA-ZVE", route="buy YES Zverev",
        size=Decimal(10), price=Decimal("0.54"), edge=None, client_order_id="cs-1", fill_id=fill_id,
        filled=Decimal(3), fee=Decimal("0.05"),
    )  # fmt: skip


def test_keys_are_stable_per_fact_and_differ_between_facts() -> None:
    assert _fill("f1").key == _fill("f1").key
    assert len({_fill("f1").key, _fill("f2").key, _fill("f1", Mode.PAPER).key}) == 3
    stop = TradingStopped(mode=Mode.LIVE, reason=StopReason.DRAWDOWN, state="REDUCING", detail="", since=NOW)
    later = TradingStopped(
        mode=Mode.LIVE, reason=StopReason.DRAWDOWN, state="REDUCING", detail="", since=NOW + timedelta(days=1)
    )
    assert stop.key != later.key  # a new stop after a resume is a new fact
    assert len({cls.kind for cls in EVENT_TYPES}) == len(EVENT_TYPES)


def test_a_key_is_remembered_for_its_window_then_forgotten() -> None:
    clock = ManualClock(NOW)
    dedupe = Deduper(clock, window=timedelta(hours=1), capacity=2)
    dedupe.remember("a")
    clock.advance(timedelta(minutes=59))
    assert dedupe.seen("a")
    clock.advance(timedelta(minutes=2))
    assert not dedupe.seen("a")
    for key in ("b", "c", "d"):
        dedupe.remember(key)
    assert (dedupe.seen("b"), dedupe.seen("d")) == (False, True)  # capacity 2: the oldest went


def test_buckets_refill_with_the_clock_and_critical_kinds_skip_the_overall_one() -> None:
    clock = ManualClock(NOW)
    limits = RateLimiter(clock, per_kind=Rate(burst=2, per_minute=2.0), overall=Rate(burst=3, per_minute=1.0))
    assert [limits.allow("fill", False) for _ in range(3)] == [True, True, False]
    assert [limits.allow("cancel", False) for _ in range(2)] == [True, False]  # overall: 3 spent
    assert limits.allow("stop", True)
    clock.advance(timedelta(seconds=30))  # one 'fill' token back, none overall yet
    assert not limits.allow("fill", False)
    clock.advance(timedelta(seconds=30))
    assert limits.allow("fill", False)
    with pytest.raises(ValueError, match="burst"):
        Rate(burst=0, per_minute=1.0)


@pytest.mark.parametrize(
    ("text", "gone"),
    [
        ("Authorization: Bearer eyJhbGciOi.eyJzdWIiOiIx.c2lnbmF0dXJl", "eyJhbGciOi"),
        ("bearer abcdef123456", "abcdef123456"),
        ("KALSHI-ACCESS-KEY: a952bcbe-ec3b-4b5b-b8f9-11dae589608c", "a952bcbe"),
        ("KALSHI-ACCESS-SIGNATURE=" + "QUJD" * 86, "QUJDQUJD"),
        ("key 0A952BCB-EC3B-4B5B-B8F9-11DAE589608C expired", "0A952BCB"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKC\n-----END RSA PRIVATE KEY-----", "MIIEowIBAAKC"),
        ("-----BEGIN PRIVATE KEY-----\nMIIEvgIBADAN (truncated", "MIIEvgIBADAN"),
        ("POST https://bot:pa55word@hooks.example.com/services/T00/B00/XXXX failed", "pa55word"),
        ("POST https://hooks.slack.com/services/T00/B00/XXXXsecret failed", "XXXXsecret"),
        ("discord://4174216298/JHMHI8qBe7bk2ZwO5U711o3dV_js", "JHMHI8qBe7bk2ZwO5U711o3dV_js"),
        ("retry with api_key=sk_live_abc123&x=1", "sk_live_abc123"),
        ('{"password": "hunter2"}', "hunter2"),
        ("digest 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "9f86d081884c7d65"),
    ],
)
def test_what_looks_like_a_secret_is_redacted(text: str, gone: str) -> None:
    clean = Scrubber()(text)
    assert gone not in clean
    assert REDACTED in clean


def test_ordinary_text_is_left_alone_and_known_values_go() -> None:
    scrub = Scrubber(known=["my-key-id"])
    plain = (
        "Filled: buy YES Zverev 4 @ 0.54 (cs-KXATPMATCH-26SEP08ZVEKHA-Y-ZVE-260908) at http://127.0.0.1:8050"
    )
    assert scrub(plain) == plain
    assert scrub("the key my-key-id was refused") == f"the key {REDACTED} was refused"


def test_render_puts_each_field_on_its_line_and_scrubs() -> None:
    event = _fill("f1")
    msg = render(event, Scrubber(), suppressed=3)
    assert msg.title == "courtside: Filled: buy YES Zverev 3 @ 0.54 (Zverev vs Khachanov)"
    lines = msg.body.splitlines()
    assert lines[:3] == ["match: Zverev vs Khachanov", "route: buy YES Zverev", "size: 10"]
    assert "edge: n/a" in lines
    assert lines[-2:] == ["rate-limited since the last order_filled alert: 3", "alert: order_filled"]
    assert (msg.kind, msg.key, msg.severity.value) == ("order_filled", event.key, "success")
