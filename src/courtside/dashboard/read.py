"""The dashboard's figures, read from the journal and nothing else (never the exchange): each book's
trading state and why, equity and its mark, P&L net of fees, the curve, positions at their last mark,
resting orders, scans, decisions, the model's freshness, health, alerts and controls.

P&L is counted as `courtside status` and `courtside report` count it: a settled market's revenue minus
its cost minus the fees of its fills. Open positions are marked at the best bid of the leg held in the
last book the trader read before the match began (trader_start_prices), with the time it was read."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

from courtside.app.account import trading_state
from courtside.app.freshness import freshness
from courtside.app.health import verdict
from courtside.dashboard import views as v
from courtside.domain.mode import Mode
from courtside.domain.orders import Outcome, outcome_price_for
from courtside.store.journal import Journal
from courtside.store.journal_tables import DecisionRow, OrderRow, ScanRow
from courtside.store.operator import OperatorLog
from courtside.store.operator_reads import JournalReads, match_title, route_text

ZERO = Decimal(0)
_FIGURES = re.compile(r"[-+]?\$?\d+(?:\.\d+)?%?")


def reason_kind(reason: str) -> str:
    """A reason with its figures taken out, so refusals of one kind count together."""
    return _FIGURES.sub("N", reason.strip()) or reason


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
OPEN = ("intent", "unknown", "resting")


@dataclass(frozen=True)
class Context:
    """What the page needs beyond the journal: the kill-switch file, the configured model and its limit,
    and the scan interval to judge health by when no trader run says it."""

    kill_file: Path
    model: Path
    max_model_age: int
    scan_interval: float


def exchange_label(exchange: str) -> str:
    """prod, demo, or a base URL's host and port (its path too when not Kalshi's usual one)."""
    parsed = urlsplit(exchange)
    if not parsed.netloc:
        return exchange
    path = parsed.path.rstrip("/")
    return parsed.netloc if path in ("", "/trade-api/v2") else f"{parsed.netloc}{path}"


def label(exchange: str, mode: Mode) -> str:
    return f"{exchange_label(exchange)} · {'live' if mode is Mode.LIVE else 'dry-run'}"


def ref(journal: Journal) -> v.BookRef:
    mode = Mode(journal.mode)
    return v.BookRef(exchange=journal.exchange, mode=mode, label=label(journal.exchange, mode))


def books(journal: Journal) -> list[Journal]:
    """Every book the journal holds (an exchange and a mode with scans, orders or equity marks), the
    one scanned last first."""
    found = []
    for exchange in journal.exchanges():
        for mode in Mode:
            book = Journal(journal.engine, mode, exchange=exchange)
            if JournalReads(book).has_rows():
                found.append(book)
    return sorted(found, key=lambda b: JournalReads(b).last_started_scan() or EPOCH, reverse=True)


def state_view(journal: Journal, ctx: Context) -> v.TradingStateView:
    state, reason = trading_state(journal)
    stops = [
        v.Stop(kind=row.kind.replace("_", " "), reason=row.reason, since=row.since) for row in journal.stops()
    ]
    trip = journal.drawdown_trip()
    if trip is not None:
        stops.insert(0, v.Stop(kind="max drawdown", reason=trip[0], since=trip[1]))
    kill = ctx.kill_file.exists()
    if kill:
        since, why = _kill_text(ctx.kill_file)
        stops.insert(0, v.Stop(kind="kill switch", reason=why, since=since))
    return v.TradingStateView(state=state.value, reason=reason, kill_switch=kill, stops=stops)


def _kill_text(path: Path) -> tuple[datetime | None, str]:
    """The kill file's time and reason (`courtside kill` writes '<ISO time> <reason>')."""
    try:
        text = path.read_text(encoding="utf-8").strip()[:200]
    except OSError as e:
        return None, f"kill-switch file {path} present (unreadable: {e.strerror})"
    first, _, rest = text.partition(" ")
    try:
        return datetime.fromisoformat(first), rest or "no reason given"
    except ValueError:
        return None, text or f"kill-switch file {path} present"


def equity_view(journal: Journal) -> v.EquityView:
    row = journal.equity_mark()
    if row is None:
        return v.EquityView(equity=None, peak=None, drawdown=None, measured_at=None, peak_at=None)
    drawdown = (row.peak - row.equity) / row.peak if row.peak > 0 else ZERO
    return v.EquityView(
        equity=row.equity, peak=row.peak, drawdown=drawdown.quantize(Decimal("0.0001")),
        measured_at=row.measured_at, peak_at=row.peak_at,
    )  # fmt: skip


def day_start(now: datetime) -> datetime:
    return now.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def pnl_view(
    journal: Journal, reads: JournalReads, positions: Sequence[v.PositionView], now: datetime
) -> v.PnlView:
    start = day_start(now)
    fills = journal.fills()
    today = [f for f in fills if f.ts >= start]
    marked = [p.unrealised for p in positions if p.unrealised is not None]
    return v.PnlView(
        today=journal.realized_since(start), all_time=journal.realized_since(EPOCH),
        fees_today=sum((f.fee for f in today), ZERO), fees_all_time=sum((f.fee for f in fills), ZERO),
        fills_today=len(today), settled_markets=reads.settled_count(),
        unrealised=sum(marked, ZERO) if len(marked) == len(positions) and positions else None,
        day_start=start,
    )  # fmt: skip


def curve_view(ops: OperatorLog) -> list[v.CurvePoint]:
    return [v.CurvePoint(ts=p.ts, equity=p.equity, peak=p.peak) for p in ops.equity_points()]


def positions_view(journal: Journal, reads: JournalReads) -> list[v.PositionView]:
    rows = journal.positions()
    names = reads.matches_of([r.ticker for r in rows])
    starts = journal.start_prices()
    out = []
    for r in rows:
        outcome = Outcome.YES if r.position > 0 else Outcome.NO
        contracts = abs(r.position)
        book = starts.get(r.ticker)
        bid = None if book is None else (book.yes_bid if outcome is Outcome.YES else _no_bid(book.yes_ask))
        value = None if bid is None else contracts * bid
        out.append(
            v.PositionView(
                ticker=r.ticker, match=names.get(r.ticker, ("", None, ""))[0] or r.ticker,
                outcome=outcome.value, contracts=contracts, cost=r.exposure, fees=r.fees_paid, mark=bid,
                mark_at=None if book is None else book.ts, value=value,
                unrealised=None if value is None else value - r.exposure - r.fees_paid,
            )
        )  # fmt: skip
    return out


def _no_bid(yes_ask: Decimal | None) -> Decimal | None:
    """A NO contract sells at 1 - the best YES ask (a YES ask is a NO bid, kalshi-api.md §2.4)."""
    return None if yes_ask is None else Decimal(1) - yes_ask


def resting_view(journal: Journal, reads: JournalReads, now: datetime) -> list[v.RestingOrderView]:
    rows = journal.orders(statuses=OPEN)
    decisions = reads.decisions_by_id([r.decision_id for r in rows if r.decision_id is not None])
    return [_resting(r, decisions.get(r.decision_id or -1), now) for r in rows]


def _resting(row: OrderRow, d: DecisionRow | None, now: datetime) -> v.RestingOrderView:
    outcome = Outcome(row.outcome)
    start = d.match_start if d is not None else None
    return v.RestingOrderView(
        client_order_id=row.client_order_id, ticker=row.ticker, match=match_title(d) or row.event_ticker,
        route=route_text(row, d), outcome=outcome.value, price=outcome_price_for(outcome, row.yes_price),
        count=row.count, filled=row.fill_count, created_at=row.created_at,
        age_s=(now - row.created_at).total_seconds(), start=start,
        to_start_s=None if start is None else (start - now).total_seconds(),
        value_edge=None if d is None else d.value_edge, ev=None if d is None else d.ev,
    )  # fmt: skip


def top_refusals(decisions: Iterable[DecisionRow], limit: int = 3) -> list[v.ReasonCount]:
    """The commonest kinds of reason the scan's matches were refused, skipped or held."""
    counts: Counter[str] = Counter()
    for d in decisions:
        if d.decision != "taken" and d.reasons:
            counts.update({reason_kind(r) for r in d.reasons.split("; ")})
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [v.ReasonCount(reason=k, count=n) for k, n in ranked]


def scans_view(reads: JournalReads, limit: int = 8) -> list[v.ScanView]:
    scans = reads.recent_scans(limit)
    by_scan = reads.decisions_of_scans([s.id for s in scans])
    return [_scan(s, by_scan.get(s.id, [])) for s in scans]


def _scan(s: ScanRow, decisions: Sequence[DecisionRow]) -> v.ScanView:
    took = None if s.finished_at is None else (s.finished_at - s.started_at).total_seconds()
    return v.ScanView(
        id=s.id, started_at=s.started_at, finished_at=s.finished_at, duration_s=took, events=s.events,
        matches=s.matches, skipped=s.skipped, opportunities=s.opportunities, orders=s.orders,
        top_refusals=top_refusals(decisions), note=s.note,
    )  # fmt: skip


def decisions_view(reads: JournalReads, limit: int = 15) -> list[v.DecisionView]:
    return [
        v.DecisionView(
            id=d.id, ts=d.ts, scan_id=d.scan_id, match=match_title(d) or d.event_ticker, decision=d.decision,
            route=d.route, price=d.price, size=d.size, p_model=d.p_model, value_edge=d.value_edge, ev=d.ev,
            reasons=d.reasons,
        )
        for d in reads.recent_decisions(limit)
    ]  # fmt: skip


def model_view(ops: OperatorLog, ctx: Context, now: datetime) -> v.ModelView:
    """The model the last run used, as it said when it started; else the configured artifact."""
    run = ops.last_run()
    limit = run.max_model_age if run is not None and run.max_model_age is not None else ctx.max_model_age
    if run is not None and run.results_through is not None:
        age = (now.date() - run.results_through).days
        return v.ModelView(
            version=run.model_version or None, results_through=run.results_through, age_days=age,
            max_age_days=limit, stale=age > limit,
        )  # fmt: skip
    found = freshness(ctx.model, now.date())
    return v.ModelView(
        version=run.model_version if run is not None else None, results_through=found.results_through,
        age_days=found.age_days, max_age_days=limit,
        stale=None if found.age_days is None else found.age_days > limit,
    )  # fmt: skip


def health_view(journal: Journal, ops: OperatorLog, ctx: Context, now: datetime) -> v.HealthView:
    run = ops.last_run()
    last_scan = JournalReads(journal).last_finished_scan()
    interval = run.scan_interval if run is not None else ctx.scan_interval
    judged = verdict(last_scan, interval, now)
    base = {
        "healthy": judged.healthy,
        "detail": judged.detail,
        "last_scan_at": last_scan,
        "scan_interval_s": interval,
    }
    if run is None:
        return v.HealthView(
            **base, running=False, started_at=None, pid=None, exchange="unknown", exchange_checked_at=None,
            api_failures=0, failing_since=None, last_error="", websocket=None, stopped_at=None,
            stop_reason="",
        )  # fmt: skip
    ws = None
    if run.ws_state is not None:
        ws = v.WebSocketView(
            state=run.ws_state,
            books=run.ws_books,
            reconnects=run.ws_reconnects,
            last_message_at=run.ws_message_at,
        )
    return v.HealthView(
        **base, running=run.stopped_at is None, started_at=run.started_at, pid=run.pid,
        exchange=run.exchange_status, exchange_checked_at=run.exchange_checked_at, api_failures=run.failures,
        failing_since=run.failing_since, last_error=run.last_error, websocket=ws, stopped_at=run.stopped_at,
        stop_reason=run.stop_reason,
    )  # fmt: skip


def controls_view(ops: OperatorLog, limit: int = 10) -> list[v.ControlView]:
    return [
        v.ControlView(ts=c.ts, action=c.action, who=c.who, reason=c.reason, result=c.result)
        for c in ops.controls(limit)
    ]


def alerts_view(ops: OperatorLog, limit: int = 15) -> list[v.AlertView]:
    return [v.AlertView(ts=a.ts, kind=a.kind, title=a.title, outcome=a.outcome) for a in ops.alerts(limit)]


def book_view(journal: Journal, ctx: Context, now: datetime) -> v.BookView:
    """Everything about one book, read in one go."""
    ops, reads = OperatorLog(journal), JournalReads(journal)
    positions = positions_view(journal, reads)
    return v.BookView(
        book=ref(journal), generated_at=now, state=state_view(journal, ctx), equity=equity_view(journal),
        pnl=pnl_view(journal, reads, positions, now), curve=curve_view(ops), positions=positions,
        resting=resting_view(journal, reads, now), scans=scans_view(reads), decisions=decisions_view(reads),
        model=model_view(ops, ctx, now), health=health_view(journal, ops, ctx, now),
        controls=controls_view(ops),
    )  # fmt: skip


def summary(journal: Journal, ctx: Context, now: datetime) -> v.BookSummary:
    """One book in a line, for the strip at the top of the page."""
    reads, ops = JournalReads(journal), OperatorLog(journal)
    state, reason = trading_state(journal)
    if ctx.kill_file.exists():
        reason = reason or "kill switch"
    mark = journal.equity_mark()
    run = ops.last_run()
    last_scan = reads.last_finished_scan()
    interval = run.scan_interval if run is not None else ctx.scan_interval
    return v.BookSummary(
        book=ref(journal), state=state.value, reason=reason,
        equity=None if mark is None else mark.equity, peak=None if mark is None else mark.peak,
        pnl_today=journal.realized_since(day_start(now)), pnl_all_time=journal.realized_since(EPOCH),
        open_positions=len(journal.positions()), resting_orders=len(journal.orders(statuses=OPEN)),
        last_scan_at=last_scan, healthy=verdict(last_scan, interval, now).healthy,
    )  # fmt: skip


def overview(journal: Journal, ctx: Context, now: datetime, *, controls_enabled: bool) -> v.Overview:
    found = books(journal)
    ops = OperatorLog(journal)
    return v.Overview(
        generated_at=now,
        books=[summary(b, ctx, now) for b in found],
        alerts=alerts_view(ops),
        controls_enabled=controls_enabled,
    )
