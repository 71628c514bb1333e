"""Judging the model: walk forward over a test period, score it, and set it beside closing odds.

Scores use completed matches only (retirements, walkovers and defaults are counted, not scored),
by tour and level. On matches with tennis-data odds, Pinnacle and the bookmaker average (both
Shin de-vigged, pricing.devig.shin) are scored on exactly the same matches as the model, with
paired log-loss differences and calendar-week block-bootstrap intervals (tennis-modelling.md §4).
"""

from __future__ import annotations

import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from courtside.data.results import load_results
from courtside.domain.errors import ConfigError
from courtside.model.metrics import paired_log_loss_diff, scores
from courtside.model.ratings import EloParams
from courtside.model.walkforward import TRAIN_LEVELS, TrainConfig, fingerprint, walk_forward
from courtside.pricing.devig import shin

log = logging.getLogger(__name__)

PREDICTION_COLUMNS = (
    "date",
    "tour",
    "level",
    "tourney_name",
    "surface",
    "round",
    "winner_name",
    "loser_name",
    "winner_id",
    "loser_id",
    "p_winner",
)
TOUR_LEVEL = "tour_level"
BOOKMAKERS = (("pinnacle", "p_pin"), ("average", "p_avg"))
FORECASTERS = (("model", "p_winner"), ("elo", "p_elo"), *BOOKMAKERS)


@dataclass
class EvaluationReport:
    """Everything `courtside model evaluate` prints and writes."""

    settings: dict[str, Any]
    counts: dict[str, int]
    groups: list[dict[str, Any]] = field(default_factory=list)  # tour x level x forecaster scores
    market: list[dict[str, Any]] = field(default_factory=list)  # same-match comparison with odds
    paired: list[dict[str, Any]] = field(default_factory=list)  # model - bookmaker, bootstrap CI
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "settings": self.settings,
            "counts": self.counts,
            "groups": self.groups,
            "market": self.market,
            "paired": self.paired,
            "notes": self.notes,
        }


def prediction_rows(pred: pd.DataFrame) -> pd.DataFrame:
    """The predictions CSV: one row per test match, exactly PREDICTION_COLUMNS."""
    out = pd.DataFrame(
        {
            "date": pred["tourney_date"].dt.strftime("%Y-%m-%d"),
            "tour": pred["tour"],
            "level": pred["level"],
            "tourney_name": pred["tourney_name"],
            "surface": pred["surface"],
            "round": pred["round"],
            "winner_name": pred["winner_name"],
            "loser_name": pred["loser_name"],
            "winner_id": pred["winner_id"].astype(int),
            "loser_id": pred["loser_id"].astype(int),
            "p_winner": pred["p_winner"].round(6),
        }
    )
    return out[list(PREDICTION_COLUMNS)]


def level_group(level: pd.Series) -> pd.Series:
    """Tour-level main draws pooled as 'tour_level'; other levels keep their own name."""
    return level.where(~level.isin(TRAIN_LEVELS), TOUR_LEVEL)


def score_groups(pred: pd.DataFrame) -> list[dict[str, Any]]:
    """Scores of the model and of its Elo core per tour and level group, completed matches only."""
    done = pred[pred["outcome"] == "completed"].assign(group=lambda f: level_group(f["level"]))
    rows: list[dict[str, Any]] = []
    for (tour, group), part in done.groupby(["tour", "group"], sort=True):
        for name, column in (("model", "p_winner"), ("elo", "p_elo")):
            score = scores(part[column].to_numpy(float)).as_dict()
            rows.append({"tour": tour, "level": group, "forecaster": name, **score})
    return rows


def market_frame(pred: pd.DataFrame) -> pd.DataFrame:
    """Test predictions of completed matches that carry tennis-data closing odds (their own, or those
    of the tennis-data row merged into them)."""
    if pred.empty or "PSW" not in pred.columns:
        return pd.DataFrame()
    done = (pred["outcome"] == "completed") & (pred["td_comment"] == "Completed")
    priced = pred[["PSW", "PSL", "AvgW", "AvgL"]].notna().any(axis=1)
    return pred[done & priced].reset_index(drop=True)


def _shin_column(frame: pd.DataFrame, w: str, lo: str) -> np.ndarray:
    out = np.full(len(frame), np.nan)
    for i, (a, b) in enumerate(zip(frame[w].to_numpy(float), frame[lo].to_numpy(float), strict=True)):
        if a > 1.0 and b > 1.0 and math.isfinite(a) and math.isfinite(b):
            out[i] = shin(a, b)
    return out


def compare_market(market: pd.DataFrame) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Same-match scores of model, Elo and the bookmakers, plus paired differences, per tour.

    A bookmaker whose odds a tour's files lack altogether (an older or newer season layout) is left
    out for that tour rather than taking the tour's whole comparison with it.
    """
    rows: list[dict[str, Any]] = []
    paired: list[dict[str, Any]] = []
    if market.empty:
        return rows, paired
    market = market.assign(
        p_pin=_shin_column(market, "PSW", "PSL"), p_avg=_shin_column(market, "AvgW", "AvgL")
    )
    for tour, part in market.groupby("tour", sort=True):
        books = [(name, col) for name, col in BOOKMAKERS if np.isfinite(part[col]).any()]
        if not books:
            continue
        part = part[np.logical_and.reduce([np.isfinite(part[col]) for _, col in books])]
        blocks = part["tourney_date"].dt.strftime("%G-%V").to_numpy()
        for name, col in (*FORECASTERS[:2], *books):
            score = scores(part[col].to_numpy(float)).as_dict()
            rows.append({"tour": tour, "level": TOUR_LEVEL, "forecaster": name, **score})
        for other, col in books:
            diff = paired_log_loss_diff(part["p_winner"].to_numpy(), part[col].to_numpy(), blocks)
            paired.append({"tour": tour, "comparison": f"model - {other}", **diff.as_dict()})
    return rows, paired


def run_evaluation(
    data_dir: Path,
    train_until: pd.Timestamp,
    test_from: pd.Timestamp,
    test_to: pd.Timestamp | None,
    *,
    config: TrainConfig | None = None,
    params: EloParams | None = None,
    progress: bool = False,
) -> tuple[pd.DataFrame, EvaluationReport]:
    """Walk forward over the test period and score it; returns (test predictions, report)."""
    config = config or TrainConfig()
    matches = load_results(data_dir, progress=progress).matches
    if matches.empty:
        raise ConfigError(f"no match files under {data_dir}")
    wf = walk_forward(
        matches, train_until, test_from, test_to, config=config, params=params, progress=progress
    )
    pred = wf.predictions
    settings = {
        "data_dir": str(data_dir),
        "train_until": str(train_until.date()),
        "test_from": str(test_from.date()),
        "test_to": str(pred["tourney_date"].max().date()) if len(pred) else None,
        "learner": config.learner,
        "calibrator": config.calibrator,
        "refit": config.refit,
        "train_years": config.train_years,
        "refits": len(wf.models),
        "model_fingerprint": fingerprint(params, config),
    }
    counts = {str(k): int(v) for k, v in pred["outcome"].value_counts().items()}
    counts["test_matches"] = len(pred)
    report = EvaluationReport(settings, counts, score_groups(pred))
    report.market, report.paired = compare_market(market_frame(pred))
    report.notes.append("scored on completed matches only; other outcomes are counted in `counts`")
    report.notes.append(
        "Pinnacle and average closing odds de-vigged with Shin's method, same matches as the model"
    )
    return pred, report


def write_outputs(pred: pd.DataFrame, report: EvaluationReport, predictions: Path, report_dir: Path) -> None:
    """The predictions CSV and report.json / report.md / reliability.png in the report folder."""
    from courtside.model.report import write_markdown, write_reliability

    predictions.parent.mkdir(parents=True, exist_ok=True)
    prediction_rows(pred).to_csv(predictions, index=False)
    report_dir.mkdir(parents=True, exist_ok=True)
    (report_dir / "report.json").write_text(json.dumps(report.as_dict(), indent=2, default=str))
    write_markdown(report, report_dir / "report.md")
    write_reliability(pred, report_dir / "reliability.png")
