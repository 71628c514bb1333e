"""One trader per journal and exchange (issue 13, item 1): a second trader on the same journal and
exchange is refused, naming the first one's pid and start time; a trader that died (crash, kill -9)
blocks no one; two traders started together against the simulator leave one order per event."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from courtside.app.config import load_settings
from courtside.app.lock import TraderLock, TraderRunningError, lock_path
from courtside.app.run import Overrides, run_trade
from courtside.app.settings import TraderSettings
from courtside.app.wiring import build
from courtside.domain.tennis import Tour
from courtside.sim.generator import MatchSpec
from tampering import BASE, PinnedModel, SimDay, registry_of

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)


def _three(now: datetime) -> list[MatchSpec]:
    names = [("Alexander Zverev", "Karen Khachanov"), ("Jack Draper", "Casper Ruud")]
    names.append(("Jannik Sinner", "Taylor Fritz"))
    return [
        MatchSpec(a, b, Tour.ATP, "US Open Men Singles", "Round Of 16", now + timedelta(hours=5 + i), 0.55)
        for i, (a, b) in enumerate(names)
    ]


def _settings(tmp: Path, **flags: Any) -> TraderSettings:
    base: dict[str, Any] = {
        "env": BASE, "db": f"sqlite:///{tmp / 'journal.db'}", "min_volume": "0", "kill_file": tmp / "KILL",
    }  # fmt: skip
    return load_settings(None, **{**base, **flags})


def test_a_second_trader_on_the_same_journal_and_exchange_is_refused_naming_the_first(
    tmp_path: Path,
) -> None:
    day = SimDay.listing(_three)
    model, players = PinnedModel({}), registry_of(day.specs)
    first = build(_settings(tmp_path), transport=day.transport, predictor=model, resolver=players)
    try:
        with pytest.raises(TraderRunningError) as e:
            build(_settings(tmp_path), transport=day.transport, predictor=model, resolver=players)
        message = str(e.value)
        assert f"pid {os.getpid()}" in message
        assert "started 20" in message
        assert "journal.db" in message
        # another journal, or a scan that places nothing, is not held back
        other = build(_settings(tmp_path, db=f"sqlite:///{tmp_path / 'other.db'}"), transport=day.transport,
                      predictor=model, resolver=players)  # fmt: skip
        scan = build(_settings(tmp_path), transport=day.transport, predictor=model, resolver=players,
                     place_orders=False)  # fmt: skip
        asyncio.run(other.aclose())
        asyncio.run(scan.aclose())
    finally:
        asyncio.run(first.aclose())
    again = build(_settings(tmp_path), transport=day.transport, predictor=model, resolver=players)
    asyncio.run(again.aclose())  # released on close: the next trader gets in


def test_the_lock_is_the_journal_files_whatever_the_url_or_folder_says(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    direct = lock_path(f"sqlite:///{tmp_path / 'journal.db'}", "demo", tmp_path / "locks")
    roundabout = lock_path(f"sqlite:///{tmp_path / 'sub' / '..' / 'journal.db'}", "demo", tmp_path / "x")
    assert direct == roundabout
    assert direct.parent == tmp_path
    assert lock_path(f"sqlite:///{tmp_path / 'journal.db'}", "prod", tmp_path / "locks") != direct


def test_a_trader_that_died_holds_nothing(tmp_path: Path) -> None:
    """kill -9 of the holder: the kernel drops its flock, so the next trader starts."""
    path = tmp_path / "journal.db.lock"
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "held"
    with pytest.raises(TraderRunningError, match=f"pid {holder.pid} on "):
        TraderLock.acquire(path, journal="j", exchange="x", now=NOW)
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    TraderLock.acquire(path, journal="j", exchange="x", now=NOW).release()


HOLD = """
import sys
from datetime import UTC, datetime
from pathlib import Path
from courtside.app.lock import TraderLock
TraderLock.acquire(Path(sys.argv[1]), journal="j", exchange="x", now=datetime.now(UTC))
print("held", flush=True)
import time; time.sleep(3600)
"""


async def test_two_live_traders_started_together_leave_one_order_per_event(tmp_path: Path) -> None:
    """The issue's case: two loops on one journal for 45 s placed a second order on three events. Now
    the second refuses to start; the exchange holds exactly one order per mispriced event."""
    day = SimDay.listing(_three)
    model = PinnedModel({"Zverev": 0.72, "Draper": 0.72, "Sinner": 0.72})
    settings = _settings(tmp_path, live=True, confirm_live=True, scan_interval=1.0)

    def trader() -> Any:
        ov = Overrides(model, registry_of(day.specs), day.auth, transport=day.transport)
        return run_trade(settings, ov, max_scans=3)

    results = await asyncio.gather(trader(), trader(), return_exceptions=True)
    refused = [r for r in results if isinstance(r, TraderRunningError)]
    ran = [r for r in results if r == 3]
    assert (len(refused), len(ran)) == (1, 1), results
    for spec in day.specs:
        mine = day.orders_on(day.event_of(spec.player_a))
        assert len(mine) == 1, (spec.player_a, [o.client_order_id for o in mine])
