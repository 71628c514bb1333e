"""`courtside backtest`: walk forward through matches with closing odds, trading synthetic Kalshi books."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from courtside.backtest.actor import ReplaySettings
from courtside.backtest.books import BookSpec, MarketSource
from courtside.backtest.honesty import lookahead_check
from courtside.backtest.output import FEE_NOTE, buckets, write_json, write_report
from courtside.backtest.run import BacktestConfig, coverage_warning, replay
from courtside.domain.errors import CourtsideError
from courtside.domain.tennis import Tour
from courtside.reports.tables import bucket_table, summary_table
from courtside.strategy.decide import OrderStyle


class Market(StrEnum):
    PINNACLE = "pinnacle"
    AVERAGE = "average"


def _day(text: str) -> date:
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError as e:
        raise typer.BadParameter(f"{text!r} is not YYYY-MM-DD") from e


def _dec(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as e:
        raise typer.BadParameter(f"{text!r} is not a number") from e


def _trader(config_file: Path | None, flags: dict[str, Any]) -> ReplaySettings:
    """The trader's own settings (app.settings), from the same flags and --config file."""
    from courtside.app.settings import load_settings

    settings = load_settings(config_file, **flags)
    return ReplaySettings(strategy=settings.strategy(), limits=settings.risk())


def register(app: typer.Typer) -> None:
    app.command("backtest")(backtest)


def backtest(
    data: Annotated[Path, typer.Option("--data", envvar="COURTSIDE_DATA", help="data folder")],
    start: Annotated[str, typer.Option("--from", help="first match day, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last match day, YYYY-MM-DD")],
    report: Annotated[Path, typer.Option("--report", help="folder for trades.csv, summary.json, plots")],
    market: Annotated[Market, typer.Option(help="closing odds the books are built from")] = Market.PINNACLE,
    half_spread: Annotated[str, typer.Option(help="dollars either side of fair")] = "0.01",
    levels: Annotated[int, typer.Option(help="price levels per side")] = 3,
    depth: Annotated[str, typer.Option(help="contracts per level")] = "100",
    bankroll: Annotated[str, typer.Option(help="starting bankroll ($)")] = "1000",
    tour: Annotated[list[Tour] | None, typer.Option(help="atp / wta (repeat); both by default")] = None,
    control: Annotated[bool, typer.Option(help="replace the model by the market price")] = False,
    lookahead: Annotated[
        str | None, typer.Option(help="also rerun on data truncated at this day and compare decisions")
    ] = None,
    order_style: Annotated[OrderStyle, typer.Option(help="trader flag; makers never fill here")] = (
        OrderStyle.TAKER
    ),
    min_value: Annotated[str | None, typer.Option(help="trader flag")] = None,
    min_ev: Annotated[str | None, typer.Option(help="trader flag")] = None,
    max_size: Annotated[str | None, typer.Option(help="trader flag")] = None,
    kelly_fraction: Annotated[str | None, typer.Option(help="trader flag")] = None,
    model_weight: Annotated[
        float | None, typer.Option(help="trader flag: weight of the model in the blend with the book's mid")
    ] = None,
    max_match_fraction: Annotated[str | None, typer.Option(help="trader flag")] = None,
    max_exposure: Annotated[str | None, typer.Option(help="trader flag")] = None,
    max_drawdown: Annotated[
        str | None,
        typer.Option(
            help="trader flag: stop opening positions this fraction below the peak bankroll; 0 = off"
        ),
    ] = None,
    max_edge: Annotated[str | None, typer.Option(help="trader flag")] = None,
    max_spread: Annotated[str | None, typer.Option(help="trader flag")] = None,
    config: Annotated[Path | None, typer.Option(help="trader TOML config")] = None,
    seed: Annotated[int, typer.Option(help="bootstrap seed")] = 7,
    refit: Annotated[str, typer.Option(help="learner refit schedule: monthly | quarterly")] = "quarterly",
    history_years: Annotated[int, typer.Option(help="seasons of history the model walks before --from")] = 14,
    as_json: Annotated[bool, typer.Option("--json", help="print summary.json")] = False,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache",
            envvar="COURTSIDE_BACKTEST_CACHE",
            help="folder to keep the model's as-of walks in and reuse them (same data, window and model)",
        ),
    ] = None,
) -> None:
    """Replay matches with closing odds through the trader's strategy, risk and paper fill."""
    console = Console(stderr=as_json)
    flags = {
        "order_style": order_style, "min_value": min_value, "min_ev": min_ev, "max_size": max_size,
        "kelly_fraction": kelly_fraction, "max_match_fraction": max_match_fraction,
        "max_exposure": max_exposure, "max_edge": max_edge, "max_spread": max_spread,
    }  # fmt: skip
    dec_flags: dict[str, Any] = {
        k: _dec(v) if isinstance(v, str) and k != "order_style" else v for k, v in flags.items()
    }
    try:
        cfg = BacktestConfig(
            data_dir=data, start=_day(start), end=_day(end), market=MarketSource(market.value),
            book=BookSpec(half_spread=_dec(half_spread), levels=levels, depth=_dec(depth)),
            trader=_trader(config, {**dec_flags, "model_weight": model_weight, "max_drawdown": max_drawdown}),
            bankroll=_dec(bankroll), tours=tuple(tour or (Tour.ATP, Tour.WTA)), control=control, seed=seed,
            history_years=history_years, refit=refit, cache=cache,
        )  # fmt: skip
        summary = _run(cfg, report, None if lookahead is None else _day(lookahead), console)
    except CourtsideError as e:
        console.print(f"[bold red]backtest failed:[/] {e}")
        raise typer.Exit(2) from e
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
    if summary["matches"] and not summary["matches_priced"]:
        raise typer.Exit(2)  # nothing could be priced: the run says nothing about the model
    check = summary.get("lookahead_check")
    if isinstance(check, dict) and not check.get("passed", True):
        raise typer.Exit(1)


def _run(cfg: BacktestConfig, folder: Path, cutoff: date | None, console: Console) -> dict[str, Any]:
    """Replay, write the report folder, print the tables; the look-ahead check when asked."""
    with console.status("replaying matches through the trader ..."):
        result, skipped = replay(cfg)
    title = f"{cfg.market.value} {cfg.start}..{cfg.end}{' CONTROL' if cfg.control else ''}"
    summary, figures = write_report(folder, result, cfg.as_dict(), title=title, seed=cfg.seed)
    summary["odds_rows_skipped"] = dict(skipped)
    summary["first_match_day"] = result.first_day.isoformat() if result.first_day else None
    summary["last_match_day"] = result.last_day.isoformat() if result.last_day else None
    stop = result.stopped
    summary["trading_stopped"] = {"date": stop[0].isoformat(), "reason": stop[1]} if stop else None
    warning = coverage_warning(result, cfg.control)
    summary["warnings"] = [warning] if warning else []
    if cutoff is not None:
        with console.status(f"look-ahead check: rerun on data truncated at {cutoff} ..."):
            check = lookahead_check(lambda c: result if c is None else replay(cfg, c)[0], cutoff)
        summary["lookahead_check"] = check.as_dict()
    write_json(folder / "summary.json", summary)
    extra = {
        "matches / priced / traded": f"{result.matches} / {result.priced} / {len(result.traded)}",
        "end bankroll ($)": f"{result.end_bankroll:,.2f}",
        "trading stopped": f"{stop[0]}: {stop[1]}" if stop else "no",
    }
    console.print(summary_table(figures, title=f"backtest {title}", extra=extra))
    for name, rows in buckets(result.rows).items():
        console.print(bucket_table(name, rows))
    console.print(f"[dim]{FEE_NOTE}[/]")
    check_dict = summary.get("lookahead_check")
    if isinstance(check_dict, dict):
        verdict = "[green]passed[/]" if check_dict["passed"] else "[bold red]FAILED[/]"
        console.print(
            f"look-ahead check at {cutoff}: {verdict} ({check_dict['trades_compared']} trades, "
            f"{check_dict['forecasts_compared']} forecasts compared)"
        )
    if warning:
        console.print(f"[bold yellow]warning:[/] {warning}")
    console.print(f"report written to {folder}")
    return summary
