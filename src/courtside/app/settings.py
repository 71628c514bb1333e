"""Typed trader settings. Precedence, lowest first: defaults, `.env`, COURTSIDE_* environment
variables, the --config TOML file, then command-line flags."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from courtside.domain.errors import ConfigError
from courtside.domain.mode import Mode
from courtside.domain.tennis import MATCH_WINNER_SERIES
from courtside.pricing.edge import EdgeParams
from courtside.risk.checks import RiskLimits
from courtside.strategy.decide import OrderStyle, StrategyParams
from courtside.strategy.sizing import SizingParams


class TraderSettings(BaseSettings):
    """Every knob of the AutoTrader; money and thresholds are Decimal."""

    model_config = SettingsConfigDict(env_prefix="COURTSIDE_", env_file=".env", extra="ignore")

    env: str = "prod"  # prod | demo | a REST base URL (market data, and orders when live)
    live: bool = False
    confirm_live: bool = False
    once: bool = False
    stream: bool = False
    min_value: Decimal = Decimal("0.02")
    min_ev: Decimal = Decimal("0.05")
    max_size: Decimal = Decimal(10)
    scan_interval: float = 60.0
    max_hours: float = 48.0
    min_minutes: float = 10.0
    # 100 contracts traded: enough that the book is not a one-off quote (demo books hold 1-3 lots)
    min_volume: Decimal = Decimal(100)
    order_style: OrderStyle = OrderStyle.MAKER
    taker_gtc: bool = False
    kelly_fraction: Decimal = Decimal("0.25")
    # weight of the model in the logit blend with the market's de-vigged mid (1 = the model alone)
    model_weight: float = 1.0
    max_match_fraction: Decimal = Decimal("0.05")
    max_exposure: Decimal = Decimal(500)
    daily_loss_limit: Decimal = Decimal(100)
    # stop opening positions (REDUCING) once equity is this fraction below its high-water mark;
    # 0 or "none" turns the protection off
    max_drawdown: Decimal | None = Decimal("0.25")
    max_orders_per_scan: int = 5
    max_book_age_s: float = 120.0
    max_edge: Decimal = Decimal("0.25")
    min_depth: Decimal = Decimal(1)
    max_spread: Decimal = Decimal("0.15")
    db: str = "sqlite:///var/courtside.db"
    model: Path = Path("var/model")  # an artifact folder from `courtside model train`
    update_every: float = 6.0  # hours between syncs of Kalshi's results + `model update` (0: on start only)
    max_model_age: int = 7  # days: live refuses a model whose newest result is older (dry-run warns)
    series: list[str] = Field(default_factory=lambda: list(MATCH_WINNER_SERIES))
    kill_file: Path = Path("var/KILL")
    log_file: Path = Path("logs/auto_trader.log")
    paper_cash: Decimal = Decimal(1000)
    http_timeout: float = 10.0

    @field_validator("min_value", "min_ev", "kelly_fraction", "max_match_fraction")
    @classmethod
    def _fraction(cls, value: Decimal) -> Decimal:
        if not Decimal(-1) < value < Decimal(1):
            raise ValueError(f"{value} is not a fraction")
        return value

    @field_validator("max_drawdown", mode="before")
    @classmethod
    def _drawdown_off(cls, value: object) -> object:
        if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "off")):
            return None
        return value

    @field_validator("max_drawdown")
    @classmethod
    def _drawdown(cls, value: Decimal | None) -> Decimal | None:
        if value is None or value == 0:
            return None
        if not Decimal(0) < value < Decimal(1):
            raise ValueError(f"max drawdown {value} is not a fraction in [0, 1) (0 or none: off)")
        return value

    @field_validator("model_weight")
    @classmethod
    def _weight(cls, value: float) -> float:
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"model weight {value} is not in [0, 1]")
        return value

    @property
    def mode(self) -> Mode:
        return Mode.LIVE if self.live else Mode.PAPER

    def strategy(self) -> StrategyParams:
        return StrategyParams(
            min_value=self.min_value,
            min_ev=self.min_ev,
            min_volume=self.min_volume,
            max_hours=self.max_hours,
            min_minutes=self.min_minutes,
            order_style=self.order_style,
            taker_gtc=self.taker_gtc,
            model_weight=self.model_weight,
            edge=EdgeParams(
                ref_count=self.max_size,
                min_value=self.min_value,
                max_edge=self.max_edge,
                min_depth=self.min_depth,
                max_spread=self.max_spread,
            ),
            sizing=SizingParams(
                kelly_fraction=self.kelly_fraction,
                max_size=self.max_size,
                max_match_fraction=self.max_match_fraction,
                max_exposure=self.max_exposure,
            ),
        )

    def risk(self) -> RiskLimits:
        return RiskLimits(
            max_book_age_s=self.max_book_age_s,
            max_orders_per_scan=self.max_orders_per_scan,
            max_exposure=self.max_exposure,
            daily_loss_limit=self.daily_loss_limit,
            kill_file=self.kill_file,
            max_drawdown=self.max_drawdown,
        )


def read_toml(path: Path) -> dict[str, Any]:
    """A config file: top-level keys, or a [trader] table, named like the settings fields."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ConfigError(f"cannot read config {path}: {e}") from e
    table = data.get("trader", data)
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [trader] must be a table")
    return {k.replace("-", "_"): v for k, v in table.items()}


def load_settings(config: Path | None = None, **flags: Any) -> TraderSettings:
    """Defaults < .env < environment < TOML < flags (flags left as None are not set)."""
    values: dict[str, Any] = read_toml(config) if config else {}
    values.update({k: v for k, v in flags.items() if v is not None})
    try:
        from_env = TraderSettings()
        explicit = {k: v for k, v in values.items() if k in TraderSettings.model_fields}
        unknown = sorted(set(values) - set(explicit))
        if unknown:
            raise ConfigError(f"unknown settings: {', '.join(unknown)}")
        return TraderSettings(**{**from_env.model_dump(), **explicit})
    except ValidationError as e:
        raise ConfigError(f"invalid settings: {e}") from e
