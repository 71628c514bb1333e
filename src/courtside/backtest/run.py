"""Wiring of one backtest: load the odds and match history, get as-of predictions, replay, report.

The composition root of `courtside backtest`: the data loaders and the odds join of `courtside.data`,
the walk-forward model of `courtside.model`, the trader of backtest/actor.py. Truncating the data at
a cutoff (for the look-ahead check) drops every odds row dated on or after it and every Sackmann
event starting on or after it, before anything is computed.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd

from courtside.backtest.actor import ReplaySettings, StrategyActor
from courtside.backtest.books import BookSpec, MarketSource
from courtside.backtest.engine import MarketProbabilities, Probabilities, RunResult, run
from courtside.backtest.matches import MatchSpec, match_specs
from courtside.data.odds import load_odds
from courtside.domain.errors import ConfigError, DataError
from courtside.domain.tennis import Tour


@dataclass(frozen=True, slots=True)
class BacktestConfig:
    """Everything that defines a run (written into summary.json)."""

    data_dir: Path
    start: date
    end: date
    market: MarketSource = MarketSource.PINNACLE
    book: BookSpec = field(default_factory=BookSpec)
    trader: ReplaySettings = field(default_factory=ReplaySettings)
    bankroll: Decimal = Decimal(1000)
    tours: tuple[Tour, ...] = (Tour.ATP, Tour.WTA)
    control: bool = False
    seed: int = 7
    history_years: int = 14  # seasons of match history the model walks through before --from
    refit: str = "quarterly"  # how often the walk-forward refits the learner (monthly | quarterly)
    cache: Path | None = None  # folder where as-of model walks are kept and reused (None: always walk)

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ConfigError(f"--to {self.end} is before --from {self.start}")
        if self.bankroll <= 0:
            raise ConfigError("the bankroll must be positive")

    def as_dict(self) -> dict[str, Any]:
        s, lim = self.trader.strategy, self.trader.limits
        return {
            "data_dir": str(self.data_dir), "from": self.start.isoformat(), "to": self.end.isoformat(),
            "market": self.market.value, "fair_price": "Shin de-vig of the closing odds",
            "half_spread": str(self.book.half_spread), "levels": self.book.levels,
            "depth_per_level": str(self.book.depth), "bankroll": str(self.bankroll),
            "tours": [t.value for t in self.tours], "control": self.control, "seed": self.seed,
            "history_years": self.history_years, "refit": self.refit,
            "order_style": s.order_style.value, "min_value": str(s.min_value), "min_ev": str(s.min_ev),
            "kelly_fraction": str(s.sizing.kelly_fraction), "max_size": str(s.sizing.max_size),
            "model_weight": s.model_weight,
            "max_match_fraction": str(s.sizing.max_match_fraction),
            "max_exposure": str(s.sizing.max_exposure), "risk_max_exposure": str(lim.max_exposure),
            "max_drawdown": str(lim.max_drawdown) if lim.max_drawdown else "off",
            "assumed_volume": str(self.trader.volume),
            "decision_lead_minutes": self.trader.lead.total_seconds() / 60,
        }  # fmt: skip


@dataclass
class Loaded:
    """The matches to replay and what was skipped on the way."""

    specs: list[MatchSpec]
    skipped: Counter[str]
    probabilities: Probabilities


def season_files(start: date, end: date) -> range:
    """The season labels whose files may hold matches dated in [start, end]."""
    return range(start.year, end.year + 2)


def load_window(
    config: BacktestConfig, cutoff: date | None
) -> tuple[list[MatchSpec], Counter[str], pd.DataFrame]:
    """The odds rows of the window (before the cutoff) as MatchSpecs, plus the raw odds frame.

    A season file can open in the previous December (atp_2013.csv starts on 2012-12-31), so the
    file of the year after --to is read too; the window is cut by match day."""
    odds = load_odds(config.data_dir, config.tours, years=season_files(config.start, config.end))
    if cutoff is not None:
        odds = odds.loc[odds["date"] < pd.Timestamp(cutoff)]
    specs, skipped = match_specs(odds, config.market, config.start, config.end)
    if not specs and cutoff is None:
        raise DataError(_empty_window(config, odds, skipped))
    return specs, skipped, odds


def _empty_window(config: BacktestConfig, odds: pd.DataFrame, skipped: Counter[str]) -> str:
    """Why a window has nothing to replay: no odds rows dated in it, or none with usable odds."""
    window = f"{config.start}..{config.end}"
    if skipped:
        reasons = ", ".join(f"{n} {why}" for why, n in skipped.most_common(3))
        return f"no odds row dated {window} can be traded ({reasons}); try the other --market"
    folder = config.data_dir / "tennis_odds"
    if odds.empty:
        return f"no odds rows dated {window}: {folder} has no season file of those years for the tours asked"
    first, last = odds["date"].min().date(), odds["date"].max().date()
    return f"no odds rows dated {window}: the season files read cover {first}..{last}"


def coverage_warning(result: RunResult, control: bool) -> str | None:
    """A warning when the model priced few of the matches (its match history does not cover them)."""
    if control or result.matches == 0 or result.priced >= 0.9 * result.matches:
        return None
    return (
        f"the model priced only {result.priced} of {result.matches} matches: it predicts the matches "
        "of the match history (tennis_atp/, tennis_wta/), which must cover the seasons replayed"
    )


def load(config: BacktestConfig, cutoff: date | None = None) -> Loaded:
    """Matches and probabilities: the market itself for the control, the as-of model otherwise."""
    specs, skipped, odds = load_window(config, cutoff)
    if config.control:
        return Loaded(specs, skipped, MarketProbabilities())
    from courtside.backtest.predictions import model_probabilities

    return Loaded(specs, skipped, model_probabilities(config, odds, cutoff))


def replay(
    config: BacktestConfig, cutoff: date | None = None, probabilities: Probabilities | None = None
) -> tuple[RunResult, Counter[str]]:
    """One full run: load, replay through the trader; returns the result and the skipped-row counts.

    `probabilities` replaces the model (tests, studies); the control run uses the market itself."""
    if probabilities is None:
        loaded = load(config, cutoff)
    else:
        specs, skipped, _ = load_window(config, cutoff)
        loaded = Loaded(specs, skipped, probabilities)
    trader = StrategyActor(config.trader)
    result = run(loaded.specs, loaded.probabilities, trader, bankroll=config.bankroll, book=config.book)
    result.model = loaded.probabilities.version
    if trader.stopped is not None:
        result.stopped = (trader.stopped.day, f"{trader.stopped.state.value}: {trader.stopped.reason}")
    return result, loaded.skipped
