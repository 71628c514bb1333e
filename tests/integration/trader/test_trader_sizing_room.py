"""Sizing on the room a scan has left, on the simulator (real client, real trader, live mode): with a
$N exposure limit the room goes to the best trades first, the later orders of a scan are made smaller
to fit instead of being refused, and the exposure never passes N. Four matches the model likes,
priced about 0.69, 0.49, 0.19 and 0.69."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from trader_sim import Harness, table_day

from courtside.kalshi.env import exchange_id
from courtside.store.db import make_engine
from courtside.store.journal import Journal

D = Decimal
# (player A, player B, the market's P(A), the model's P(A)): an edge of 0.15 on each
MATCHES = [
    ("Andrey Rublev", "Tommy Paul", 0.70, 0.85),
    ("Casper Ruud", "Holger Rune", 0.50, 0.65),
    ("Jannik Sinner", "Daniil Medvedev", 0.20, 0.35),
    ("Taylor Fritz", "Ben Shelton", 0.70, 0.85),
]
LIVE = {"live": True, "confirm_live": True}


@pytest.fixture
def four(sim_server: Any, tmp_path: Path) -> Harness:
    return table_day(sim_server, tmp_path, MATCHES, "fixed-room-test")


def _cost(order: Any) -> Decimal:
    """What a journalled order ties up: contracts at the outcome's price."""
    price = order.yes_price if order.outcome == "yes" else 1 - order.yes_price
    return order.count * price


@pytest.mark.parametrize("mode", ["live", "paper"])
async def test_later_orders_of_a_scan_are_shrunk_to_the_exposure_room(four: Harness, mode: str) -> None:
    limit = D("9.86")
    flags = {**(LIVE if mode == "live" else {}), "max_exposure": str(limit)}
    report = await four.scan(**flags)
    journal = Journal(
        make_engine(f"sqlite:///{four.tmp / 'journal.db'}"), mode, exchange=exchange_id(four.sim.base_url)
    )
    # Best first, by expected profit after fees: Sinner 10 x (0.35 - 0.19) - 0.027 = 1.573, Rublev and
    # Fritz 10 x (0.85 - 0.69) - 0.0375 = 1.5625 (Rublev listed first), Ruud 10 x 0.15 - 0.0438 = 1.456.
    # Sinner 10 x 0.19 + 0.027 = 1.927; Rublev 6.9375 (8.8645 open, 0.9955 left): Fritz shrunk to 1 x
    # 0.69 + 0.0038 = 0.6938; 0.3017 left: not one Ruud contract at 0.4944.
    orders = journal.orders()
    assert [(o.event_ticker[-6:], o.count) for o in orders] == [("SINMED", 10), ("RUBPAU", 10), ("FRISHE", 1)]
    assert report.orders == 3
    ranks = {i.event_ticker[-6:]: i.rank for i in report.items}
    assert ranks == {"SINMED": 1, "RUBPAU": 2, "FRISHE": 3, "RUURUN": 4}
    (ruud,) = [i for i in report.items if i.event_ticker.endswith("RUURUN")]
    assert ruud.decision == "refused"
    assert ruud.reasons == (
        "room taken by better #1-#3: KXATPMATCH-26DEC04SINMED-SIN, KXATPMATCH-26DEC04RUBPAU-RUB, "
        "KXATPMATCH-26DEC04FRISHE-FRI (fewer than 1 whole contract fits the exposure room left ($0.30 of "
        "max-exposure 9.86 with $9.56 open; one contract costs $0.4944 all-in))",
    )
    taken = [d for d in journal.decisions() if d.decision == "taken"]
    assert sum(d.size * d.price + d.fee for d in taken if d.size and d.price and d.fee) <= limit
    assert not any("would pass" in r for i in report.items for r in i.reasons)  # nothing refused by the check
    if mode == "live":
        placed = await four.exchange_orders()
        assert sorted(o.initial_count for o in placed) == [1, 10, 10]
    # a restart reconciles the same orders: the exposure it sees stays within the limit, nothing new
    again = await four.scan(**flags)
    assert again.orders == 0
    assert again.reconciled is not None
    assert again.reconciled.exposure == sum(_cost(o) for o in orders) <= limit
