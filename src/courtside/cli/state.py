"""`courtside kill | cancel-all | resume`: what stops trading and what lets it go on.

The kill switch (the file, HALTED) and `kill --reducing` are global: they stop every exchange and
mode. `kill` also cancels the bot's resting orders on the exchange itself, right away, whether or not
a trader runs; `cancel-all` only cancels. Stops of one exchange and mode (its max drawdown, failed
scans) are kept with it; `resume` lifts the kill switch and the stops of one exchange (the configured
one by default), `resume --reset-peak` also forgets its equity marks.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer

from courtside.app.logs import logging_to
from courtside.cli.common import (
    STATE,
    ConfigOpt,
    DbOpt,
    EnvOpt,
    Opt,
    console,
    journal_or_exit,
    settings_or_exit,
)
from courtside.domain.errors import CourtsideError
from courtside.domain.mode import Mode
from courtside.kalshi.env import exchange_id
from courtside.risk.checks import TradingState
from courtside.store.journal import OPEN_STATUSES as OPEN
from courtside.store.journal import Journal

if TYPE_CHECKING:
    from courtside.app.cancel import CancelReport
    from courtside.app.settings import TraderSettings

log = logging.getLogger("courtside.cancel")
MODES = tuple(Mode)
JsonOpt = Annotated[bool, Opt("--json", help="one JSON object of what was cancelled")]


def _exchanges(s: TraderSettings, exchange: str | None) -> list[str]:
    """The exchanges to cancel on: the one named, else the configured one and every other exchange
    the journal holds open orders of."""
    if exchange is not None:
        return [exchange_id(exchange)]
    journal = journal_or_exit(s)
    found = [exchange_id(s.env)]
    for other in journal.exchanges():
        if other not in found and any(
            Journal(journal.engine, m, exchange=other).orders(statuses=OPEN) for m in MODES
        ):
            found.append(other)
    return found


async def _cancel(s: TraderSettings, exchanges: list[str], modes: tuple[Mode, ...]) -> list[CancelReport]:
    from courtside.app.cancel import cancel_resting
    from courtside.app.wiring import books
    from courtside.domain.clock import SystemClock

    ov, clock = STATE.overrides, SystemClock()
    reports: list[CancelReport] = []
    for exchange in exchanges:
        for mode in modes:  # one mode at a time: live needs credentials, paper does not
            transport, auth = (ov.transport, ov.auth) if ov is not None else (None, None)
            try:
                held = books(s, exchange, (mode,), transport=transport, auth=auth, clock=clock)
            except CourtsideError as e:
                reports.append(_not_asked(s, exchange, mode, e))
                continue
            try:
                reports += await cancel_resting(held, clock)
            finally:
                await held.aclose()
    return reports


def _not_asked(s: TraderSettings, exchange: str, mode: Mode, e: CourtsideError) -> CancelReport:
    """The exchange could not be asked (no credentials): an error when the journal holds open
    orders there, else a note (nothing of the bot's is known to rest there)."""
    from courtside.app.cancel import CancelReport

    open_orders = journal_or_exit(s, mode, exchange=exchange).orders(statuses=OPEN)
    if open_orders:
        return CancelReport(exchange, mode, error=f"{e} ({len(open_orders)} open order(s) in the journal)")
    return CancelReport(exchange, mode, note=f"not asked ({e}); the journal holds no open order there")


def _as_json(r: CancelReport) -> dict[str, object]:
    cancelled = [
        {
            "ticker": c.ticker,
            "client_order_id": c.client_order_id,
            "order_id": c.order_id,
            "yes_price": str(c.yes_price),
            "contracts": str(c.contracts),
        }
        for c in r.cancelled
    ]
    return {
        "exchange": r.exchange,
        "mode": r.mode.value,
        "error": r.error,
        "note": r.note,
        "already_gone": r.already_gone,
        "cancelled": cancelled,
    }


def _report(reports: list[CancelReport], as_json: bool, state: str | None) -> None:
    if as_json:
        typer.echo(json.dumps({"state": state, "exchanges": [_as_json(r) for r in reports]}))
        return
    for r in reports:
        console.print(r.line(), markup=False)
        for c in r.cancelled:
            console.print(
                f"  cancelled {c.ticker} {c.client_order_id} x{c.contracts} @ {c.yes_price}", markup=False
            )


def _modes(mode: Mode | None) -> tuple[Mode, ...]:
    return MODES if mode is None else (mode,)


def kill(
    reducing: Annotated[
        bool, Opt("--reducing", help="no new positions, but resting orders stay (nothing is cancelled)")
    ] = False,
    reason: Annotated[str, Opt(help="why (journalled)")] = "manual kill",
    env: Annotated[
        str | None,
        Opt(
            "--exchange",
            "--env",
            help="cancel there only  [default: the configured one and every exchange "
            "with open orders in the journal]",
        ),
    ] = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Stop trading everywhere, dry-run and live. HALTED: the kill-switch file and the journal say so
    (a running trader places nothing more), then every resting order of the bot is cancelled on the
    exchange itself, trader running or not, and listed. --reducing: no new positions, orders stay."""
    s = settings_or_exit(config, db=db)
    journal = journal_or_exit(s)
    state = TradingState.REDUCING if reducing else TradingState.HALTED
    if state is TradingState.HALTED:  # first, so a running trader places nothing while we cancel
        s.kill_file.parent.mkdir(parents=True, exist_ok=True)
        s.kill_file.write_text(f"{datetime.now(UTC).isoformat()} {reason}\n", encoding="utf-8")
    journal.set_state(state.value, reason, datetime.now(UTC))
    if not json_out:
        console.print(f"trading {state.value}: {reason}", markup=False)
    if reducing:
        if json_out:
            typer.echo(json.dumps({"state": state.value, "exchanges": []}))
        return
    with logging_to(s.log_file, console=False):
        log.warning("kill: trading %s (%s); cancelling the bot's resting orders", state.value, reason)
        reports = asyncio.run(_cancel(s, _exchanges(s, env), MODES))
    _report(reports, json_out, state.value)
    if any(r.error for r in reports):
        raise typer.Exit(1)


def cancel_all(
    mode: Annotated[Mode | None, Opt("--mode", help="paper or live  [default: both]")] = None,
    env: EnvOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Cancel every resting order of the bot on one exchange (the configured one by default), live on
    the exchange itself and paper on its ledger; trading goes on (see `kill` to stop it)."""
    s = settings_or_exit(config, db=db, env=env)
    with logging_to(s.log_file, console=False):
        reports = asyncio.run(_cancel(s, [exchange_id(s.env)], _modes(mode)))
    _report(reports, json_out, None)
    if any(r.error for r in reports):
        raise typer.Exit(1)


def resume(
    reset_peak: Annotated[
        bool,
        Opt(
            "--reset-peak",
            help="also forget the exchange's equity high-water marks (dry-run and live): the next scan "
            "starts them afresh from the equity it measures",
        ),
    ] = False,
    env: EnvOpt = None,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Trade again: remove the kill-switch file, set the state ACTIVE and lift the stops (max drawdown,
    failed scans) of one exchange (the configured one by default), dry-run and live.

    The high-water mark is kept: while equity is still that far below it the next scan stops again.
    Add --reset-peak to start the marks afresh.
    """
    s = settings_or_exit(config, db=db, env=env)
    s.kill_file.unlink(missing_ok=True)
    journal = journal_or_exit(s)
    was, reason = journal.state()
    journal.set_state(TradingState.ACTIVE.value, "resumed", datetime.now(UTC))
    console.print(f"trading ACTIVE; stops lifted on {journal.exchange}", markup=False)
    books = {mode: journal.book(mode) for mode in MODES}
    lifted = {mode: r for mode, j in books.items() if (r := j.clear_drawdown_trip()) is not None}
    for mode, j in books.items():
        for why in j.clear_stops():
            console.print(f"stop lifted for {mode} (was: {why})", markup=False)
    for mode, why in lifted.items():
        console.print(f"max-drawdown stop lifted for {mode} (was: {why})", markup=False)
    if reset_peak:
        forgot = [mode for mode, j in books.items() if j.reset_peak()]
        console.print(
            f"high-water mark reset for both modes, dry-run and live, on {journal.exchange} "
            f"(one was kept for: {', '.join(forgot) or 'none'})",
            markup=False,
        )
        return
    console.print("max-drawdown stop lifted for both modes, dry-run and live; high-water marks kept")
    if lifted or (was == TradingState.REDUCING.value and reason.startswith("max drawdown")):
        console.print(
            "[yellow]note:[/yellow] the high-water mark is kept, so the next scan stops again unless "
            "equity recovered or --max-drawdown allows it: `courtside resume --reset-peak`"
        )
