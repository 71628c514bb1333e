"""`courtside doctor`: can this machine trade tennis on Kalshi? One verdict per check, with a fix.

Checks connectivity and exchange status, clock skew against the server's Date header (Kalshi
rejects timestamps ~30 s old, kalshi-api.md §1.2), credentials via a signed balance call, the
tennis series (GET /series?category=Sports&tags=Tennis) and cash on the tennis shard 3 (§0.7).
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from courtside.domain.clock import Clock
from courtside.domain.errors import AuthenticationError, DataError, ExchangeError, ParseError
from courtside.domain.orders import TENNIS_SHARD
from courtside.domain.tennis import MATCH_WINNER_SERIES
from courtside.kalshi.rest import KalshiClient
from courtside.kalshi.shards import shard_funds

MATCH_SERIES = MATCH_WINNER_SERIES
SKEW_WARN_S = 2.0
SKEW_FAIL_S = 10.0


class Verdict(StrEnum):
    OK = "ok"
    WARN = "warn"
    FAIL = "fail"
    SKIP = "skip"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    verdict: Verdict
    detail: str
    fix: str = ""

    def as_dict(self) -> dict[str, str]:
        return {k: str(v) for k, v in asdict(self).items()}


SIM_REGISTER = "courtside sim serve --key-file $KALSHI_PRIVATE_KEY_PATH --key-id $KALSHI_API_KEY_ID"


def explain_auth(err: AuthenticationError, *, local: bool = False) -> str:
    """The fix for a 401, from its body (bad signature, unknown key id, clock skew); `local` when
    the environment is a base URL (a simulator), where keys are registered at its start."""
    key = err.details or err.code or ""
    if key == "INCORRECT_API_KEY_SIGNATURE":
        if local:
            return f"this key id is registered with another public key: restart with {SIM_REGISTER}"
        return "the private key does not match the key id (or prod/demo keys are mixed): check the pair"
    if key == "NOT_FOUND":
        if local:
            return f"this key id is not registered with the simulator: restart it with {SIM_REGISTER}"
        return "unknown API key id: check KALSHI_API_KEY_ID and that it belongs to this --env (prod vs demo)"
    if key == "header_timestamp_expired":
        return "the clock is off by more than Kalshi tolerates: enable NTP (timedatectl set-ntp true)"
    return "check KALSHI_API_KEY_ID, KALSHI_PRIVATE_KEY_PATH and the environment (--env)"


async def check_exchange(client: KalshiClient) -> Check:
    started = time.perf_counter()
    try:
        status = await client.get_exchange_status()
    except (ExchangeError, ParseError) as e:
        return Check(
            "exchange",
            Verdict.FAIL,
            f"GET /exchange/status failed: {e}",
            "check the network, proxy and --env URL",
        )
    ms = (time.perf_counter() - started) * 1000
    if not status.exchange_active:
        return Check(
            "exchange", Verdict.FAIL, f"exchange inactive ({ms:.0f} ms)", "wait for the exchange to reopen"
        )
    if not status.trading_active_on(TENNIS_SHARD):
        resume = status.estimated_resume_time
        return Check(
            "exchange",
            Verdict.WARN,
            f"reachable ({ms:.0f} ms) but trading paused (resume {resume})",
            "trading pauses Thu 03:00-05:00 ET; cancels still work",
        )
    return Check("exchange", Verdict.OK, f"reachable in {ms:.0f} ms; exchange and trading active")


def check_clock(server_date: datetime | None, clock: Clock) -> Check:
    """Compare our clock with the server's Date header (1 s resolution)."""
    if server_date is None:
        return Check(
            "clock", Verdict.WARN, "the server sent no Date header; skew unknown", "keep NTP enabled"
        )
    skew = (clock.now() - server_date).total_seconds()
    detail = f"local clock {skew:+.1f} s vs server"
    if abs(skew) > SKEW_FAIL_S:
        return Check(
            "clock", Verdict.FAIL, detail, "sync the clock (NTP): Kalshi rejects requests signed ~30 s off"
        )
    if abs(skew) > SKEW_WARN_S:
        return Check(
            "clock", Verdict.WARN, detail, "enable NTP; Kalshi's window is only a few seconds in the past"
        )
    return Check("clock", Verdict.OK, detail)


async def check_credentials(client: KalshiClient, need: Decimal = Decimal(0)) -> tuple[Check, Check]:
    """A signed balance call, then the cash on the tennis shard against what one order needs."""
    try:
        balance = await client.get_balance()
    except AuthenticationError as e:
        fail = Check(
            "credentials",
            Verdict.FAIL,
            f"signed GET /portfolio/balance refused: {e}",
            explain_auth(e, local=client.endpoints.name not in ("prod", "demo")),
        )
        return fail, Check("tennis shard", Verdict.SKIP, "needs working credentials")
    except (ExchangeError, ParseError) as e:
        fail = Check("credentials", Verdict.FAIL, f"balance call failed: {e}", "retry; check the --env URL")
        return fail, Check("tennis shard", Verdict.SKIP, "needs a balance")
    ok = Check("credentials", Verdict.OK, f"signed balance call accepted; balance ${balance.balance}")
    try:
        shard_cash = (await shard_funds(client, TENNIS_SHARD)).cash
    except (ExchangeError, DataError) as e:
        return ok, Check(
            "tennis shard", Verdict.FAIL, f"balance of shard {TENNIS_SHARD} failed: {e}", "retry"
        )
    if shard_cash <= 0 or shard_cash < need:
        return ok, Check(
            "tennis shard",
            Verdict.WARN,
            f"${shard_cash} on shard {TENNIS_SHARD}, below the ${need} one order needs"
            " (tennis markets trade there)",
            f"move cash from shard 0: courtside fund --amount {max(need - shard_cash, Decimal(1))}",
        )
    return ok, Check("tennis shard", Verdict.OK, f"${shard_cash} on shard {TENNIS_SHARD}")


async def check_series(client: KalshiClient) -> Check:
    try:
        series = await client.get_series_list(category="Sports", tags=["Tennis"])
    except (ExchangeError, ParseError) as e:
        return Check("tennis series", Verdict.FAIL, f"GET /series failed: {e}", "check the network and --env")
    tickers = {s.ticker for s in series}
    matches = [t for t in MATCH_SERIES if t in tickers]
    if not matches:
        return Check(
            "tennis series",
            Verdict.FAIL,
            f"{len(series)} tennis series, none of the match-winner series",
            "the environment lists no tennis match markets; try --env prod",
        )
    return Check(
        "tennis series", Verdict.OK, f"{len(series)} tennis series; match winners: {', '.join(matches)}"
    )


async def run_doctor(
    client: KalshiClient, clock: Clock, *, with_auth: bool, need: Decimal = Decimal(0)
) -> list[Check]:
    """Every check in order; never raises for a venue problem (it becomes a FAIL line)."""
    checks = [await check_exchange(client)]
    if checks[0].verdict is Verdict.FAIL and client.http.last_server_date is None:
        checks.append(Check("clock", Verdict.SKIP, "no answer from the server to compare with"))
    else:
        checks.append(check_clock(client.http.last_server_date, clock))
    if with_auth:
        checks.extend(await check_credentials(client, need))
    else:
        checks.append(Check("credentials", Verdict.SKIP, "no credentials checked (--public)"))
    checks.append(await check_series(client))
    return checks


def failed(checks: list[Check]) -> bool:
    return any(c.verdict is Verdict.FAIL for c in checks)
