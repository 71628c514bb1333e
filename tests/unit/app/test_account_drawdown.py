"""The max-drawdown stop is kept per mode, with the mode's equity, in a real journal (temp SQLite):
a paper stop never stops live (nor the reverse), it never lifts on its own, the global state (kill,
`kill --reducing`) still applies to both modes and the stricter of the two wins."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from courtside.app.account import AccountPicture, record_marks, risk_view, trading_state
from courtside.domain.mode import Mode
from courtside.domain.orders import ShardFunds
from courtside.execution.reconcile import Reconciled
from courtside.risk.checks import RiskLimits, RiskView, TradingState, drawdown_breach
from courtside.store.db import make_engine
from courtside.store.journal import Journal

D = Decimal
NOW = datetime(2026, 9, 8, 12, tzinfo=UTC)


@pytest.fixture
def journals(tmp_path: Path) -> tuple[Journal, Journal]:
    engine = make_engine(f"sqlite:///{tmp_path / 'journal.db'}")
    return Journal(engine, "paper", exchange="test"), Journal(engine, "live", exchange="test")


def _limits(tmp_path: Path) -> RiskLimits:
    return RiskLimits(kill_file=tmp_path / "KILL", max_drawdown=D("0.25"))


def _acct(mode: Mode, cash: str, minutes: int = 0) -> AccountPicture:
    return AccountPicture(
        mode, NOW + timedelta(minutes=minutes), Reconciled(), None, ShardFunds(3, D(cash), D(0))
    )


def _view(j: Journal, lim: RiskLimits, cash: str, minutes: int = 0, *, places: bool = True) -> RiskView:
    """The view a scan decides on; a run that places orders keeps the mark and the stop (the trader)."""
    assessed = risk_view(j, lim, _acct(j.mode, cash, minutes))
    if places:
        record_marks(j, assessed)
    return assessed.view


def test_a_paper_drawdown_stops_paper_only(journals: tuple[Journal, Journal], tmp_path: Path) -> None:
    paper, live = journals
    lim = _limits(tmp_path)
    assert _view(paper, lim, "1000").state is TradingState.ACTIVE
    assert _view(live, lim, "2000").state is TradingState.ACTIVE

    down = _view(paper, lim, "700", 1)
    assert down.state is TradingState.REDUCING
    assert down.state_reason.startswith(
        "max drawdown: equity $700.00 is 30.0% below its high-water mark $1000.00"
    )
    assert paper.drawdown_trip() == (down.state_reason, NOW + timedelta(minutes=1))
    assert paper.state() == ("ACTIVE", "")  # the global row is not written

    other = _view(live, lim, "2000", 2)
    assert (other.state, other.state_reason) == (TradingState.ACTIVE, "")
    assert live.drawdown_trip() is None
    assert trading_state(live) == (TradingState.ACTIVE, "")
    assert trading_state(paper) == (TradingState.REDUCING, down.state_reason)


def test_the_stop_never_lifts_on_its_own_and_keeps_its_first_reason(
    journals: tuple[Journal, Journal], tmp_path: Path
) -> None:
    paper, _ = journals
    lim = _limits(tmp_path)
    _view(paper, lim, "1000")
    first = _view(paper, lim, "700", 1).state_reason
    recovered = _view(paper, lim, "1100", 2)  # settlements brought equity back above the mark
    assert (recovered.state, recovered.state_reason) == (TradingState.REDUCING, first)
    assert paper.drawdown_trip() == (first, NOW + timedelta(minutes=1))
    assert paper.equity_mark().peak == D(1100)  # type: ignore[union-attr]  # the mark still follows equity


def test_a_scan_that_places_nothing_refuses_but_records_no_stop(
    journals: tuple[Journal, Journal], tmp_path: Path
) -> None:
    paper, _ = journals
    lim = _limits(tmp_path)
    _view(paper, lim, "1000")
    view = _view(paper, lim, "700", 1, places=False)  # `courtside scan`
    assert view.state is TradingState.REDUCING  # it shows what the trader would do...
    refusal = drawdown_breach(view.equity, view.peak_equity, lim.max_drawdown)  # what check_drawdown says
    assert refusal is not None
    assert refusal.startswith("max drawdown")
    assert paper.drawdown_trip() is None  # ...and keeps nothing
    assert paper.equity_mark().peak == D(1000)  # type: ignore[union-attr]


def test_clearing_keeps_the_mark_so_the_next_scan_stops_again_and_reset_starts_afresh(
    journals: tuple[Journal, Journal], tmp_path: Path
) -> None:
    paper, _ = journals
    lim = _limits(tmp_path)
    _view(paper, lim, "1000")
    reason = _view(paper, lim, "700", 1).state_reason
    assert paper.clear_drawdown_trip() == reason
    assert paper.clear_drawdown_trip() is None
    assert paper.equity_mark().peak == D(1000)  # type: ignore[union-attr]
    again = _view(paper, lim, "700", 2)
    assert again.state is TradingState.REDUCING
    assert paper.drawdown_trip() == (again.state_reason, NOW + timedelta(minutes=2))

    assert paper.reset_peak()
    assert paper.drawdown_trip() is None
    fresh = _view(paper, lim, "700", 3)
    assert fresh.state is TradingState.ACTIVE
    assert paper.equity_mark().peak == D(700)  # type: ignore[union-attr]


def test_the_global_state_applies_to_both_modes_and_the_stricter_wins(
    journals: tuple[Journal, Journal], tmp_path: Path
) -> None:
    paper, live = journals
    lim = _limits(tmp_path)
    _view(paper, lim, "1000")
    dd = _view(paper, lim, "700", 1).state_reason
    paper.set_state("REDUCING", "manual", NOW)  # `courtside kill --reducing`
    assert (_view(live, lim, "1000", 2).state, trading_state(live)) == (
        TradingState.REDUCING,
        (TradingState.REDUCING, "manual"),
    )
    assert trading_state(paper) == (TradingState.REDUCING, f"manual; {dd}")
    live.set_state("HALTED", "manual kill", NOW)  # `courtside kill`: one global row, whichever journal
    for j in (paper, live):
        view = _view(j, lim, "1000", 3)
        assert (view.state, view.state_reason) == (TradingState.HALTED, "manual kill")
    paper.set_state("ACTIVE", "resumed", NOW)
    assert _view(live, lim, "1000", 4).state is TradingState.ACTIVE
    assert _view(paper, lim, "1000", 4).state is TradingState.REDUCING  # its own stop remains


def test_a_drawdown_while_globally_reducing_is_still_recorded_for_its_mode(
    journals: tuple[Journal, Journal], tmp_path: Path
) -> None:
    paper, live = journals
    lim = _limits(tmp_path)
    _view(live, lim, "1000")
    live.set_state("REDUCING", "manual", NOW)
    view = _view(live, lim, "700", 1)
    assert view.state is TradingState.REDUCING
    trip = live.drawdown_trip()
    assert trip is not None
    assert view.state_reason == f"manual; {trip[0]}"
    assert paper.drawdown_trip() is None
