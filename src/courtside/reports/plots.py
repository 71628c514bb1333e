"""Report plots: equity curve, calibration of the bets taken, P&L by bucket, exposure over time.

matplotlib with the Agg backend only (no display needed); each function writes one PNG and returns
its path. Shared by `courtside backtest` and `courtside report`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from courtside.reports.metrics import Bet, BucketRow, bootstrap_roi, daily_pnl, max_drawdown, roi

ATTRIBUTION = "Data: Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0); odds: tennis-data.co.uk"


def _finish(fig: Figure, path: Path, note: str) -> Path:
    width = int(fig.get_figwidth() * 20)
    lines = textwrap.wrap(note, width) if note else []
    fig.text(0.01, 0.005, "\n".join(lines), fontsize=6, color="grey", va="bottom")
    fig.tight_layout(rect=(0, 0.015 + 0.02 * len(lines), 1, 1))
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def equity_points(bets: Sequence[Bet], start: Decimal) -> tuple[list[date], list[float]]:
    """End-of-day bankroll (bets of one day settle together), from the day before the first bet."""
    by_day = daily_pnl(bets)
    if not by_day:
        return [], []
    days = [next(iter(by_day)) - timedelta(days=1), *by_day]
    equity = np.cumsum([float(start), *[float(v) for v in by_day.values()]])
    return days, [float(v) for v in equity]


def headline(bets: Sequence[Bet], start: Decimal) -> str:
    """One line of the figures a reader needs to judge the curve."""
    if not bets:
        return "no settled trades"
    pnl = sum((b.pnl for b in bets), Decimal(0))
    worst, _ = max_drawdown(bets, start)
    ratio = roi(bets)
    ci = bootstrap_roi(bets)
    roi_text = "" if ratio is None else f", ROI {ratio:+.1%}"
    ci_text = "" if ci is None else f" (95% CI {ci[0]:+.1%} to {ci[1]:+.1%})"
    text = f"{len(bets)} trades, P&L ${pnl:,.2f}{roi_text}{ci_text}, max drawdown ${worst:,.2f}"
    return text.replace("$", r"\$")  # a literal dollar, not matplotlib mathtext


def _date_axis(ax: Axes, min_span: float) -> None:
    """Readable date ticks at any range; at least `min_span` days shown around the data."""
    locator = mdates.AutoDateLocator()  # type: ignore[no-untyped-call]
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))  # type: ignore[no-untyped-call]
    lo, hi = (float(v) for v in ax.dataLim.intervalx)
    if hi - lo < min_span:
        mid = (lo + hi) / 2
        ax.set_xlim(mid - min_span / 2, mid + min_span / 2)


def equity_curve(
    bets: Sequence[Bet], start: Decimal, path: Path, *, title: str, note: str = ATTRIBUTION
) -> Path:
    """End-of-day bankroll with its running peak; the headline figures under the title."""
    days, equity = equity_points(bets, start)
    fig, ax = plt.subplots(figsize=(9, 4.2))
    if days:
        xs = np.array(days, dtype="datetime64[D]")
        ax.step(xs, equity, where="post", lw=1.2, label="bankroll at the end of the day")
        ax.step(xs, np.maximum.accumulate(equity), where="post", lw=0.8, ls="--", color="grey",
                label="running peak")  # fmt: skip
        ax.legend(loc="best", fontsize=8)
        _date_axis(ax, min_span=7.0)
    else:
        ax.text(0.5, 0.5, "no settled trades", ha="center", va="center", transform=ax.transAxes)
    ax.axhline(float(start), color="black", lw=0.5)
    ax.set_title(f"{title}\n{headline(bets, start)}", fontsize=9)
    ax.set_ylabel("bankroll ($)")
    ax.set_xlabel("settlement day")
    return _finish(fig, path, note)


def calibration_bins(
    probs: Sequence[float], values: Sequence[float], bins: int = 10
) -> list[tuple[float, float, int]]:
    """(mean predicted, mean realised, count) per equal-width probability bin with any bets."""
    p = np.asarray(probs, dtype=float)
    y = np.asarray(values, dtype=float)
    which = np.clip((p * bins).astype(int), 0, bins - 1)
    out: list[tuple[float, float, int]] = []
    for k in range(bins):
        mask = which == k
        if mask.any():
            out.append((float(p[mask].mean()), float(y[mask].mean()), int(mask.sum())))
    return out


def calibration(
    probs: Sequence[float],
    values: Sequence[float],
    path: Path,
    *,
    title: str,
    note: str = ATTRIBUTION,
    market: Sequence[float] | None = None,
) -> Path:
    """Reliability diagram of the legs bought: predicted probability against realised payout, with
    the bets per bin; `market` adds the market's own probability of the same legs for comparison."""
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--", label="perfect calibration")
    series = [("model", probs, "tab:blue")]
    if market is not None:
        series.append(("market price", market, "tab:orange"))
    for label, ps, colour in series:
        rows = calibration_bins(ps, values)
        if not rows:
            continue
        xs, ys, ns = zip(*rows, strict=True)
        ax.plot(xs, ys, "o-", lw=1, color=colour, label=f"{label} ({sum(ns)} legs)")
        if label == "model":
            for x, y, n in rows:
                ax.annotate(f"n={n}", (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    if not values:
        ax.text(0.5, 0.5, "no settled trades", ha="center", va="center")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("probability that the leg bought pays (10 bins)")
    ax.set_ylabel("realised payout per contract (mean of the bin)")
    ax.set_title(title, fontsize=9)
    ax.legend(loc="upper left", fontsize=8)
    return _finish(fig, path, note)


BUCKET_AXES = {"tour": "tour", "level": "tournament level", "surface": "surface",
               "edge": "model edge per contract at entry ($)"}  # fmt: skip


def pnl_by_bucket(
    groups: Mapping[str, Sequence[BucketRow]], path: Path, *, title: str, note: str = ATTRIBUTION
) -> Path:
    """One bar panel per grouping (tour, level, surface, edge): P&L of each bucket."""
    fig, axes = plt.subplots(1, max(len(groups), 1), figsize=(4 * max(len(groups), 1), 4), squeeze=False)
    for ax, (name, rows) in zip(axes[0], groups.items(), strict=False):
        labels = [r.bucket for r in rows]
        pnl = [float(r.pnl) for r in rows]
        bars = ax.bar(labels, pnl, color=["tab:green" if v >= 0 else "tab:red" for v in pnl])
        ax.bar_label(bars, labels=[f"{r.trades} tr." for r in rows], fontsize=7, padding=2)
        ax.axhline(0, color="black", lw=0.5)
        ax.set_title(f"P&L by {name}")
        ax.set_xlabel(BUCKET_AXES.get(name, name), fontsize=8)
        ax.set_ylabel("P&L after fees ($)")
        ax.margins(y=0.15)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    fig.suptitle(title)
    return _finish(fig, path, note)


def exposure(
    times: Sequence[datetime | date], amounts: Sequence[Decimal], path: Path, *, title: str, note: str = ""
) -> Path:
    """Open exposure (dollars at risk) over time as a step plot."""
    fig, ax = plt.subplots(figsize=(9, 3.5))
    if times:
        naive = [t.astimezone(UTC).replace(tzinfo=None) if isinstance(t, datetime) else t for t in times]
        ax.step(np.array(naive, dtype="datetime64[s]"), [float(a) for a in amounts], where="post")
        _date_axis(ax, min_span=1 / 24)
    else:
        ax.text(0.5, 0.5, "no positions", ha="center", va="center", transform=ax.transAxes)
    ax.set_ylabel("open exposure ($)\ncost + fees of unsettled fills")
    ax.set_xlabel("time (UTC)")
    ax.set_title(title)
    fig.autofmt_xdate()
    return _finish(fig, path, note)
