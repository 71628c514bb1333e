"""`courtside doctor`: connectivity, exchange status, clock, credentials, tennis series and shard."""

from __future__ import annotations

import asyncio
import json
from decimal import Decimal

import typer
from rich.console import Console
from rich.markup import escape

from courtside.app.config import load_settings
from courtside.domain.clock import SystemClock
from courtside.domain.errors import ConfigError
from courtside.domain.orders import order_collateral
from courtside.kalshi.auth import Credentials
from courtside.kalshi.doctor import Check, Verdict, failed, run_doctor
from courtside.kalshi.http import RetryPolicy

STYLE = {Verdict.OK: "green", Verdict.WARN: "yellow", Verdict.FAIL: "bold red", Verdict.SKIP: "dim"}


def _order_need() -> Decimal:
    """What one full-size order can tie up, from the trader's settings (COURTSIDE_MAX_SIZE, .env)."""
    try:
        return order_collateral(load_settings(None).max_size)
    except ConfigError:
        return Decimal(0)


async def _run(env: str, public: bool) -> list[Check]:
    from courtside.app.wiring import kalshi_client

    checks: list[Check] = []
    auth = None
    if not public:
        try:
            auth = Credentials.from_env().auth()
        except ConfigError as e:
            checks.append(
                Check(
                    "credentials",
                    Verdict.FAIL,
                    str(e),
                    "set KALSHI_API_KEY_ID and KALSHI_PRIVATE_KEY_PATH, or pass --public",
                )
            )
    # a handful of calls: no client-side buckets, so the first signed call is the balance check
    async with kalshi_client(env, auth=auth, retry=RetryPolicy(max_attempts=2), pacing="off") as client:
        checks.extend(await run_doctor(client, SystemClock(), with_auth=auth is not None, need=_order_need()))
    if not public and auth is None:
        checks = [c for c in checks if not (c.name == "credentials" and c.verdict is Verdict.SKIP)]
    return checks


def doctor(
    env: str = typer.Option(
        "prod", "--env", help="prod, demo, or a base URL such as http://127.0.0.1:8123/trade-api/v2"
    ),
    public: bool = typer.Option(False, "--public", help="skip the signed checks (no credentials needed)"),
    as_json: bool = typer.Option(False, "--json", help="machine-readable output"),
) -> None:
    """Check that this machine can reach Kalshi and trade tennis; exit 1 on any failure."""
    try:
        checks = asyncio.run(_run(env, public))
    except ConfigError as e:
        checks = [Check("environment", Verdict.FAIL, str(e), "use --env prod, demo or an http(s) base URL")]
    if as_json:
        typer.echo(
            json.dumps(
                {"env": env, "ok": not failed(checks), "checks": [c.as_dict() for c in checks]}, indent=2
            )
        )
    else:
        console = Console()
        for c in checks:
            line = f"[{STYLE[c.verdict]}]{c.verdict.value.upper():>4}[/] {c.name:<14} {escape(c.detail)}"
            if c.fix and c.verdict in (Verdict.FAIL, Verdict.WARN):
                line += f"  [dim]fix: {escape(c.fix)}[/]"
            console.print(line, highlight=False)
    raise typer.Exit(1 if failed(checks) else 0)


def register(app: typer.Typer) -> None:
    app.command("doctor")(doctor)
