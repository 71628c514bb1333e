"""The report folder of a backtest: trades.csv, summary.json, equity, calibration and bucket plots."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from courtside.backtest.engine import RunResult
from courtside.backtest.records import COLUMN_HELP, TradeRow, write_trades
from courtside.backtest.settle import TENNIS_FEES, TENNIS_SERIES
from courtside.reports import plots
from courtside.reports.metrics import Bet, BucketRow, Summary, by_bucket, edge_bucket, summarise

FEE_NOTE = (
    f"fees: {', '.join(TENNIS_SERIES.values())} {TENNIS_FEES.fee_type.value}, multiplier "
    f"{TENNIS_FEES.multiplier}: taker 0.07 x C x P x (1-P), maker 0.0175 x ..., rounded up to $0.0001"
)


def bet_of(row: TradeRow) -> Bet:
    """A trade row as the metrics see it (CLV against the de-vigged close)."""
    return Bet(
        day=row.date,
        contracts=row.contracts,
        cost=row.cost,
        fee=row.fee,
        pnl=row.pnl,
        p_model=row.p_model,
        value=row.settlement_value,
        clv=row.clv,
    )


def buckets(rows: Sequence[TradeRow]) -> dict[str, list[BucketRow]]:
    """P&L by tour, level, surface and expected-edge bucket."""
    bets = [bet_of(r) for r in rows]
    return {
        "tour": by_bucket(bets, [r.tour for r in rows]),
        "level": by_bucket(bets, [r.level for r in rows]),
        "surface": by_bucket(bets, [r.surface or "unknown" for r in rows]),
        "edge": by_bucket(bets, [edge_bucket(float(r.edge)) for r in rows]),
    }


def _bucket_json(rows: Sequence[BucketRow]) -> list[dict[str, Any]]:
    return [
        {"bucket": r.bucket, "trades": r.trades, "turnover": str(r.turnover), "pnl": str(r.pnl), "roi": r.roi}
        for r in rows
    ]


def leg_means(rows: Sequence[TradeRow]) -> dict[str, float | None]:
    """Contract-weighted means over the legs bought: what the model, the blend and the de-vigged close
    said, the price paid and what the legs paid (an overconfident model shows p_model above the rest)."""
    weight = sum(float(r.contracts) for r in rows)

    def mean(values: Sequence[float]) -> float | None:
        if not weight:
            return None
        return sum(float(r.contracts) * v for r, v in zip(rows, values, strict=True)) / weight

    return {
        "p_model": mean([r.p_model for r in rows]),
        "p_blend": mean([r.p_blend for r in rows]),
        "p_market_fair": mean([r.p_market_fair for r in rows]),
        "price": mean([float(r.price) for r in rows]),
        "realised": mean([float(r.settlement_value) for r in rows]),
    }


def summary_dict(result: RunResult, config: Mapping[str, Any], summary: Summary) -> dict[str, Any]:
    """summary.json: the run's configuration, headline figures, buckets and the assumed fee schedule."""
    return {
        "config": dict(config),
        "fee_schedule": {
            "series": list(TENNIS_SERIES.values()),
            "fee_type": TENNIS_FEES.fee_type.value,
            "multiplier": str(TENNIS_FEES.multiplier),
            "formula": "fee = ceil_0.0001(rate x multiplier x contracts x price x (1 - price)); "
            "rate 0.07 taker, 0.0175 maker (courtside.pricing.fees.kalshi_fee)",
        },
        "settlement": "completed: 1/0 on the winner; retired, walkover, awarded: the pre-match Shin fair "
        "probability of the market (repr of the float) rounded half-even to the cent (kalshi-api.md §5.4)",
        "model": result.model,
        "matches": result.matches,
        "matches_priced": result.priced,
        "matches_traded": len(result.traded),
        "no_trade_reasons": dict(result.reasons.most_common()),
        **summary.as_dict(),
        "roi_definition": "pnl / turnover; turnover = sum(contracts x price); fees are in pnl",
        "clv_definition": "per contract, p_market_fair - price, contract-weighted",
        "traded_legs": leg_means(result.rows),
        "start_bankroll": str(result.start_bankroll),
        "end_bankroll": str(result.end_bankroll),
        "by": {name: _bucket_json(rows) for name, rows in buckets(result.rows).items()},
        "trades_csv": "one row per fill (an order walking two book levels gives two rows); "
        "pnl = contracts x (settlement_value - price) - fee, fee = kalshi_fee(contracts, price, "
        "schedule, maker=maker), all Decimal; side and price refer to the leg bought",
        "books": "per market: YES bids from round_down(fair - half_spread) and YES asks from "
        "round_up(fair + half_spread) on the cent grid, `levels` levels of `depth_per_level` contracts, "
        "one tick apart; decided 1 h before a noon-UTC start; the closing book is the only book, so "
        "resting (maker) orders never fill",
        "columns": COLUMN_HELP,
        "attribution": plots.ATTRIBUTION,
    }


def write_report(
    folder: Path, result: RunResult, config: Mapping[str, Any], *, title: str, seed: int = 7
) -> tuple[dict[str, Any], Summary]:
    """Write every file of the report folder; returns the summary dict and the typed figures."""
    folder.mkdir(parents=True, exist_ok=True)
    write_trades(folder / "trades.csv", result.rows)
    bets = [bet_of(r) for r in result.rows]
    figures = summarise(bets, result.start_bankroll, seed=seed)
    summary = summary_dict(result, config, figures)
    write_json(folder / "summary.json", summary)
    note = f"{plots.ATTRIBUTION}. {FEE_NOTE}"
    plots.equity_curve(bets, result.start_bankroll, folder / "equity.png", title=title, note=note)
    plots.calibration(
        [r.p_model for r in result.rows],
        [float(r.settlement_value) for r in result.rows],
        folder / "calibration.png",
        title=f"{title}: calibration of trades taken",
        note=note,
        market=[r.p_market_fair for r in result.rows],
    )
    plots.pnl_by_bucket(buckets(result.rows), folder / "pnl_by_bucket.png", title=title, note=note)
    return summary, figures


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")
