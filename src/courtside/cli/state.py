"""`courtside kill | resume | status`: the trading state and what stops trading.

The kill switch (the file, HALTED) and `kill --reducing` are global: they stop dry-run and live.
The max-drawdown stop belongs to one mode, kept with its equity (a paper drawdown never stops live,
nor the reverse); `resume` lifts both kinds, `resume --reset-peak` also forgets the marks.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any

import typer

from courtside.app.account import trading_state
from courtside.cli.common import ConfigOpt, DbOpt, Opt, console, journal_or_exit, new_table, settings_or_exit
from courtside.domain.mode import Mode
from courtside.domain.orders import TENNIS_SHARD
from courtside.risk.checks import TradingState
from courtside.store.journal import Journal

MODES = tuple(Mode)  # dry-run keeps the paper book of records, --live the exchange's


def kill(
    reducing: Annotated[bool, Opt("--reducing", help="no new positions, keep resting orders")] = False,
    reason: Annotated[str, Opt(help="why (journalled)")] = "manual kill",
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Stop trading, dry-run and live: HALTED (kill-switch file + journal: resting orders are
    cancelled) or REDUCING."""
    s = settings_or_exit(config, db=db)
    journal = journal_or_exit(db, config)
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
    """Trade again: remove the kill-switch file, set the state ACTIVE and lift the max-drawdown stop
    of both modes (dry-run and live).

    The high-water mark is kept: while equity is still that far below it the next scan stops again.
    Add --reset-peak to start the marks afresh.
    """
    s = settings_or_exit(config, db=db)
    s.kill_file.unlink(missing_ok=True)
    journal = journal_or_exit(db, config)
    was, reason = journal.state()
    journal.set_state(TradingState.ACTIVE.value, "resumed", datetime.now(UTC))
    console.print("trading ACTIVE")
    modes = {mode: Journal(journal.engine, mode) for mode in MODES}
    lifted = {mode: r for mode, j in modes.items() if (r := j.clear_drawdown_trip()) is not None}
    for mode, why in lifted.items():
        console.print(f"max-drawdown stop lifted for {mode} (was: {why})")
    if reset_peak:
        forgot = [mode for mode, j in modes.items() if j.reset_peak()]
        console.print(
            f"high-water mark reset for both modes, dry-run and live (one was kept for: "
            f"{', '.join(forgot) or 'none'})"
        )
        return
    console.print("max-drawdown stop lifted for both modes, dry-run and live; high-water marks kept")
    if lifted or (was == TradingState.REDUCING.value and reason.startswith("max drawdown")):
        console.print(
            "[yellow]note:[/yellow] the high-water mark is kept, so the next scan stops again unless "
            "equity recovered or --max-drawdown allows it: `courtside resume --reset-peak`"
        )


def _model_summary(model: Path) -> dict[str, object]:
    """The model's newest result (meta.json only: status stays quick)."""
    from datetime import UTC, datetime

    from courtside.app.freshness import freshness

    found = freshness(model, datetime.now(UTC).date())
    through = str(found.results_through) if found.results_through else None
    return {"model": str(model), "results_through": through, "model_age_days": found.age_days}


def status(
    json_out: Annotated[bool, Opt("--json")] = False,
    live: Annotated[bool, Opt("--live/--dry-run", help="which book of records")] = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Trading state, each mode's equity and drawdown stop, open orders, positions, settled P&L and
    the last scans."""
    s = settings_or_exit(config, db=db)
    journal = journal_or_exit(db, config, Mode.LIVE if live else Mode.PAPER)
    state, reason = trading_state(journal)
    orders = journal.orders(statuses=("intent", "unknown", "resting"))
    positions = journal.positions()
    settled = journal.settlements()
    pnl = sum((r.revenue - r.cost for r in settled), start=0) - sum((f.fee for f in journal.fills()), start=0)
    scans = journal.scans()[-5:]
    modes = {mode: _mode_summary(Journal(journal.engine, mode)) for mode in MODES}
    summary = {
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
    console.print(
        f"[bold]{state.value}[/bold] {reason}  kill switch: {summary['kill_switch']}  mode: {journal.mode}"
    )
    for mode, row in modes.items():
        console.print(_mode_line(mode, row))
    console.print(f"model {s.model}: results through {summary['results_through'] or '?'}")
    if summary["tennis_shard_cash"] is not None:
        line = (
            f"tennis shard {TENNIS_SHARD}: ${summary['tennis_shard_cash']} "
            f"(one order needs ${summary['one_order_needs']}, seen {summary['tennis_shard_seen']})"
        )
        if summary["tennis_shard_low"]:
            line = f"[bold yellow]WARNING[/bold yellow] {line}: too little to trade; run `courtside fund`"
        console.print(line)
    table = new_table("client_order_id", "ticker", "status", "price", "count", "filled")
    for o in orders:
        table.add_row(
            o.client_order_id, o.ticker, o.status, str(o.yes_price), str(o.count), str(o.fill_count)
        )
    console.print(table)
    ptable = new_table("ticker", "position", "exposure", "fees")
    for p in positions:
        ptable.add_row(p.ticker, str(p.position), str(p.exposure), str(p.fees_paid))
    console.print(ptable)
    console.print(f"settled markets: {len(settled)}, realized P&L after fees: {pnl}")


def _mode_summary(journal: Journal) -> dict[str, Any]:
    """One mode: the state it trades under, equity at cost as its last scan measured it, the
    high-water mark, the drawdown from it, and its max-drawdown stop."""
    state, _ = trading_state(journal)
    row = journal.equity_mark()
    if row is None:
        return {
            "state": state.value, "equity": None, "equity_peak": None, "drawdown": None,
            "equity_seen": None, "drawdown_stop": False, "drawdown_stop_reason": None,
            "drawdown_stop_since": None,
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
    }


def _mode_line(mode: Mode, m: dict[str, Any]) -> str:
    name = mode.label
    if m["equity"] is None:
        return f"{name}: {m['state']}; no equity measured yet"
    line = (
        f"{name}: {m['state']}; equity at cost ${m['equity']} (seen {m['equity_seen']}), high-water mark "
        f"${m['equity_peak']}: drawdown {float(m['drawdown']):.1%}"
    )
    if m["drawdown_stop"]:
        stop = f"drawdown stop since {m['drawdown_stop_since']}: {m['drawdown_stop_reason']}"
        return f"{line}; [bold yellow]{stop}[/bold yellow]"
    return f"{line}; drawdown stop: no"


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
