"""The user guide's log lines, word for word, in logs/auto_trader.log: people grep their logs for
them. Per scan, in this order: `Starting market scan...`, `Found N tradable opportunities`, for each
order `[DRY RUN] Would place order: {...}` (dry-run) or `Placed order: {...}` (live) followed by its
`  Opportunity:`, `  Value edge:` and `  Expected value:` lines, then `Placed N trades in this scan`.

They go to the file only (the `courtside.guide` logger; app/logs.py keeps them off the console,
which shows the trader's richer lines instead, and the journal keeps every figure)."""

from __future__ import annotations

import logging
from decimal import Decimal

from courtside.strategy.decide import OrderIntent

log = logging.getLogger("courtside.guide")
PERCENT = Decimal("0.1")


def _number(value: Decimal) -> str:
    """A Decimal as a plain Python literal: 3, 0.45 (never 3.00, 1E+1 or Decimal('3'))."""
    return format(value.normalize(), "f")


def _percent(fraction: Decimal) -> str:
    return f"{(fraction * 100).quantize(PERCENT)}%"


def order_text(intent: OrderIntent) -> str:
    """The order as the guide prints it: a Python dict literal (ast.literal_eval reads it back). `side`
    is the outcome bought (yes | no), `price` what one contract of it costs, in dollars."""
    q = intent.quote
    return (
        f"{{'ticker': {intent.ticker!r}, 'side': {q.route.outcome.value!r}, 'action': 'buy', "
        f"'count': {_number(intent.count)}, 'price': {_number(q.price)}}}"
    )


def scan_started() -> None:
    log.info("Starting market scan...")


def opportunities(found: int) -> None:
    log.info("Found %d tradable opportunities", found)


def order(intent: OrderIntent, title: str, *, dry_run: bool) -> None:
    """One order the venue took, and the three lines that justify it."""
    head = "[DRY RUN] Would place order:" if dry_run else "Placed order:"
    log.info("%s %s", head, order_text(intent))
    log.info("  Opportunity: %s", title)
    log.info("  Value edge: %s", _percent(intent.quote.value_edge))
    log.info("  Expected value: %s", _percent(intent.quote.ev))


def scan_done(placed: int) -> None:
    log.info("Placed %d trades in this scan", placed)
