from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from courtside.domain.clock import ManualClock
from courtside.domain.errors import AuthenticationError
from courtside.kalshi.doctor import Check, Verdict, check_clock, explain_auth, failed
from courtside.kalshi.errors import error_for

SERVER = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("auth__bad_signature", "does not match"),
        ("auth__unknown_key_id", "unknown API key id"),
        ("auth__skew_minus30s", "NTP"),
        ("auth__missing_signature_header", "KALSHI_API_KEY_ID"),
    ],
)
def test_401_bodies_are_explained(recorded: Any, name: str, phrase: str) -> None:
    err = error_for(401, recorded.raw(name), method="GET", path="/trade-api/v2/portfolio/balance")
    assert isinstance(err, AuthenticationError)
    assert phrase in explain_auth(err)


@pytest.mark.parametrize(
    ("offset", "verdict"), [(0.4, Verdict.OK), (-4.0, Verdict.WARN), (-31.0, Verdict.FAIL)]
)
def test_clock_skew_verdicts(offset: float, verdict: Verdict) -> None:
    clock = ManualClock(SERVER + timedelta(seconds=offset))
    check = check_clock(SERVER, clock)
    assert check.verdict is verdict
    assert (check.fix != "") is (verdict is not Verdict.OK)
    assert check_clock(None, clock).verdict is Verdict.WARN


def test_any_fail_fails_the_run() -> None:
    ok, warn = Check("a", Verdict.OK, ""), Check("b", Verdict.WARN, "", "fix")
    assert not failed([ok, warn])
    assert failed([ok, Check("c", Verdict.FAIL, "down", "fix it")])


def test_cli_unreachable_host_exits_nonzero_with_json() -> None:
    import json

    from courtside.cli import doctor

    app = typer.Typer()
    app.callback()(lambda: None)
    doctor.register(app)
    result = CliRunner().invoke(
        app, ["doctor", "--env", "http://127.0.0.1:9/trade-api/v2", "--public", "--json"]
    )
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    verdicts = {c["name"]: c["verdict"] for c in report["checks"]}
    assert verdicts["exchange"] == "fail"
    assert verdicts["credentials"] == "skip"
    assert all(c["fix"] for c in report["checks"] if c["verdict"] == "fail")


def _balance_venue(total: str, shard3: str) -> Any:
    """A venue whose balance has no per-shard breakdown: the sum, or one shard with ?exchange_index."""
    import httpx

    def handler(req: httpx.Request) -> httpx.Response:
        assert req.url.path == "/trade-api/v2/portfolio/balance"
        dollars = shard3 if req.url.params.get("exchange_index") == "3" else total
        cents = int(Decimal(dollars) * 100)
        return httpx.Response(200, json={"balance": cents, "balance_dollars": dollars, "portfolio_value": 0})

    return httpx.MockTransport(handler)


@pytest.mark.parametrize(("shard3", "verdict"), [("0.0000", Verdict.WARN), ("50.0000", Verdict.OK)])
async def test_tennis_shard_is_asked_for_when_the_balance_has_no_breakdown(
    shard3: str, verdict: Verdict, rsa_key: Any
) -> None:
    """$50 in total is not $50 on shard 3: without a breakdown, doctor asks for shard 3 itself."""
    from courtside.kalshi.auth import KalshiAuth
    from courtside.kalshi.doctor import check_credentials
    from courtside.kalshi.rest import KalshiClient

    transport = _balance_venue("50.0000", shard3)
    auth = KalshiAuth("kid", rsa_key)
    async with KalshiClient("http://v.test/trade-api/v2", auth=auth, transport=transport, pacing="off") as c:
        creds, shard = await check_credentials(c, Decimal(1))
    assert creds.verdict is Verdict.OK
    assert shard.verdict is verdict
    assert f"${shard3} on shard 3" in shard.detail
