"""Report plots: equity curve, calibration of the bets taken, P&L by bucket, exposure over time.

matplotlib with the Agg backend only (no display needed); each function writes one PNG and returns
its path. Shared by `courtside backtest` and `courtside report`.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.figure import Figure

from courtside.backtest.metrics import Bet, BucketRow

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


def equity_curve(
    bets: Sequence[Bet], start: Decimal, path: Path, *, title: str, note: str = ATTRIBUTION
) -> Path:
    """Bankroll after each settled bet, in time order, with the running peak."""
    ordered = sorted(bets, key=lambda b: b.day)
    days = [ordered[0].day, *[b.day for b in ordered]] if ordered else []
    equity = np.cumsum([float(start), *[float(b.pnl) for b in ordered]])
    fig, ax = plt.subplots(figsize=(9, 4))
    if days:
        xs = np.array(days, dtype="datetime64[D]")
        ax.plot(xs, equity, lw=1.2, label="equity")
        ax.plot(xs, np.maximum.accumulate(equity), lw=0.8, ls="--", color="grey", label="peak")
        ax.legend(loc="best")
    else:
        ax.text(0.5, 0.5, "no trades", ha="center", va="center", transform=ax.transAxes)
    ax.axhline(float(start), color="black", lw=0.5)
    ax.set_title(title)
    ax.set_ylabel("bankroll ($)")
    fig.autofmt_xdate()
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
    probs: Sequence[float], values: Sequence[float], path: Path, *, title: str, note: str = ATTRIBUTION
) -> Path:
    """Reliability diagram: predicted probability of the bought leg against its realised payout."""
    fig, ax = plt.subplots(figsize=(6, 6))
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, ls="--")
    rows = calibration_bins(probs, values)
    if rows:
        xs, ys, ns = zip(*rows, strict=True)
        ax.scatter(xs, ys, s=[10 + 3 * n**0.5 for n in ns], zorder=3)
        ax.plot(xs, ys, lw=1)
    else:
        ax.text(0.5, 0.5, "no trades", ha="center", va="center")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.set_xlabel("model probability of the leg bought")
    ax.set_ylabel("realised payout")
    ax.set_title(title, fontsize=9)
    return _finish(fig, path, note)


def pnl_by_bucket(
    groups: Mapping[str, Sequence[BucketRow]], path: Path, *, title: str, note: str = ATTRIBUTION
) -> Path:
    """One bar panel per grouping (tour, level, surface, edge): P&L of each bucket."""
    fig, axes = plt.subplots(1, max(len(groups), 1), figsize=(4 * max(len(groups), 1), 4), squeeze=False)
    for ax, (name, rows) in zip(axes[0], groups.items(), strict=False):
        labels = [r.bucket for r in rows]
        pnl = [float(r.pnl) for r in rows]
        ax.bar(labels, pnl, color=["tab:green" if v >= 0 else "tab:red" for v in pnl])
        ax.axhline(0, color="black", lw=0.5)
        ax.set_title(name)
        ax.tick_params(axis="x", labelrotation=45, labelsize=7)
    axes[0][0].set_ylabel("P&L ($)")
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
    else:
        ax.text(0.5, 0.5, "no positions", ha="center", va="center", transform=ax.transAxes)
    ax.set_ylabel("open exposure ($)")
    ax.set_title(title)
    fig.autofmt_xdate()
    return _finish(fig, path, note)
