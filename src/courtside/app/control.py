"""Kill, reducing, resume and cancel-all: the one implementation behind `courtside kill | cancel-all |
resume` and the dashboard's buttons. Each is journalled with who pressed it and when (trader_controls).

The kill switch (the file, HALTED) and reducing are global: they stop every exchange and mode. Kill
then cancels the bot's resting orders on the exchange itself, right away, trader running or not
(app/cancel.py); cancel-all only cancels. Resume lifts the kill switch and the stops of one exchange
(its max drawdown, failed scans), `reset_peak` also forgets its equity marks.
"""

from __future__ import annotations

import getpass
import logging
import socket
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

import httpx

from courtside.app.cancel import CancelReport, cancel_resting
from courtside.app.settings import TraderSettings
from courtside.domain.clock import Clock, SystemClock
from courtside.domain.errors import CourtsideError
from courtside.domain.mode import Mode
from courtside.kalshi.env import exchange_id
from courtside.risk.checks import TradingState
from courtside.store.db import make_engine
from courtside.store.journal import OPEN_STATUSES as OPEN
from courtside.store.journal import Journal
from courtside.store.operator import OperatorLog

log = logging.getLogger("courtside.cancel")
MODES = tuple(Mode)


def command_line() -> str:
    """Who runs a CLI command: the user and the machine (for the journal)."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown user"
    return f"command line ({user}@{socket.gethostname()})"


@dataclass(frozen=True)
class Exchange:
    """How to reach the exchange (tests and the demo pass the simulator in process)."""

    transport: httpx.AsyncBaseTransport | None = None
    auth: httpx.Auth | None = None


@dataclass
class Done:
    """What a control did: the state it left (None: unchanged), what to print, the cancels."""

    action: str
    who: str
    at: datetime
    state: str | None = None
    lines: list[str] = field(default_factory=list)
    reports: list[CancelReport] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(r.error for r in self.reports)

    def summary(self) -> str:
        cancelled = sum(len(r.cancelled) for r in self.reports)
        parts = [
            f"state {self.state}" if self.state else "",
            f"{cancelled} cancelled" if self.reports else "",
        ]
        errors = [r.line() for r in self.reports if r.error]
        return "; ".join(p for p in [*parts, *errors] if p) or "done"


def _journal(s: TraderSettings, mode: Mode = Mode.PAPER, exchange: str | None = None) -> Journal:
    return Journal(make_engine(s.db), mode, exchange=exchange or exchange_id(s.env))


def _record(s: TraderSettings, done: Done, reason: str, exchange: str | None, mode: Mode | None) -> Done:
    OperatorLog(_journal(s)).record_control(
        done.action, done.who, reason, done.summary(), done.at, exchange=exchange, mode=mode
    )
    return done


def exchanges_to_cancel(s: TraderSettings, exchange: str | None) -> list[str]:
    """The exchange named, else the configured one and every other one the journal holds open orders of."""
    if exchange is not None:
        return [exchange_id(exchange)]
    journal = _journal(s)
    found = [exchange_id(s.env)]
    for other in journal.exchanges():
        if other not in found and any(
            Journal(journal.engine, m, exchange=other).orders(statuses=OPEN) for m in MODES
        ):
            found.append(other)
    return found


async def cancel_on(
    s: TraderSettings, exchanges: Sequence[str], modes: Sequence[Mode], via: Exchange, clock: Clock
) -> list[CancelReport]:
    """Cancel the bot's resting orders on each exchange and mode; one that cannot be asked is reported."""
    from courtside.app.wiring import books

    reports: list[CancelReport] = []
    for exchange in exchanges:
        for mode in modes:  # one mode at a time: live needs credentials, paper does not
            try:
                held = books(s, exchange, (mode,), transport=via.transport, auth=via.auth, clock=clock)
            except CourtsideError as e:
                reports.append(_not_asked(s, exchange, mode, e))
                continue
            try:
                reports += await cancel_resting(held, clock)
            finally:
                await held.aclose()
    return reports


def _not_asked(s: TraderSettings, exchange: str, mode: Mode, e: CourtsideError) -> CancelReport:
    """The exchange could not be asked (no credentials): an error when the journal holds open orders
    there, else a note (nothing of the bot's is known to rest there)."""
    open_orders = _journal(s, mode, exchange).orders(statuses=OPEN)
    if open_orders:
        return CancelReport(exchange, mode, error=f"{e} ({len(open_orders)} open order(s) in the journal)")
    return CancelReport(exchange, mode, note=f"not asked ({e}); the journal holds no open order there")


def _stop(s: TraderSettings, state: TradingState, reason: str, now: datetime) -> None:
    if state is TradingState.HALTED:  # first, so a running trader places nothing while we cancel
        s.kill_file.parent.mkdir(parents=True, exist_ok=True)
        s.kill_file.write_text(f"{now.isoformat()} {reason}\n", encoding="utf-8")
    _journal(s).set_state(state.value, reason, now)


async def kill(
    s: TraderSettings,
    *,
    who: str,
    reason: str = "manual kill",
    reducing: bool = False,
    exchange: str | None = None,
    via: Exchange | None = None,
    clock: Clock | None = None,
) -> Done:
    """Stop trading everywhere: HALTED (the file and the journal), then every resting order of the bot
    cancelled on the exchange itself; `reducing`: no new positions, nothing cancelled."""
    clock = clock or SystemClock()
    state = TradingState.REDUCING if reducing else TradingState.HALTED
    done = Done("reducing" if reducing else "kill", who, clock.now(), state.value)
    _stop(s, state, reason, done.at)
    done.lines.append(f"trading {state.value}: {reason}")
    log.warning("%s: trading %s (%s) by %s", done.action, state.value, reason, who)
    if not reducing:
        done.reports = await cancel_on(s, exchanges_to_cancel(s, exchange), MODES, via or Exchange(), clock)
        done.lines += [line for r in done.reports for line in report_lines(r)]
    return _record(s, done, reason, exchange, None)


async def cancel_all(
    s: TraderSettings,
    *,
    who: str,
    exchange: str | None = None,
    mode: Mode | None = None,
    via: Exchange | None = None,
    clock: Clock | None = None,
) -> Done:
    """Cancel every resting order of the bot on one exchange (the configured one by default), live on
    the exchange itself and paper on its ledger; trading goes on."""
    clock = clock or SystemClock()
    done = Done("cancel-all", who, clock.now())
    target = exchange_id(exchange or s.env)
    modes = MODES if mode is None else (mode,)
    log.warning("cancel-all on %s (%s) by %s", target, ", ".join(m.value for m in modes), who)
    done.reports = await cancel_on(s, [target], modes, via or Exchange(), clock)
    done.lines += [line for r in done.reports for line in report_lines(r)]
    return _record(s, done, "", target, mode)


def resume(
    s: TraderSettings,
    *,
    who: str,
    exchange: str | None = None,
    reset_peak: bool = False,
    clock: Clock | None = None,
) -> Done:
    """Trade again: the kill-switch file removed, ACTIVE, the stops of one exchange lifted (both modes)."""
    clock = clock or SystemClock()
    done = Done("resume", who, clock.now(), TradingState.ACTIVE.value)
    s.kill_file.unlink(missing_ok=True)
    journal = _journal(s, exchange=exchange_id(exchange) if exchange else None)
    was, why = journal.state()
    journal.set_state(TradingState.ACTIVE.value, "resumed", done.at)
    done.lines.append(f"trading ACTIVE; stops lifted on {journal.exchange}")
    log.warning("resume on %s by %s", journal.exchange, who)
    books = {mode: journal.book(mode) for mode in MODES}
    lifted = {mode: r for mode, j in books.items() if (r := j.clear_drawdown_trip()) is not None}
    for mode, j in books.items():
        done.lines += [f"stop lifted for {mode} (was: {w})" for w in j.clear_stops()]
    done.lines += [f"max-drawdown stop lifted for {mode} (was: {w})" for mode, w in lifted.items()]
    if reset_peak:
        forgot = [mode for mode, j in books.items() if j.reset_peak()]
        done.lines.append(
            f"high-water mark reset for both modes, dry-run and live, on {journal.exchange} "
            f"(one was kept for: {', '.join(forgot) or 'none'})"
        )
    else:
        done.lines.append("max-drawdown stop lifted for both modes, dry-run and live; high-water marks kept")
        if lifted or (was == TradingState.REDUCING.value and why.startswith("max drawdown")):
            done.lines.append(
                "note: the high-water mark is kept, so the next scan stops again unless equity recovered "
                "or --max-drawdown allows it: `courtside resume --reset-peak`"
            )
    return _record(s, done, "", journal.exchange, None)


def report_lines(r: CancelReport) -> list[str]:
    """A cancel report as the CLI prints it: the summary line, then one line per order cancelled."""
    return [
        r.line(),
        *(f"  cancelled {c.ticker} {c.client_order_id} x{c.contracts} @ {c.yes_price}" for c in r.cancelled),
    ]
