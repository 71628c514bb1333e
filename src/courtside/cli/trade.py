"""`courtside trade | scan | unmatched | fund`, and `kill | resume | status` from cli.control: the
AutoTrader's commands (one group: `register` attaches them all)."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from courtside.app.logs import setup_logging
from courtside.cli.common import (
    ConfigOpt,
    DbOpt,
    EnvOpt,
    Opt,
    console,
    err_console,
    fail,
    journal_or_exit,
    new_table,
    settings_or_exit,
)
from courtside.cli.state import kill, resume, status
from courtside.domain.errors import CourtsideError
from courtside.domain.orders import TENNIS_SHARD

if TYPE_CHECKING:  # app.run pulls in the model stack (sklearn): imported only by trade and scan
    from courtside.app.run import Overrides
    from courtside.app.scan_result import MatchVerdict
    from courtside.app.settings import TraderSettings
    from courtside.kalshi.results import TransferResult
    from courtside.store.journal_tables import InferredTournamentRow

WEIGHT_HELP = (
    "weight w of the model in p = sigmoid(w logit(p_model) + (1-w) logit(p_market)), p_market the "
    "de-vigged mid of both books; 1 = the model alone [1.0]"
)
DRAWDOWN_HELP = (
    "stop opening positions (state REDUCING) once equity (cash + positions and resting orders at cost) "
    "is this fraction below its high-water mark; dry-run and live each have their own mark and stop; "
    "0 or none = off; `courtside resume --reset-peak` clears it [0.25]"
)


@dataclass
class CliContext:
    """What a test may inject into the commands (predictor, registry, auth, clock)."""

    overrides: Overrides | None = None


STATE = CliContext()


def register(app: typer.Typer) -> None:
    app.command("trade")(trade)
    app.command("scan")(scan)
    app.command("unmatched")(unmatched)
    app.command("kill")(kill)
    app.command("resume")(resume)
    app.command("status")(status)
    app.command("fund")(fund)


def trade(
    live: Annotated[
        bool | None, Opt("--live/--dry-run", help="real orders, or paper fills (default)")
    ] = None,
    confirm_live: Annotated[bool | None, Opt("--confirm-live", help="skip the typed confirmation")] = None,
    once: Annotated[bool | None, Opt("--once", help="one scan, then exit")] = None,
    min_value: Annotated[str | None, Opt(help="minimum value edge p - price [0.02]")] = None,
    min_ev: Annotated[str | None, Opt(help="minimum EV per dollar after fees [0.05]")] = None,
    max_size: Annotated[str | None, Opt(help="maximum contracts per order [10]")] = None,
    scan_interval: Annotated[float | None, Opt(help="seconds between scans [60]")] = None,
    max_hours: Annotated[float | None, Opt(help="only matches starting within this many hours [48]")] = None,
    min_volume: Annotated[str | None, Opt(help="minimum contracts traded in the market [100]")] = None,
    env: EnvOpt = None,
    order_style: Annotated[str | None, Opt(help="maker | taker | auto [maker]")] = None,
    kelly_fraction: Annotated[str | None, Opt(help="fraction of full Kelly [0.25]")] = None,
    model_weight: Annotated[float | None, Opt(help=WEIGHT_HELP)] = None,
    max_drawdown: Annotated[str | None, Opt(help=DRAWDOWN_HELP)] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
    model: Annotated[Path | None, Opt(help="model artifact folder [var/model]")] = None,
    stream: Annotated[bool | None, Opt("--stream", help="react to WebSocket book changes")] = None,
    update_every: Annotated[
        float | None, Opt(help="hours between results syncs + model update, 0: on start only [6]")
    ] = None,
    max_model_age: Annotated[
        int | None, Opt(help="days: live refuses a model whose newest result is older [7]")
    ] = None,
) -> None:
    """Run the AutoTrader: scan, price, decide, check risk and place limit orders (dry-run by default)."""
    from courtside.app.run import confirm_live as require_confirmation
    from courtside.app.run import run_trade, stdin_is_tty

    s = settings_or_exit(
        config,
        live=live,
        confirm_live=confirm_live,
        once=once,
        min_value=min_value,
        min_ev=min_ev,
        max_size=max_size,
        scan_interval=scan_interval,
        max_hours=max_hours,
        min_volume=min_volume,
        env=env,
        order_style=order_style,
        kelly_fraction=kelly_fraction,
        model_weight=model_weight,
        max_drawdown=max_drawdown,
        db=db,
        model=model,
        stream=stream,
        update_every=update_every,
        max_model_age=max_model_age,
    )
    setup_logging(s.log_file)
    try:
        require_confirmation(s, lambda text: typer.prompt(text), stdin_is_tty())
        asyncio.run(run_trade(s, STATE.overrides))
    except CourtsideError as e:
        raise fail(e) from e
    except KeyboardInterrupt:
        console.print("stopped")


def scan(
    json_out: Annotated[bool, Opt("--json", help="one JSON line per priced match")] = False,
    min_value: Annotated[str | None, Opt(help="minimum value edge [0.02]")] = None,
    min_ev: Annotated[str | None, Opt(help="minimum EV per dollar [0.05]")] = None,
    max_size: Annotated[str | None, Opt(help="maximum contracts [10]")] = None,
    max_hours: Annotated[float | None, Opt(help="hours to start [48]")] = None,
    min_volume: Annotated[str | None, Opt(help="minimum contracts traded [100]")] = None,
    env: EnvOpt = None,
    model_weight: Annotated[float | None, Opt(help=WEIGHT_HELP)] = None,
    config: ConfigOpt = None,
    db: DbOpt = None,
    model: Annotated[Path | None, Opt(help="predictor artifact")] = None,
) -> None:
    """Price every open match once and show the decision; never places an order."""
    from courtside.app.run import run_scan

    s = settings_or_exit(
        config,
        live=False,
        min_value=min_value,
        min_ev=min_ev,
        max_size=max_size,
        max_hours=max_hours,
        min_volume=min_volume,
        env=env,
        model_weight=model_weight,
        db=db,
        model=model,
    )
    setup_logging(s.log_file, console=not json_out)
    try:
        items = asyncio.run(run_scan(s, STATE.overrides))
    except CourtsideError as e:
        raise fail(e) from e
    if json_out:
        for item in items:
            typer.echo(json.dumps(item.as_json()))
        return
    table = new_table(
        "match", "p model", "p mkt", "p blend", "route", "price", "fee", "edge", "EV", "size", "rank",
        "decision", "reasons",
    )  # fmt: skip
    for i in items:
        table.add_row(
            " vs ".join(i.players),
            *(f"{p:.3f}" if p is not None else "-" for p in (i.p_model, i.p_market, i.p_blend)),
            i.route.split("@")[0] + (f" {i.style}" if i.style else ""),
            f"{i.price.normalize()}" if i.price is not None else "-",
            f"{i.fee.normalize()}" if i.fee is not None else "-",
            f"{i.edge:.3f}" if i.edge is not None else "-",
            f"{i.ev:.3f}" if i.ev is not None else "-",
            str(i.size or "-"),
            f"#{i.rank}" if i.rank is not None else "-",
            i.decision,
            "; ".join(i.reasons),
        )
    console.print(table)
    _print_top_reasons(items)


def _print_top_reasons(items: list[MatchVerdict]) -> None:
    """The scan's commonest reasons not to trade, by kind, with how many matches each stopped."""
    from courtside.app.scan_result import top_reasons

    top = top_reasons(items)
    if not top:
        console.print("no match was skipped or refused")
        return
    table = new_table("top refusal reasons", "matches")
    for kind, count in top:
        table.add_row(kind, str(count))
    console.print(table)


def unmatched(
    json_out: Annotated[bool, Opt("--json")] = False, db: DbOpt = None, config: ConfigOpt = None
) -> None:
    """Players Kalshi lists that the registry could not identify (add aliases for them), and the
    tournaments missing from the table that were priced by inference (check what was inferred)."""
    journal = journal_or_exit(db, config)
    rows, tournaments = journal.unmatched(), journal.inferred_tournaments()
    if json_out:
        for r in rows:
            typer.echo(
                json.dumps(
                    {
                        "kind": "player",
                        "name": r.name,
                        "tour": r.tour,
                        "status": r.status,
                        "times": r.times,
                        "event_ticker": r.event_ticker,
                        "competitor_id": r.competitor_id,
                        "detail": r.detail,
                    }
                )
            )
        for t in tournaments:
            typer.echo(json.dumps(_tournament_json(t)))
        return
    table = new_table("name", "tour", "status", "seen", "last event", "detail")
    for r in rows:
        table.add_row(r.name, r.tour, r.status, str(r.times), r.event_ticker, r.detail)
    console.print(table)
    inferred = new_table("tournament", "tour", "level", "surface", "best of", "seen", "last event", "how")
    for t in tournaments:
        inferred.add_row(
            t.name, t.tour, t.level, t.surface, str(t.best_of), str(t.times), t.event_ticker, t.detail
        )
    console.print("tournaments priced by inference (not in the tournament table):")
    console.print(inferred)


def _tournament_json(t: InferredTournamentRow) -> dict[str, object]:
    return {
        "kind": "tournament",
        "name": t.name,
        "tour": t.tour,
        "status": "inferred",
        "level": t.level,
        "surface": t.surface,
        "best_of": t.best_of,
        "times": t.times,
        "event_ticker": t.event_ticker,
        "detail": t.detail,
    }


def _dollars(text: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation as e:
        raise typer.BadParameter(f"--amount must be dollars such as 250 or 12.50, got {text!r}") from e
    if not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.0001")):
        raise typer.BadParameter(f"--amount must be positive with at most 4 decimals, got {text!r}")
    return amount


async def _transfer(
    s: TraderSettings, amount: Decimal, source: int, dest: int
) -> tuple[TransferResult, Decimal]:
    from courtside.app.wiring import kalshi_client, signing
    from courtside.kalshi.shards import shard_funds

    ov = STATE.overrides
    auth = signing(True, ov.auth if ov is not None else None)
    transport = ov.transport if ov is not None else None
    async with kalshi_client(s.env, auth=auth, transport=transport, timeout=s.http_timeout) as c:
        result = await c.intra_exchange_transfer(amount, source_shard=source, destination_shard=dest)
        return result, (await shard_funds(c, dest)).cash


def fund(
    amount: Annotated[str, Opt("--amount", help="dollars to move, e.g. 250 or 12.50")],
    from_shard: Annotated[int, Opt("--from-shard", help="exchange shard to take cash from")] = 0,
    to_shard: Annotated[int, Opt("--to-shard", help="exchange shard to fund (tennis: 3)")] = TENNIS_SHARD,
    env: EnvOpt = None,
    yes: Annotated[bool, Opt("--yes", help="skip the confirmation (required without a terminal)")] = False,
    config: ConfigOpt = None,
) -> None:
    """Move collateral between exchange shards: tennis orders need cash on shard 3 (exchange sharding)."""
    dollars = _dollars(amount)
    if from_shard == to_shard or min(from_shard, to_shard) < 0:
        raise typer.BadParameter("--from-shard and --to-shard must be two different shards")
    s = settings_or_exit(config, env=env)
    question = f"Move ${dollars} from shard {from_shard} to shard {to_shard} on {s.env}?"
    if not yes:
        if not sys.stdin.isatty():
            err_console.print("[red]error:[/red] refusing to move money without a terminal: pass --yes")
            raise typer.Exit(2)
        if not typer.confirm(question):
            console.print("nothing moved")
            raise typer.Exit(1)
    try:
        result, cash = asyncio.run(_transfer(s, dollars, from_shard, to_shard))
    except CourtsideError as e:
        raise fail(e) from e
    console.print(
        f"transfer {result.transfer_id}: ${dollars} shard {from_shard} -> {to_shard} "
        f"(completes asynchronously); shard {to_shard} shows ${cash}"
    )
