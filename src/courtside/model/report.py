"""Rendering an evaluation: rich tables for the terminal, Markdown, and a reliability diagram."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from rich.table import Table

from courtside.model.metrics import reliability

if TYPE_CHECKING:
    from courtside.model.evaluate import EvaluationReport

SCORE_KEYS = ("n", "accuracy", "log_loss", "brier", "ece")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4f}"
    return str(value)


def score_table(title: str, rows: list[dict[str, Any]]) -> Table:
    """Tour, level, forecaster and the five scores, one row each."""
    table = Table(title=title)
    for col in ("tour", "level", "forecaster", *SCORE_KEYS):
        table.add_column(col, justify="right" if col in SCORE_KEYS else "left")
    for row in rows:
        table.add_row(*(_fmt(row[c]) for c in ("tour", "level", "forecaster", *SCORE_KEYS)))
    return table


def paired_table(rows: list[dict[str, Any]]) -> Table:
    """Paired log-loss differences with their bootstrap intervals (negative: the model is better)."""
    table = Table(title="paired log-loss difference, calendar-week block bootstrap 95%")
    for col in ("tour", "comparison", "n", "mean", "low", "high"):
        table.add_column(col)
    for row in rows:
        table.add_row(*(_fmt(row[c]) for c in ("tour", "comparison", "n", "mean", "low", "high")))
    return table


def tables(report: EvaluationReport) -> list[Table]:
    """Everything the terminal shows after an evaluation."""
    out = [score_table("walk-forward scores (completed matches)", report.groups)]
    if report.market:
        out.append(score_table("same matches as the closing odds (tour level)", report.market))
        out.append(paired_table(report.paired))
    return out


def _md_table(rows: list[dict[str, Any]], cols: tuple[str, ...]) -> list[str]:
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(_fmt(r[c]) for c in cols) + " |" for r in rows]
    return lines


def write_markdown(report: EvaluationReport, path: Path) -> None:
    """report.md: settings, counts, the score tables and the paired comparison."""
    lines = ["# Model evaluation", "", "## Settings", ""]
    lines += [f"- {k}: {v}" for k, v in report.settings.items()]
    lines += ["", "## Counts", ""] + [f"- {k}: {v}" for k, v in report.counts.items()]
    lines += ["", "## Walk-forward scores (completed matches)", ""]
    lines += _md_table(report.groups, ("tour", "level", "forecaster", *SCORE_KEYS))
    if report.market:
        lines += ["", "## Same matches as the closing odds", ""]
        lines += _md_table(report.market, ("tour", "level", "forecaster", *SCORE_KEYS))
        lines += ["", "## Paired log-loss differences (negative: the model is better)", ""]
        lines += _md_table(report.paired, ("tour", "comparison", "n", "mean", "low", "high"))
    lines += ["", "## Notes", ""] + [f"- {n}" for n in report.notes]
    lines += [
        "",
        "Data: Tennis databases, files, and algorithms by Jeff Sackmann / Tennis Abstract (CC BY-NC-SA 4.0);"
        " odds from tennis-data.co.uk.",
    ]
    path.write_text("\n".join(lines) + "\n")


def write_reliability(pred: pd.DataFrame, path: Path) -> None:
    """Reliability diagram of the model per tour (completed matches, both orientations)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.5, 5.5))
    ax.plot([0, 1], [0, 1], color="grey", linestyle="--", linewidth=1, label="perfect")
    done = pred[pred["outcome"] == "completed"]
    for tour, part in done.groupby("tour", sort=True):
        mean_p, freq, count = reliability(part["p_winner"].to_numpy(float))
        ok = count > 0
        ax.plot(mean_p[ok], freq[ok], marker="o", label=f"{tour} (n={len(part)})")
    ax.set_xlabel("forecast probability")
    ax.set_ylabel("observed frequency")
    ax.set_title("Reliability, walk-forward test period")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.legend(loc="upper left")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
