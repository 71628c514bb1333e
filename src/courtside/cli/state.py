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
from courtside.domain.mode import Mode

if TYPE_CHECKING:
    from courtside.app.cancel import CancelReport
    from courtside.app.control import Done, Exchange

log = logging.getLogger("courtside.cancel")
MODES = tuple(Mode)
JsonOpt = Annotated[bool, Opt("--json", help="one JSON object of what was cancelled")]


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


def _via() -> Exchange:
    """How to reach the exchange: as configured, or the simulator a test injects."""
    from courtside.app.control import Exchange

    ov = STATE.overrides
    return Exchange() if ov is None else ov.exchange


def _done(done: Done, as_json: bool) -> None:
    """What a kill or a cancel-all did, as lines or one JSON object; exit 1 if an exchange failed."""
    if as_json:
        typer.echo(json.dumps({"state": done.state, "exchanges": [_as_json(r) for r in done.reports]}))
    else:
        for line in done.lines:
            console.print(line, markup=False)
    if done.failed:
        raise typer.Exit(1)


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
    from courtside.app import control

    s = settings_or_exit(config, db=db)
    journal_or_exit(s)  # a bad --db is one line, before anything is written
    with logging_to(s.log_file, console=False):
        done = asyncio.run(
            control.kill(
                s, who=control.command_line(), reason=reason, reducing=reducing, exchange=env, via=_via()
            )
        )
    _done(done, json_out)


def cancel_all(
    mode: Annotated[Mode | None, Opt("--mode", help="paper or live  [default: both]")] = None,
    env: EnvOpt = None,
    json_out: JsonOpt = False,
    db: DbOpt = None,
    config: ConfigOpt = None,
) -> None:
    """Cancel every resting order of the bot on one exchange (the configured one by default), live on
    the exchange itself and paper on its ledger; trading goes on (see `kill` to stop it)."""
    from courtside.app import control

    s = settings_or_exit(config, db=db, env=env)
    journal_or_exit(s)
    with logging_to(s.log_file, console=False):
        done = asyncio.run(control.cancel_all(s, who=control.command_line(), mode=mode, via=_via()))
    _done(done, json_out)


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
    from courtside.app import control

    s = settings_or_exit(config, db=db, env=env)
    journal_or_exit(s)
    done = control.resume(s, who=control.command_line(), reset_peak=reset_peak)
    for line in done.lines:
        console.print(line, markup=False)
