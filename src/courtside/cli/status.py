"""`courtside status`: the trading state of one exchange and mode (default: the configured exchange,
dry-run), each mode's equity, drawdown and stops, open orders, positions and settled P&L, with the home
folder and the journal they come from. It only reads: a missing journal is an error, nothing is made."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from courtside.app.account import trading_state
from courtside.app.urls import redact_url
from courtside.cli.common import ConfigOpt, DbOpt, EnvOpt, Opt, console, journal_or_exit, settings_or_exit
from courtside.cli.errors import warn
from courtside.cli.output import show_table
from courtside.domain.mode import Mode
from courtside.domain.orders import TENNIS_SHARD
from courtside.store.journal import Journal

MODES = tuple(Mode)  # dry-run keeps the paper book of records, --live the exchange's


ModeOpt = Annotated[Mode, Opt("--mode", help="which book of records: paper (dry-run) or live")]


def chosen_mode(mode: Mode, live: bool | None) -> Mode:
    """--mode, or the deprecated --live/--dry-run of earlier versions (with a note)."""
    if live is None:
        return mode
    warn(f"--live/--dry-run is deprecated here: use --mode {'live' if live else 'paper'}")
    return Mode.LIVE if live else Mode.PAPER


def status(
    json_out: Annotated[bool, Opt("--json", help="one JSON object")] = False,
    mode: ModeOpt = Mode.PAPER,
    env: EnvOpt = None,
    live: Annotated[bool | None, Opt("--live/--dry-run", hidden=True)] = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Trading state, each mode's equity and drawdown stop, open orders, positions, settled P&L and
    the last scans, with the home folder they are kept in. Reads only: a missing journal is an error."""
    s = settings_or_exit(config, db=db, env=env)
    journal = journal_or_exit(s, chosen_mode(mode, live), read_only=True)
    state, reason = trading_state(journal)
    orders = journal.orders(statuses=("intent", "unknown", "resting"))
    positions = journal.positions()
    settled = journal.settlements()
    pnl = sum((r.revenue - r.cost for r in settled), start=0) - sum((f.fee for f in journal.fills()), start=0)
    scans = journal.scans()[-5:]
    modes = {mode: _mode_summary(journal.book(mode)) for mode in MODES}
    exchanges = journal.exchanges()
    summary: dict[str, Any] = {
        "home": str(s.home),
        "journal": redact_url(s.db),
        "exchange": journal.exchange,
        "exchanges": exchanges,
        "state": state.value,
        "reason": reason,
        "kill_switch": s.kill_file.exists(),
        "mode": journal.mode,
        "open_orders": len(orders),
        "positions": len(positions),
        "settled_markets": len(settled),
        "realized_pnl": str(pnl),
        "last_scan": scans[-1].started_at.isoformat() if scans else None,
        **_shard_summary(journal),
        **{k: v for k, v in modes[journal.mode].items() if k != "state"},
        "modes": modes,
        **_model_summary(s.model),
    }
    if json_out:
        typer.echo(json.dumps(summary))
        return
    console.print(f"home: {s.home}  journal: {summary['journal']}", markup=False)
    others = [e for e in exchanges if e != journal.exchange]
    also = f"  (also in this journal: {', '.join(others)})" if others else ""
    console.print(f"exchange: {journal.exchange}{also}", markup=False)
    console.print(
        f"[bold]{state.value}[/bold] {reason}  kill switch: {summary['kill_switch']}  mode: {journal.mode}"
    )
    for mode, row in modes.items():
        console.print(_mode_line(mode, row))
    console.print(f"model {s.model}: results through {summary['results_through'] or '?'}", markup=False)
    if summary["tennis_shard_cash"] is not None:
        line = (
            f"tennis shard {TENNIS_SHARD}: ${summary['tennis_shard_cash']} "
            f"(one order needs ${summary['one_order_needs']}, seen {summary['tennis_shard_seen']})"
        )
        if summary["tennis_shard_low"]:
            line = f"[bold yellow]WARNING[/bold yellow] {line}: too little to trade; run `courtside fund`"
        console.print(line)
    show_table(
        console,
        ("client_order_id", "ticker", "status", "yes price", "count", "filled"),
        [
            (o.client_order_id, o.ticker, o.status, str(o.yes_price), str(o.count), str(o.fill_count))
            for o in orders
        ],
        title=f"open orders ({len(orders)})",
    )
    show_table(
        console,
        ("ticker", "position", "exposure", "fees"),
        [(p.ticker, str(p.position), str(p.exposure), str(p.fees_paid)) for p in positions],
        title=f"positions ({len(positions)})",
    )
    console.print(f"settled markets: {len(settled)}, realized P&L after fees: {pnl}")


def _model_summary(model: Path) -> dict[str, object]:
    """The model's newest result (meta.json only: status stays quick)."""
    from datetime import UTC, datetime

    from courtside.app.freshness import freshness

    found = freshness(model, datetime.now(UTC).date())
    through = str(found.results_through) if found.results_through else None
    return {"model": str(model), "results_through": through, "model_age_days": found.age_days}


def _mode_summary(journal: Journal) -> dict[str, Any]:
    """One mode: the state it trades under, equity at cost as its last scan measured it, the
    high-water mark, the drawdown from it, and its max-drawdown stop."""
    state, _ = trading_state(journal)
    row = journal.equity_mark()
    stops = [stop.reason for stop in journal.stops()]
    if row is None:
        return {
            "state": state.value, "equity": None, "equity_peak": None, "drawdown": None,
            "equity_seen": None, "drawdown_stop": False, "drawdown_stop_reason": None,
            "drawdown_stop_since": None, "stops": stops,
        }  # fmt: skip
    drawdown = (row.peak - row.equity) / row.peak if row.peak > 0 else Decimal(0)
    return {
        "state": state.value,
        "equity": str(row.equity),
        "equity_peak": str(row.peak),
        "drawdown": str(drawdown.quantize(Decimal("0.0001"))),
        "equity_seen": row.measured_at.isoformat(),
        "drawdown_stop": row.tripped_reason is not None,
        "drawdown_stop_reason": row.tripped_reason,
        "drawdown_stop_since": row.tripped_at.isoformat() if row.tripped_at else None,
        "stops": stops,
    }


def _mode_line(mode: Mode, m: dict[str, Any]) -> str:
    name = mode.label
    stops = "".join(f"; [bold yellow]stopped: {why}[/bold yellow]" for why in m["stops"])
    if m["equity"] is None:
        return f"{name}: {m['state']}; no equity measured yet{stops}"
    line = (
        f"{name}: {m['state']}; equity at cost ${m['equity']} (seen {m['equity_seen']}), high-water mark "
        f"${m['equity_peak']}: drawdown {float(m['drawdown']):.1%}"
    )
    if m["drawdown_stop"]:
        stop = f"drawdown stop since {m['drawdown_stop_since']}: {m['drawdown_stop_reason']}"
        line = f"{line}; [bold yellow]{stop}[/bold yellow]"
    else:
        line = f"{line}; drawdown stop: no"
    return line + stops


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
