"""`courtside report`: score the trader's journal (dry-run or live) the way the backtest is scored.

Every fill is joined to its order and decision (for the model probability), to the market's settlement
(for the payout) and to the price recorded at the match start (for CLV). P&L per fill is
count x (leg payout - leg price) - fee, as in the backtest; a scalar (fair-price) settlement pays
its value per YES contract (kalshi-api.md §5.4).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from courtside.domain.money import ONE, ZERO
from courtside.domain.orders import Outcome, outcome_price_for
from courtside.reports import plots
from courtside.reports.metrics import Bet, summarise
from courtside.store.journal import Journal
from courtside.store.journal_tables import DecisionRow, SettlementRow, StartPriceRow


@dataclass(frozen=True, slots=True)
class JournalFill:
    """One fill of the journal with everything needed to score it."""

    ts: datetime
    ticker: str
    outcome: Outcome
    price: Decimal  # per contract of the leg bought
    count: Decimal
    fee: Decimal
    is_taker: bool
    p_model: float | None  # model probability that the leg pays
    close: Decimal | None  # leg mid-price at the match start
    value: Decimal | None  # leg payout per contract, None while unsettled
    settled_time: datetime | None

    @property
    def pnl(self) -> Decimal | None:
        return None if self.value is None else self.count * (self.value - self.price) - self.fee


def yes_payout(row: SettlementRow) -> Decimal:
    """Payout of one YES contract: 1/0 on yes/no; for a scalar result, solved from the revenue."""
    if row.result == "yes":
        return ONE
    if row.result == "no":
        return ZERO
    held = row.yes_count - row.no_count
    if held == 0:
        return Decimal("0.5")  # yes and no offset: the revenue is the count whatever the value
    return (row.revenue - row.no_count) / held


def _leg_p(decision: DecisionRow | None, ticker: str, outcome: Outcome) -> float | None:
    if decision is None or decision.p_model is None:
        return None
    backs_a = (ticker == decision.ticker_a) == (outcome is Outcome.YES)
    return decision.p_model if backs_a else 1.0 - decision.p_model


def _close(start: StartPriceRow | None, outcome: Outcome) -> Decimal | None:
    if start is None or start.yes_bid is None or start.yes_ask is None:
        return None
    return outcome_price_for(outcome, (start.yes_bid + start.yes_ask) / 2)


def journal_fills(journal: Journal) -> list[JournalFill]:
    """Every fill of the journal's mode, joined to decision, settlement and start price."""
    orders = {o.order_id: o for o in journal.orders() if o.order_id}
    decisions = {d.id: d for d in journal.decisions()}
    settled = {s.ticker: s for s in journal.settlements()}
    starts = journal.start_prices()
    out: list[JournalFill] = []
    for f in journal.fills():
        outcome = Outcome(f.outcome)
        order = orders.get(f.order_id)
        decision = decisions.get(order.decision_id) if order and order.decision_id else None
        settlement = settled.get(f.ticker)
        value = None if settlement is None else outcome_price_for(outcome, yes_payout(settlement))
        out.append(
            JournalFill(
                ts=f.ts, ticker=f.ticker, outcome=outcome, price=outcome_price_for(outcome, f.yes_price),
                count=f.count, fee=f.fee, is_taker=f.is_taker, p_model=_leg_p(decision, f.ticker, outcome),
                close=_close(starts.get(f.ticker), outcome), value=value,
                settled_time=settlement.settled_time if settlement else None,
            )
        )  # fmt: skip
    return out


def bet_of(f: JournalFill, value: Decimal) -> Bet:
    """A settled fill as a bet, dated by its settlement; CLV = leg mid at the start minus the price paid."""
    settled = f.settled_time or f.ts
    return Bet(
        day=settled.astimezone(UTC).date(), contracts=f.count, cost=f.count * f.price, fee=f.fee,
        pnl=f.count * (value - f.price) - f.fee,
        p_model=f.p_model if f.p_model is not None else float("nan"), value=value,
        clv=float(f.close - f.price) if f.close is not None else None,
    )  # fmt: skip


def bets_of(fills: Sequence[JournalFill]) -> list[Bet]:
    """The settled fills as bets."""
    return [bet_of(f, f.value) for f in fills if f.value is not None]


def exposure_series(fills: Sequence[JournalFill]) -> tuple[list[datetime], list[Decimal]]:
    """Dollars at risk over time: up by cost + fee at each fill, down when its market settles."""
    steps: list[tuple[datetime, Decimal]] = []
    for f in fills:
        steps.append((f.ts, f.count * f.price + f.fee))
        if f.settled_time is not None:
            steps.append((f.settled_time, -(f.count * f.price + f.fee)))
    steps.sort(key=lambda s: s[0])
    times, amounts, level = [], [], ZERO
    for ts, delta in steps:
        level += delta
        times.append(ts)
        amounts.append(level)
    return times, amounts


FILL_COLUMNS = (
    "ts",
    "ticker",
    "side",
    "price",
    "count",
    "fee",
    "taker",
    "p_model",
    "start_mid",
    "value",
    "pnl",
)


def write_fills(path: Path, fills: Sequence[JournalFill]) -> None:
    """fills.csv: one row per fill, the leg bought, its price and payout; pnl empty while open."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(FILL_COLUMNS)
        for f in fills:
            pnl = f.pnl
            writer.writerow([
                f.ts.isoformat(), f.ticker, f.outcome.value, f.price, f.count, f.fee,
                "true" if f.is_taker else "false", "" if f.p_model is None else repr(f.p_model),
                "" if f.close is None else f.close, "" if f.value is None else f.value,
                "" if pnl is None else pnl,
            ])  # fmt: skip


def write_journal_report(
    journal: Journal, folder: Path, bankroll: Decimal, *, seed: int = 7
) -> dict[str, Any]:
    """fills.csv, summary.json and the backtest's plots (plus open exposure) for one journal mode."""
    folder.mkdir(parents=True, exist_ok=True)
    fills = journal_fills(journal)
    write_fills(folder / "fills.csv", fills)
    bets = bets_of(fills)
    summary = summarise(bets, bankroll, seed=seed)
    open_fills = [f for f in fills if f.value is None]
    title = f"journal ({journal.mode})"
    plots.equity_curve(bets, bankroll, folder / "equity.png", title=title, note="")
    scored = [f for f in fills if f.value is not None and f.p_model is not None]
    priced = scored if all(f.close is not None for f in scored) else None  # market series only if whole
    plots.calibration(
        [f.p_model for f in scored if f.p_model is not None], [float(f.value or 0) for f in scored],
        folder / "calibration.png", title=f"{title}: calibration of trades taken", note="",
        market=None if priced is None else [float(f.close or 0) for f in priced],
    )  # fmt: skip
    times, amounts = exposure_series(fills)
    plots.exposure(times, amounts, folder / "exposure.png", title=f"{title}: open exposure")
    result: dict[str, Any] = {
        "mode": journal.mode,
        "fills": len(fills),
        "settled_fills": len(bets),
        "open_fills": len(open_fills),
        "open_cost": str(sum((f.count * f.price + f.fee for f in open_fills), ZERO)),
        "clv_reference": "leg mid-price at the match start (trader_start_prices)",
        "fills_with_clv": sum(1 for b in bets if b.clv is not None),
        **summary.as_dict(),
    }
    (folder / "summary.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return result
