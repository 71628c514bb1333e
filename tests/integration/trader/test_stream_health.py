"""--stream tells the run's health (issue 12): the dashboard's WebSocket line comes from the journal,
where the stream records its state, the books it follows and the last message after every scan."""

from __future__ import annotations

from typing import Any

from trader_sim import Harness

from courtside.app.control import Exchange
from courtside.app.operator import Operator
from courtside.app.stream import run_stream
from courtside.dashboard.read import Context, health_view
from courtside.kalshi.ws import KalshiWebSocket
from courtside.store.operator import OperatorLog


async def test_the_websocket_state_reaches_the_journal(harness: Harness) -> None:
    w = harness.wire(live=True, confirm_live=True)
    s = w.settings
    op = Operator(s, w.trader, w.alerts, w.clock, "fixed-test", Exchange(auth=harness.auth))
    await op.start()

    def connect() -> Any:
        return KalshiWebSocket(w.client.endpoints, headers=harness.auth.ws_headers)

    try:
        await run_stream(w.trader, connect, interval=1.0, max_seconds=3.0, watcher=op)
    finally:
        await op.stop("test over")
        await w.aclose()
    run = OperatorLog(w.journal).last_run()
    assert run is not None
    assert run.ws_state == "closed"  # the stream ended: its last word
    assert run.ws_books == 4  # both markets of both matches
    assert run.ws_message_at is not None
    assert run.last_scan_at is not None
    ctx = Context(s.kill_file, s.model, s.max_model_age, s.scan_interval)
    shown = health_view(w.journal, OperatorLog(w.journal), ctx, w.clock.now()).websocket
    assert shown is not None
    assert (shown.state, shown.books) == ("closed", 4)


async def test_a_model_update_reaches_the_runs_row(harness: Harness) -> None:
    """After --update-every brings a new model: the run's row names it (the dashboard's model line)."""
    w = harness.wire()
    op = Operator(w.settings, w.trader, w.alerts, w.clock, "first (var/model)", Exchange(auth=harness.auth))
    await op.start()
    try:
        op.model_changed("second (var/model)")
    finally:
        await op.stop("test over")
        await w.aclose()
    run = OperatorLog(w.journal).last_run()
    assert run is not None
    assert run.model_version == "second (var/model)"
