"""`courtside trade | scan | unmatched | kill | resume | status | fund`: the AutoTrader's commands."""

from __future__ import annotations

import asyncio
import json
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from courtside.app.logs import setup_logging
from courtside.app.settings import TraderSettings, load_settings
from courtside.domain.errors import CourtsideError
from courtside.domain.orders import TENNIS_SHARD
from courtside.risk.checks import TradingState
from courtside.store.db import make_engine
from courtside.store.trading import Journal

if TYPE_CHECKING:  # app.run pulls in the model stack (sklearn): imported only by trade and scan
    from courtside.app.run import Overrides
    from courtside.kalshi.types import TransferResult

console = Console()
err_console = Console(stderr=True)

Opt = typer.Option
ConfigOpt = Annotated[Path | None, Opt("--config", help="TOML file of settings (flags win over it)")]
DbOpt = Annotated[str | None, Opt("--db", help="SQLAlchemy URL of the journal [sqlite:///var/courtside.db]")]
EnvOpt = Annotated[str | None, Opt("--env", help="prod | demo | a REST base URL (the simulator) [prod]")]
WEIGHT_HELP = (
    "weight w of the model in p = sigmoid(w logit(p_model) + (1-w) logit(p_market)), p_market the "
    "de-vigged mid of both books; 1 = the model alone [1.0]"
)
DRAWDOWN_HELP = (
    "stop opening positions (state REDUCING) once equity (cash + positions and resting orders at cost) "
    "is this fraction below its high-water mark; 0 or none = off; `courtside resume --reset-peak` "
    "clears it [0.25]"
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


def _table(*headers: str) -> Table:
    """Columns wrap rather than cut: a ticker or client_order_id is useless with an ellipsis in it."""
    table = Table()
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def _fail(e: CourtsideError) -> typer.Exit:
    err_console.print(f"[red]error:[/red] {e}")
    return typer.Exit(2)


def _settings(config: Path | None, **flags: Any) -> TraderSettings:
    try:
        return load_settings(config, **flags)
    except CourtsideError as e:
        raise _fail(e) from e


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
) -> None:
    """Run the AutoTrader: scan, price, decide, check risk and place limit orders (dry-run by default)."""
    from courtside.app.run import confirm_live as require_confirmation
    from courtside.app.run import run_trade, stdin_is_tty

    s = _settings(
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
    )
    setup_logging(s.log_file)
    try:
        require_confirmation(s, lambda text: typer.prompt(text), stdin_is_tty())
        asyncio.run(run_trade(s, STATE.overrides))
    except CourtsideError as e:
        raise _fail(e) from e
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

    s = _settings(
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
        raise _fail(e) from e
    if json_out:
        for item in items:
            typer.echo(json.dumps(item.as_json()))
        return
    table = _table(
        "match", "p model", "p mkt", "p blend", "route", "price", "fee", "edge", "EV", "size", "decision",
        "reasons",
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
            i.decision,
            "; ".join(i.reasons),
        )
    console.print(table)


def _journal(db: str | None, config: Path | None, mode: str = "paper") -> Journal:
    s = _settings(config, db=db)
    try:
        return Journal(make_engine(s.db), mode)
    except CourtsideError as e:
        raise _fail(e) from e


def unmatched(
    json_out: Annotated[bool, Opt("--json")] = False, db: DbOpt = None, config: ConfigOpt = None
) -> None:
    """Players Kalshi lists that the registry could not identify (add aliases for them)."""
    rows = _journal(db, config).unmatched()
    if json_out:
        for r in rows:
            typer.echo(
                json.dumps(
                    {
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
        return
    table = _table("name", "tour", "status", "seen", "last event", "detail")
    for r in rows:
        table.add_row(r.name, r.tour, r.status, str(r.times), r.event_ticker, r.detail)
    console.print(table)


def kill(
    reducing: Annotated[bool, Opt("--reducing", help="no new positions, keep resting orders")] = False,
    reason: Annotated[str, Opt(help="why (journalled)")] = "manual kill",
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Stop trading: HALTED (kill-switch file + journal: resting orders are cancelled) or REDUCING."""
    s = _settings(config, db=db)
    journal = _journal(db, config)
    state = TradingState.REDUCING if reducing else TradingState.HALTED
    if state is TradingState.HALTED:
        s.kill_file.parent.mkdir(parents=True, exist_ok=True)
        s.kill_file.write_text(f"{datetime.now(UTC).isoformat()} {reason}\n", encoding="utf-8")
    journal.set_state(state.value, reason, datetime.now(UTC))
    console.print(f"trading {state.value}: {reason}")


def resume(
    reset_peak: Annotated[
        bool,
        Opt(
            "--reset-peak",
            help="also forget equity's high-water mark (dry-run and live): the next scan starts it "
            "afresh from the equity it measures",
        ),
    ] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Trade again: remove the kill-switch file and set the state ACTIVE.

    After a max-drawdown stop add --reset-peak, or the next scan stops again (REDUCING) on the same mark.
    """
    s = _settings(config, db=db)
    s.kill_file.unlink(missing_ok=True)
    journal = _journal(db, config)
    was, reason = journal.state()
    journal.set_state(TradingState.ACTIVE.value, "resumed", datetime.now(UTC))
    console.print("trading ACTIVE")
    if reset_peak:
        forgot = [mode for mode in ("paper", "live") if Journal(journal.engine, mode).reset_peak()]
        console.print(f"high-water mark reset ({', '.join(forgot) or 'none was kept'})")
    elif was == TradingState.REDUCING.value and reason.startswith("max drawdown"):
        console.print(
            f"[yellow]note:[/yellow] stopped by {reason}; the high-water mark is kept, so the next scan "
            "stops again unless equity recovered or --max-drawdown allows it: `courtside resume --reset-peak`"
        )


def status(
    json_out: Annotated[bool, Opt("--json")] = False,
    live: Annotated[bool, Opt("--live/--dry-run", help="which book of records")] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Trading state, open orders, positions, settled P&L and the last scans."""
    s = _settings(config, db=db)
    journal = _journal(db, config, "live" if live else "paper")
    state, reason = journal.state()
    orders = journal.orders(statuses=("intent", "unknown", "resting"))
    positions = journal.positions()
    settled = journal.settlements()
    pnl = sum((r.revenue - r.cost for r in settled), start=0) - sum((f.fee for f in journal.fills()), start=0)
    scans = journal.scans()[-5:]
    summary = {
        "state": state,
        "reason": reason,
        "kill_switch": s.kill_file.exists(),
        "mode": journal.mode,
        "open_orders": len(orders),
        "positions": len(positions),
        "settled_markets": len(settled),
        "realized_pnl": str(pnl),
        "last_scan": scans[-1].started_at.isoformat() if scans else None,
        **_shard_summary(journal),
        **_equity_summary(journal),
    }
    if json_out:
        typer.echo(json.dumps(summary))
        return
    console.print(
        f"[bold]{state}[/bold] {reason}  kill switch: {summary['kill_switch']}  mode: {journal.mode}"
    )
    if summary["equity"] is not None:
        console.print(
            f"equity at cost ${summary['equity']} (seen {summary['equity_seen']}), high-water mark "
            f"${summary['equity_peak']}: drawdown {float(summary['drawdown']):.1%}"
        )
    if summary["tennis_shard_cash"] is not None:
        line = (
            f"tennis shard {TENNIS_SHARD}: ${summary['tennis_shard_cash']} "
            f"(one order needs ${summary['one_order_needs']}, seen {summary['tennis_shard_seen']})"
        )
        if summary["tennis_shard_low"]:
            line = f"[bold yellow]WARNING[/bold yellow] {line}: too little to trade; run `courtside fund`"
        console.print(line)
    table = _table("client_order_id", "ticker", "status", "price", "count", "filled")
    for o in orders:
        table.add_row(
            o.client_order_id, o.ticker, o.status, str(o.yes_price), str(o.count), str(o.fill_count)
        )
    console.print(table)
    ptable = _table("ticker", "position", "exposure", "fees")
    for p in positions:
        ptable.add_row(p.ticker, str(p.position), str(p.exposure), str(p.fees_paid))
    console.print(ptable)
    console.print(f"settled markets: {len(settled)}, realized P&L after fees: {pnl}")


def _equity_summary(journal: Journal) -> dict[str, Any]:
    """Equity at cost as the last scan measured it and its high-water mark (max-drawdown)."""
    row = journal.equity_mark()
    if row is None:
        return {"equity": None, "equity_peak": None, "drawdown": None, "equity_seen": None}
    drawdown = (row.peak - row.equity) / row.peak if row.peak > 0 else Decimal(0)
    return {
        "equity": str(row.equity),
        "equity_peak": str(row.peak),
        "drawdown": str(drawdown.quantize(Decimal("0.0001"))),
        "equity_seen": row.measured_at.isoformat(),
    }


def _shard_summary(journal: Journal) -> dict[str, Any]:
    """The tennis shard's cash as the trader last saw it at startup (live only)."""
    row = journal.shard_cash()
    if row is None:
        return {"tennis_shard_cash": None, "one_order_needs": None, "tennis_shard_low": None}
    return {
        "tennis_shard_cash": str(row.cash),
        "one_order_needs": str(row.needed),
        "tennis_shard_low": row.cash < row.needed,
        "tennis_shard_seen": row.ts.isoformat(),
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
    from courtside.kalshi.auth import Credentials
    from courtside.kalshi.rest import KalshiClient
    from courtside.kalshi.shards import shard_funds

    overrides = STATE.overrides
    auth = overrides.auth if overrides is not None and overrides.auth is not None else None
    async with KalshiClient(s.env, auth=auth or Credentials.from_env().auth(), timeout=s.http_timeout) as c:
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
    s = _settings(config, env=env)
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
        raise _fail(e) from e
    console.print(
        f"transfer {result.transfer_id}: ${dollars} shard {from_shard} -> {to_shard} "
        f"(completes asynchronously); shard {to_shard} shows ${cash}"
    )
