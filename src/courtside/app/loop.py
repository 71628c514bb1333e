"""The trader's loop: a scan every --scan-interval seconds, or one (--once). A failing scan is logged
(an unexpected exception with its traceback) and the loop goes on; --max-failed-scans in a row stop
the exchange and mode from opening positions (REDUCING, journalled with the reason, until `courtside
resume`). An error the user must fix (settings, credentials, the journal) ends the run; with --once
the one scan's failure is the run's, raised so the exit status says so."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from courtside.app.trader import AutoTrader
from courtside.domain.errors import CourtsideError, DataError

log = logging.getLogger("courtside.trader")
SKIPPABLE: tuple[type[CourtsideError], ...] = (DataError,)  # a scan that failed on data: try again
FAILED_SCANS = "failed_scans"  # the kind of stop journalled after too many failed scans in a row


OnScan = Callable[[str | None], None]  # hears how each scan ended (None: it finished)


async def run_loop(
    trader: AutoTrader,
    *,
    interval: float,
    once: bool,
    max_scans: int | None = None,
    on_scan: OnScan | None = None,
) -> int:
    """Scan until stopped (after one with --once, or max_scans); returns the scans run. `on_scan` hears
    how each scan ended, for the run's health and the alerts (app/operator.py)."""
    scans = failures = 0
    while True:
        failed = await one_scan(trader, once)
        if on_scan is not None:
            on_scan(failed)
        failures = count_failures(trader, failures, failed)
        scans += 1
        if once or (max_scans is not None and scans >= max_scans):
            return scans
        await asyncio.sleep(interval)


async def one_scan(trader: AutoTrader, once: bool) -> str | None:
    """One scan of the loop; why it failed, or None when it did not."""
    try:
        await trader.scan()
    except CourtsideError as e:
        if once or not outlived(e):
            raise
        log.warning("scan failed, will retry next interval: %s", e)
        return str(e)
    except Exception as e:  # a bug in one scan must not end a trader left running
        if once:
            raise
        log.exception("scan crashed (%s), will retry next interval", type(e).__name__)
        return f"{type(e).__name__}: {e}"
    return None


def outlived(e: CourtsideError) -> bool:
    """A scan failure the loop and the stream outlive (log it, scan again next interval): the exchange
    down or slow, or an answer too garbled to use; anything else (settings, credentials, the journal)
    stops the trader."""
    return e.retryable or isinstance(e, SKIPPABLE)


def count_failures(trader: AutoTrader, failures: int, failed: str | None) -> int:
    """Failed scans in a row after this one (`failed`: why it failed, None if it did not); the
    --max-failed-scans-th stops opening positions. The loop and --stream count alike."""
    failures = failures + 1 if failed else 0
    if failed and failures >= trader.cfg.max_failed_scans:
        stop_for_failures(trader, failures, failed)
    return failures


def stop_for_failures(trader: AutoTrader, failures: int, last: str) -> None:
    """Stop opening positions on this exchange and mode (REDUCING) after failures in a row."""
    if not trader.cfg.place_orders:
        return
    journal = trader.journal
    reason = f"{failures} scans in a row failed (last: {last})"
    if journal.set_stop(FAILED_SCANS, reason, trader.clock.now()):
        log.error(
            "trading REDUCING on %s (%s only): %s; `courtside resume` lifts it",
            journal.exchange,
            journal.mode,
            reason,
        )
