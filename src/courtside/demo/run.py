"""Running the demo: simulator up, dry-run scans, live scans, determination, settlement, P&L."""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from courtside.app.control import Exchange
from courtside.app.operator import Operator
from courtside.app.settings import TraderSettings
from courtside.app.trader import Predictor
from courtside.app.wiring import build
from courtside.data.registry import PlayerRegistry
from courtside.demo.plan import DemoPlan, bundle_for, demo_settings, plan
from courtside.domain.mode import Mode
from courtside.domain.orders import Outcome, outcome_price_for
from courtside.kalshi.auth import KalshiAuth
from courtside.kalshi.env import exchange_id
from courtside.sim.server import SimServer
from courtside.sim.testing import SimSession, new_rsa_key, prepare_session, write_private_pem
from courtside.store.journal import Journal

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class ModeResult:
    mode: Mode
    orders: int
    contracts: Decimal
    cost: Decimal
    fees: Decimal
    revenue: Decimal

    @property
    def pnl(self) -> Decimal:
        return self.revenue - self.cost - self.fees


@dataclass(frozen=True, slots=True)
class DemoModel:
    """The model the demo trades on, and its version (the journal's run says which it was)."""

    predictor: Predictor
    registry: PlayerRegistry
    version: str = "given by the caller"


async def _scans(
    session: SimSession, settings: TraderSettings, model: DemoModel, *, scans: int, console: Console
) -> None:
    """The scans of one mode, run as `courtside trade` runs them: the run, its health and its alerts in
    the journal (app/operator.py), for the dashboard after the demo."""
    auth = KalshiAuth(session.key_id, session.private_key)
    wiring = build(settings, predictor=model.predictor, resolver=model.registry, auth=auth)
    operator = Operator(
        settings, wiring.trader, wiring.alerts, wiring.clock, model.version, Exchange(auth=auth)
    )
    try:
        await operator.start()
        for _ in range(scans):
            report = await wiring.trader.scan()
            operator.scanned(None)
            taken = [i for i in report.items if i.decision == "taken"]
            console.print(
                f"  {settings.mode} scan {report.scan_id}: {len(report.items)} priced, "
                f"{len(taken)} taken, {report.skipped} skipped, {report.orders} orders"
            )
    finally:
        await operator.stop(f"the demo's {scans} {settings.mode} scans done")
        await wiring.aclose()


def _markets_by_event(bundle: dict[str, Any]) -> dict[str, dict[str, str]]:
    """event ticker -> {player name: market ticker}."""
    by_event: dict[str, dict[str, str]] = {}
    for market in bundle["markets"]:
        by_event.setdefault(market["event_ticker"], {})[market["yes_sub_title"]] = market["ticker"]
    return by_event


def mispricings_traded(demo: DemoPlan, bundle: dict[str, Any], journal: Journal) -> tuple[int, int]:
    """(seeded mispricings the trader bought into, seeded mispricings)."""
    traded = {f.ticker.rsplit("-", 1)[0] for f in journal.fills()}
    by_event = _markets_by_event(bundle)
    seeded = [m for m in demo.matches if m.mispriced]
    found = 0
    for m in seeded:
        event = next(e for e, n in by_event.items() if set(n) == {m.spec.player_a, m.spec.player_b})
        found += event in traded
    return found, len(seeded)


def _determine(
    session: SimSession, demo: DemoPlan, bundle: dict[str, Any], seed: int
) -> list[tuple[str, str]]:
    """Draw each winner with the model's probability, then determine and settle both markets."""
    rng = random.Random(seed)
    by_event = _markets_by_event(bundle)
    winners = []
    for m in demo.matches:
        a, b = m.spec.player_a, m.spec.player_b
        _event, names = next((e, n) for e, n in by_event.items() if set(n) == {a, b})
        a_wins = rng.random() < m.p_model
        for ticker, won in ((names[a], a_wins), (names[b], not a_wins)):
            session.control.determine(ticker, "yes" if won else "no")
            session.control.settle(ticker)
        winners.append((f"{a} vs {b}", a if a_wins else b))
    return winners


async def _settle_books(session: SimSession, books: list[TraderSettings], model: DemoModel) -> None:
    """A closing scan of both books after settlement: reconciled (paper settles against the simulator's
    results) and the settled equity measured, where the dashboard's equity curve ends."""
    auth = KalshiAuth(session.key_id, session.private_key)
    for settings in books:
        wiring = build(settings, predictor=model.predictor, resolver=model.registry, auth=auth)
        try:
            await wiring.trader.scan()  # venue sync, reconciliation, the equity marks; nothing is open
        finally:
            await wiring.aclose()


def summarise(journal: Journal) -> ModeResult:
    fills = journal.fills()
    settled = journal.settlements()
    placed = [o for o in journal.orders() if o.order_id]
    cost = sum((f.count * outcome_price_for(Outcome(f.outcome), f.yes_price) for f in fills), ZERO)
    return ModeResult(
        journal.mode,
        len(placed),
        sum((f.count for f in fills), ZERO),
        cost,
        sum((f.fee for f in fills), ZERO),
        sum((s.revenue for s in settled), ZERO),
    )


async def run_demo(
    predictor: Predictor,
    registry: PlayerRegistry,
    var: Path,
    console: Console,
    *,
    seed: int = 7,
    scans: int = 2,
    model: Path | None = None,
    model_version: str = "given by the caller",
) -> list[ModeResult]:
    """The demo day; `model` and `model_version` say which artifact the predictor is (for the journal)."""
    demo_model = DemoModel(predictor, registry, model_version)
    var.mkdir(parents=True, exist_ok=True)
    (var / "demo.db").unlink(missing_ok=True)
    with SimServer(seed=seed) as server:
        key = new_rsa_key()
        session = prepare_session(server, key, write_private_pem(key, var / "demo-trader.pem"), new_rsa_key())
        demo = plan(predictor, registry, session.exchange.now(), seed=seed)
        if not demo.matches:
            raise ValueError("the model's registry has no recent players to list")
        bundle = bundle_for(demo, session.mm_user_id, session.exchange.now(), seed)
        session.control.bulk(bundle)
        console.print(
            f"simulator on {session.base_url}: {len(demo.matches)} matches listed, "
            f"{sum(m.mispriced for m in demo.matches)} of them mispriced"
        )
        paper, live = (demo_settings(session.base_url, var, live=on, model=model) for on in (False, True))
        console.print("[bold]dry-run[/bold] (paper fills against the simulator's real books)")
        await _scans(session, paper, demo_model, scans=scans, console=console)
        console.print("[bold]live[/bold] (confirmed by flag; orders go to the simulator)")
        await _scans(session, live, demo_model, scans=scans, console=console)
        winners = _determine(session, demo, bundle, seed)
        await _settle_books(session, [paper, live], demo_model)
    engine_url = f"sqlite:///{var / 'demo.db'}"
    from courtside.store.db import make_engine

    engine = make_engine(engine_url)
    exchange = exchange_id(session.base_url)
    results = [summarise(Journal(engine, mode, exchange=exchange)) for mode in Mode]
    _print(console, results, winners)
    found, seeded = mispricings_traded(demo, bundle, Journal(engine, Mode.LIVE, exchange=exchange))
    console.print(f"seeded mispricings traded: {found} of {seeded}")
    console.print(f"see the day on the dashboard: courtside dashboard --db {engine_url}", markup=False)
    return results


def _print(console: Console, results: list[ModeResult], winners: list[tuple[str, str]]) -> None:
    table = Table("mode", "orders", "contracts", "cost", "fees", "settled revenue", "P&L", title="demo P&L")
    for r in results:
        table.add_row(
            r.mode,
            str(r.orders),
            f"{r.contracts.normalize():f}",
            f"{r.cost:.2f}",
            f"{r.fees:.4f}",
            f"{r.revenue:.2f}",
            f"{r.pnl:+.2f}",
        )
    console.print(table)
    console.print("winners: " + "; ".join(f"{t}: {w}" for t, w in winners))
