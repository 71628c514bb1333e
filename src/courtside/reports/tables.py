"""Rich tables for the backtest and journal reports."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal

from rich.table import Table

from courtside.reports.metrics import BucketRow, Summary


def _pct(value: float | None) -> str:
    return "-" if value is None else f"{value * 100:+.2f}%"


def _num(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _money(value: Decimal) -> str:
    return f"{value:,.2f}"


def summary_table(summary: Summary, *, title: str, extra: Mapping[str, str] | None = None) -> Table:
    """The headline figures, one per row."""
    table = Table(title=title, show_header=False)
    table.add_column("figure", style="bold")
    table.add_column("value", justify="right")
    ci = summary.roi_ci
    rows = {
        **(extra or {}),
        "trades": str(summary.trades),
        "contracts": f"{summary.contracts:,.0f}",
        "turnover ($)": _money(summary.turnover),
        "fees ($)": _money(summary.fees),
        "P&L ($)": _money(summary.pnl),
        "ROI": _pct(summary.roi),
        "ROI 95% CI (week bootstrap)": "-" if ci is None else f"[{_pct(ci[0])}, {_pct(ci[1])}]",
        "mean CLV (per contract)": "-" if summary.mean_clv is None else f"{summary.mean_clv * 100:+.2f}c",
        "hit rate": "-" if summary.hit_rate is None else f"{summary.hit_rate * 100:.1f}%",
        "max drawdown ($)": _money(summary.max_drawdown),
        "weekly Sharpe (annualised)": _num(summary.weekly_sharpe),
    }
    for key, value in rows.items():
        table.add_row(key, value)
    return table


def bucket_table(name: str, rows: Sequence[BucketRow]) -> Table:
    """P&L by one grouping."""
    table = Table(title=f"P&L by {name}")
    table.add_column(name)
    for col in ("trades", "turnover ($)", "P&L ($)", "ROI"):
        table.add_column(col, justify="right")
    for row in rows:
        table.add_row(row.bucket, str(row.trades), _money(row.turnover), _money(row.pnl), _pct(row.roi))
    return table
