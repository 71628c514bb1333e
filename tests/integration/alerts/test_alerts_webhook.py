"""Alerts through Apprise's json:// to a real webhook receiver on loopback: every event type arrives once
with its fields, repeats and floods are held back, a dead endpoint never holds up the caller, and no
secret leaves the process."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from alert_receiver import receiving
from courtside.alerts import (
    EVENT_TYPES,
    AlertEvent,
    Alerts,
    AlertSettings,
    ApiFailures,
    DailySummary,
    FirstScan,
    ModelStale,
    OrderCancelled,
    OrderFilled,
    OrderOutcomeUnknown,
    OrderPlaced,
    Outcome,
    Rate,
    StopReason,
    TradingResumed,
    TradingStopped,
)
from courtside.domain.clock import ManualClock
from courtside.domain.errors import ConfigError
from courtside.domain.mode import Mode

NOW = datetime(2026, 9, 8, 14, 30, tzinfo=UTC)
D = Decimal
KEY_ID = "a952bcbe-ec3b-4b5b-b8f9-11dae589608c"
SIGNATURE = "Zm9vYmFy" * 43  # base64, as long as an RSA-PSS signature
PEM = "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----"


def _order(cls: type[OrderPlaced] | type[OrderCancelled], n: int = 1, **kw: object) -> AlertEvent:
    return cls(
        mode=Mode.LIVE, match="Zverev vs Khachanov", ticker="KXATPMATCH-26SEP08ZVEKHA-ZVE",
        route="buy YES Zverev", size=D(10), price=D("0.54"), edge=D("0.032"),
        client_order_id=f"cs-KXATPMATCH-26SEP08ZVEKHA-Y-ZVE-{n}", **kw,
    )  # fmt: skip


def one_of_each() -> list[AlertEvent]:
    common = {
        "mode": Mode.LIVE, "match": "Zverev vs Khachanov", "ticker": "KXATPMATCH-26SEP08ZVEKHA-ZVE",
        "route": "buy YES Zverev", "size": D(10), "price": D("0.54"), "edge": D("0.032"),
        "client_order_id": "cs-KXATPMATCH-26SEP08ZVEKHA-Y-ZVE-260908",
    }  # fmt: skip
    return [
        OrderPlaced(**common),
        OrderFilled(**common, fill_id="f-1", filled=D(4), fee=D("0.07")),
        OrderCancelled(**common, reason="match start is near"),
        OrderOutcomeUnknown(**common, since=NOW),
        TradingStopped(
            mode=Mode.LIVE,
            reason=StopReason.DRAWDOWN,
            state="REDUCING",
            detail="equity $750.00 is 25.0% below its mark $1,000.00",
            since=NOW,
        ),
        TradingResumed(mode=Mode.LIVE, detail="courtside resume", since=NOW + timedelta(hours=1)),
        ApiFailures(
            mode=Mode.LIVE,
            operation="GET /events",
            failures=5,
            first_at=NOW,
            last_error="503 Service Unavailable",
        ),
        ModelStale(
            mode=Mode.PAPER,
            model_version="m-2026-08-01",
            results_through=date(2026, 8, 1),
            age_days=38,
            limit_days=14,
            day=NOW.date(),
        ),
        FirstScan(mode=Mode.PAPER, started_at=NOW, matches=31, opportunities=4, orders=2),
        DailySummary(
            mode=Mode.LIVE,
            day=NOW.date(),
            pnl=D("-12.40"),
            fills=7,
            open_exposure=D("84.20"),
            best_trade="Sinner vs Ruud +$6.10",
            worst_trade="Zverev vs Khachanov -$9.80",
        ),
    ]


def _lines(message: str) -> dict[str, str]:
    return dict(line.split(": ", 1) for line in message.splitlines())


def _settings(**kw: object) -> AlertSettings:
    base: dict[str, object] = {"backoff_s": 0.0, "send_timeout_s": 5.0, "close_deadline_s": 10.0}
    base.update(kw)
    return AlertSettings(**base)


async def test_every_event_type_arrives_once_with_its_fields() -> None:
    events = one_of_each()
    assert {type(e) for e in events} == set(EVENT_TYPES)
    with receiving() as hook:
        alerts = Alerts.from_urls(hook.url, clock=ManualClock(NOW), settings=_settings())
        assert [alerts.emit(e) for e in events] == [Outcome.QUEUED] * len(events)
        assert [alerts.emit(e) for e in events] == [Outcome.DUPLICATE] * len(events)
        report = await alerts.aclose()
        assert (report.sent, report.failed, report.unsent) == (len(events), 0, 0)
    by_kind = {_lines(p["message"])["alert"]: p for p in hook.payloads}
    assert len(hook.payloads) == len(by_kind) == len(events)
    for event in events:
        payload = by_kind[event.kind]
        assert payload["title"] == f"courtside: {event.title()}"
        assert payload["type"] == event.severity.value
        assert _lines(payload["message"]) == {**dict(event.fields()), "alert": event.kind}
    filled = _lines(by_kind["order_filled"]["message"])
    assert (filled["match"], filled["route"], filled["size"], filled["price"], filled["edge"]) == (
        "Zverev vs Khachanov", "buy YES Zverev", "10", "0.54", "3.2%",
    )  # fmt: skip


async def test_rate_limits_per_kind_and_overall_and_the_count_held_back() -> None:
    clock = ManualClock(NOW)
    settings = _settings(per_kind=Rate(burst=3, per_minute=1.0), overall=Rate(burst=5, per_minute=1.0))
    with receiving() as hook:
        alerts = Alerts.from_urls(hook.url, clock=clock, settings=settings)
        placed = [alerts.emit(_order(OrderPlaced, n)) for n in range(5)]
        assert placed == [Outcome.QUEUED] * 3 + [Outcome.RATE_LIMITED] * 2
        cancelled = [alerts.emit(_order(OrderCancelled, n, reason="stale")) for n in range(3)]
        assert cancelled == [Outcome.QUEUED] * 2 + [Outcome.RATE_LIMITED]  # the overall bucket (5) is empty
        stop = TradingStopped(
            mode=Mode.LIVE, reason=StopReason.KILL_SWITCH, state="HALTED", detail="kill", since=NOW
        )
        assert alerts.emit(stop) is Outcome.QUEUED  # critical: not held back by the overall limit
        clock.advance(timedelta(minutes=1))
        assert alerts.emit(_order(OrderPlaced, 9)) is Outcome.QUEUED
        await alerts.aclose()
    kinds = [_lines(p["message"])["alert"] for p in hook.payloads]
    assert sorted(kinds) == sorted(["order_placed"] * 4 + ["order_cancelled"] * 2 + ["trading_stopped"])
    last = _lines(hook.payloads[-1]["message"])
    assert last["order"].endswith("-9")
    assert last["rate-limited since the last order_placed alert"] == "2"


async def test_a_dead_endpoint_never_holds_up_the_caller() -> None:
    with receiving() as hook:
        hook.holding = True  # the endpoint takes requests and never answers while held
        alerts = Alerts.from_urls(hook.url, settings=_settings(send_timeout_s=30.0, queue_size=3))
        events = one_of_each()
        assert alerts.emit(events[0]) is Outcome.QUEUED
        assert await asyncio.to_thread(hook.arrived.wait, 10)  # the sender is now stuck in that request
        ticks = 0
        for event in events[1:]:
            assert alerts.emit(event) is Outcome.QUEUED  # returns while the endpoint hangs
            await asyncio.sleep(0)
            ticks += 1
        assert ticks == len(events) - 1
        report = await alerts.aclose(deadline_s=0.2)
        assert report.sent == 0
        assert report.dropped == len(events) - 1 - 3  # the queue holds 3: the oldest went
        assert report.unsent == 4  # the one in flight and the three queued
        hook.hold.set()


async def test_failures_are_retried_with_backoff_then_logged_never_raised(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)

    settings = AlertSettings(attempts=3, backoff_s=1.0, send_timeout_s=5.0)
    with receiving() as hook:
        hook.fail_first = 2
        alerts = Alerts.from_urls(hook.url, settings=settings, sleep=sleep)
        alerts.emit(one_of_each()[0])
        report = await alerts.aclose(deadline_s=10.0)
    assert (report.sent, report.failed, len(hook.payloads), sleeps) == (1, 0, 1, [1.0, 2.0])
    refused = Alerts.from_urls("json://127.0.0.1:9/hook", settings=settings, sleep=sleep)  # discard port
    caplog.clear()
    with caplog.at_level(logging.WARNING, "courtside.alerts"):
        refused.emit(one_of_each()[1])
        report = await refused.aclose(deadline_s=20.0)
    assert (report.sent, report.failed) == (0, 1)
    assert "given up after 3 attempts" in caplog.text
    assert caplog.text.count("failed (attempt") == 3


async def test_no_secret_in_any_payload_header_or_log(caplog: pytest.LogCaptureFixture) -> None:
    leaky = [
        ApiFailures(
            mode=Mode.LIVE, operation="POST /portfolio/events/orders", failures=3, first_at=NOW,
            last_error=f"401 {KEY_ID}: KALSHI-ACCESS-SIGNATURE: {SIGNATURE} Authorization: Bearer abc.def",
        ),
        TradingStopped(
            mode=Mode.LIVE, reason=StopReason.EXCHANGE_PAUSED, state="HALTED", since=NOW,
            detail=f"loaded {PEM} from https://admin:hunter2@vault.example/keys?token=s3cr3t-t0ken",
        ),
        OrderCancelled(
            mode=Mode.LIVE, match="A vs B", ticker="KXATPMATCH-26SEP08AB-A", route="buy YES A", size=D(1),
            price=D("0.5"), edge=None, client_order_id="cs-1",
            reason=f"tgram://123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/4242 and api_key={KEY_ID[:8]}xyz",
        ),
    ]  # fmt: skip
    secrets = [
        KEY_ID, SIGNATURE[:40], "abc.def", "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "hunter2", "s3cr3t-t0ken",
        "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw", "a952bcbexyz", "webhook-pass",
    ]  # fmt: skip
    with receiving() as hook, caplog.at_level(logging.DEBUG):
        url = f"json://alerts:webhook-pass@127.0.0.1:{hook.port}/hook"
        alerts = Alerts.from_urls(url, settings=_settings(), known_secrets=[KEY_ID])
        assert all("webhook-pass" not in name for name in alerts.destinations)
        for event in leaky:
            alerts.emit(event)
        await alerts.aclose()
    assert len(hook.raw) == len(leaky)
    sent = b"\n".join(hook.raw).decode()
    for secret in secrets:
        assert secret not in sent
        assert secret not in caplog.text
    assert "[redacted]" in sent
    assert "vault.example" in sent  # an http(s) host stays, so the message still says where


def test_a_bad_url_is_one_line_naming_the_setting_and_not_the_token() -> None:
    with pytest.raises(ConfigError) as bad:
        Alerts.from_urls("json://127.0.0.1:8080/hook notaurl")
    assert str(bad.value).startswith("COURTSIDE_ALERTS: entry 2 ((no scheme)...)")
    with pytest.raises(ConfigError) as token:
        Alerts.from_urls("tgram://not-a-bot-token")
    message = str(token.value)
    assert "\n" not in message
    assert "COURTSIDE_ALERTS: entry 1 (tgram://...)" in message
    assert "not-a-bot-token" not in message


async def test_no_url_means_alerts_off_and_emit_is_a_no_op() -> None:
    alerts = Alerts.from_env({})
    assert not alerts.enabled
    assert alerts.emit(one_of_each()[0]) is Outcome.OFF
    assert (await alerts.aclose()).sent == 0


async def test_emit_from_another_thread_and_the_context_manager() -> None:
    with receiving() as hook:
        async with Alerts.from_urls(hook.url, settings=_settings()) as alerts:
            outcome = await asyncio.to_thread(alerts.emit, one_of_each()[8])
            assert outcome is Outcome.QUEUED
        assert hook.wait_for(1)
    assert _lines(hook.payloads[0]["message"])["alert"] == "first_scan"
    assert alerts.emit(one_of_each()[9]) is Outcome.CLOSED
