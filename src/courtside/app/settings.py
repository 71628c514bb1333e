"""Typed trader settings, each with its range, checked before any work starts.

Precedence, lowest first: defaults, `<home>/.env`, COURTSIDE_* environment variables, the TOML file
(`--config FILE`, else `<home>/courtside.toml` when it exists), then command-line flags: pydantic-
settings' own sources, ordered in `settings_customise_sources` (loading lives in app/config.py).
Paths left unset default to the home folder's layout (app/home.py). `live` and `confirm_live` come
from the command line only: no file or variable alone turns real-money trading on (one that tries is
ignored with a warning).
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, ValidationInfo, field_validator, model_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from courtside.app.config_toml import TomlSource
from courtside.app.home import Home, HomeSource, resolve_home
from courtside.app.loopback import MIN_TOKEN_LENGTH, TOKEN_SETTING, is_loopback
from courtside.app.urls import check_db_url, check_env
from courtside.domain.errors import ConfigError
from courtside.domain.mode import Mode
from courtside.domain.tennis import MATCH_WINNER_SERIES
from courtside.pricing.edge import EdgeParams
from courtside.risk.checks import RiskLimits
from courtside.strategy.decide import OrderStyle, StrategyParams
from courtside.strategy.sizing import SizingParams

# the TOML file of the load in progress (None: none); set by app.config.load_settings
TOML_FILE: ContextVar[Path | None] = ContextVar("courtside_toml_file", default=None)
ENV_PREFIX = "COURTSIDE_"


LIVE_FLAGS = ("live", "confirm_live")  # read from the command line only
LIVE_NEEDS = "live trading needs --live on the command line (and --confirm-live or the typed confirmation)"
log = logging.getLogger("courtside.settings")


class FlagsOnly(PydanticBaseSettingsSource):
    """A source (TOML, environment, .env) with `live` and `confirm_live` taken out: real-money trading
    starts from the command line alone; a file or variable that sets them is ignored with a warning
    (`warn=False`: where the settings' own load has given it already, as `config show`'s origins)."""

    def __init__(
        self, settings_cls: type[BaseSettings], inner: PydanticBaseSettingsSource, *, warn: bool = True
    ) -> None:
        super().__init__(settings_cls)
        self.inner = inner
        self.warn = warn

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self.inner.get_field_value(field, field_name)

    def __call__(self) -> dict[str, Any]:
        values = dict(self.inner())
        for name in LIVE_FLAGS:
            if values.pop(name, None) not in (None, False, "", "0", "false", "False") and self.warn:
                log.warning("%s from a file or variable ignored: %s", name, LIVE_NEEDS)
        return values


class LogLevel(StrEnum):
    DEBUG = "DEBUG"
    INFO = "INFO"
    WARNING = "WARNING"
    ERROR = "ERROR"


class LogFormat(StrEnum):
    AUTO = "auto"  # rich on a terminal, plain otherwise
    RICH = "rich"
    PLAIN = "plain"  # one line per record, ISO 8601 UTC timestamps, never wrapped
    JSON = "json"  # one JSON object per line


def _allowed(text: str) -> dict[str, Any]:
    return {"allowed": text}


class TraderSettings(BaseSettings):
    """Every knob of the AutoTrader; money and thresholds are Decimal. Field descriptions are the
    help text of the flags and of docs/configuration.md."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX, extra="ignore", validate_default=True, use_enum_values=False
    )

    home: Annotated[Path, Field(description="the folder all state lives in")] = Field(
        default_factory=lambda: resolve_home().root
    )
    env: Annotated[
        str,
        Field(
            description="the exchange: Kalshi (prod), its demo, or the simulator's base URL",
            json_schema_extra=_allowed("prod, demo or an http(s) base URL ending in /trade-api/v2"),
        ),
    ] = "prod"
    live: Annotated[bool, Field(description="place real orders (else paper fills: dry-run)")] = False
    confirm_live: Annotated[bool, Field(description="skip the typed confirmation of --live")] = False
    once: Annotated[bool, Field(description="one scan, then exit")] = False
    stream: Annotated[bool, Field(description="react to WebSocket book changes between scans")] = False
    min_value: Annotated[Decimal, Field(ge=0, lt=1, description="minimum value edge, p - price")] = Decimal(
        "0.02"
    )
    min_ev: Annotated[Decimal, Field(ge=0, lt=1, description="minimum EV per dollar after fees")] = Decimal(
        "0.05"
    )
    max_size: Annotated[Decimal, Field(ge=1, description="maximum contracts per order")] = Decimal(10)
    scan_interval: Annotated[float, Field(ge=1, description="seconds between scans")] = 60.0
    max_hours: Annotated[float, Field(gt=0, description="only matches starting within this many hours")] = (
        48.0
    )
    min_minutes: Annotated[
        float, Field(ge=0, description="no new order this many minutes or less before the start")
    ] = 10.0
    # 100 contracts traded: enough that the book is not a one-off quote (demo books hold 1-3 lots)
    min_volume: Annotated[
        Decimal, Field(ge=0, description="minimum contracts traded in the market (0: no floor)")
    ] = Decimal(100)
    order_style: Annotated[OrderStyle, Field(description="how orders are placed")] = OrderStyle.MAKER
    taker_gtc: Annotated[bool, Field(description="taker orders rest (GTC) instead of IOC")] = False
    kelly_fraction: Annotated[Decimal, Field(gt=0, le=1, description="fraction of full Kelly")] = Decimal(
        "0.25"
    )
    model_weight: Annotated[
        float,
        Field(
            ge=0,
            le=1,
            description="weight w of the model in p = sigmoid(w logit(p_model) + (1-w) logit(p_market)), "
            "p_market the de-vigged mid of both books; 1 = the model alone",
        ),
    ] = 1.0
    max_match_fraction: Annotated[
        Decimal, Field(gt=0, le=1, description="largest share of the bankroll on one match")
    ] = Decimal("0.05")
    max_exposure: Annotated[
        Decimal, Field(gt=0, description="dollars at most in open positions and resting orders")
    ] = Decimal(500)
    daily_loss_limit: Annotated[
        Decimal, Field(gt=0, description="no new positions after losing this many dollars today")
    ] = Decimal(100)
    max_drawdown: Annotated[
        Decimal | None,
        Field(
            description="stop opening positions (REDUCING) once equity at cost is this fraction below "
            "its high-water mark, per exchange and mode; `courtside resume --reset-peak` clears it",
            json_schema_extra=_allowed("a fraction in [0, 1); 0 or none: off"),
        ),
    ] = Decimal("0.25")
    max_orders_per_scan: Annotated[int, Field(ge=1, description="orders placed at most per scan")] = 5
    max_book_age_s: Annotated[float, Field(gt=0, description="seconds after which a book is stale")] = 120.0
    max_edge: Annotated[
        Decimal, Field(gt=0, le=1, description="a larger edge is a suspect price, not an opportunity")
    ] = Decimal("0.25")
    min_depth: Annotated[Decimal, Field(ge=1, description="contracts needed at the price")] = Decimal(1)
    max_spread: Annotated[Decimal, Field(gt=0, le=1, description="widest bid-ask spread traded")] = Decimal(
        "0.15"
    )
    max_failed_scans: Annotated[
        int, Field(ge=1, description="consecutive failed scans that stop opening positions (REDUCING)")
    ] = 5
    db: Annotated[
        str,
        Field(
            description="SQLAlchemy URL of the journal",
            json_schema_extra=_allowed("sqlite:///PATH, or another SQLAlchemy URL whose driver is installed"),
        ),
    ] = ""  # "" until _home_paths fills it in, as the model, kill and log paths
    model: Annotated[Path, Field(description="model artifact folder from `courtside model train`")] = Path()
    update_every: Annotated[
        float,
        Field(
            ge=0,
            description="hours between syncs of Kalshi's results and `model update` (0: on start only)",
        ),
    ] = 6.0
    max_model_age: Annotated[
        int,
        Field(ge=1, description="days: live refuses a model whose newest result is older (dry-run warns)"),
    ] = 7
    series: Annotated[
        list[str],
        Field(
            min_length=1,
            description="Kalshi series tickers scanned for tennis matches",
            json_schema_extra=_allowed("at least one series ticker (a JSON list in a variable)"),
        ),
    ] = Field(default_factory=lambda: list(MATCH_WINNER_SERIES))
    kill_file: Annotated[Path, Field(description="kill-switch file")] = Path()
    log_file: Annotated[Path, Field(description="log file")] = Path()
    log_level: Annotated[LogLevel, Field(description="lowest level logged")] = LogLevel.INFO
    log_format: Annotated[
        LogFormat, Field(description="console format: auto (rich on a terminal), rich, plain or json")
    ] = LogFormat.AUTO
    paper_cash: Annotated[Decimal, Field(gt=0, description="starting cash of the paper account ($)")] = (
        Decimal(1000)
    )
    http_timeout: Annotated[float, Field(gt=0, description="seconds to wait for the exchange")] = 10.0
    alerts: Annotated[
        str,
        Field(
            description="notification URLs for alerts, separated by spaces (docs/alerts.md)",
            json_schema_extra=_allowed(
                "json://, tgram://, discord://, slack://, ntfy://, mailtos://... URLs"
            ),
        ),
    ] = ""
    cancel_on_exit: Annotated[
        bool, Field(description="cancel this book's resting orders when the trader stops (SIGTERM, Ctrl-C)")
    ] = False
    dashboard: Annotated[bool, Field(description="serve the dashboard beside the trader")] = False
    dashboard_token: Annotated[
        SecretStr | None,
        Field(
            description="bearer token of the dashboard's controls (and of reading beyond loopback)",
            json_schema_extra=_allowed(f"at least {MIN_TOKEN_LENGTH} characters"),
        ),
    ] = None
    dashboard_host: Annotated[
        str,
        Field(
            description="address the dashboard listens on (beyond loopback needs the token)",
            json_schema_extra=_allowed("an IP address or localhost; beyond loopback only with a token"),
        ),
    ] = "127.0.0.1"
    dashboard_port: Annotated[int, Field(ge=0, le=65535, description="dashboard port (0: any free one)")] = (
        8050
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Flags (init kwargs) > TOML > environment > .env > defaults; live only from the flags."""
        toml = TomlSource(settings_cls, TOML_FILE.get())
        return init_settings, *(FlagsOnly(settings_cls, src) for src in (toml, env_settings, dotenv_settings))

    @field_validator("env")
    @classmethod
    def _env(cls, value: str) -> str:
        return check_env(value)

    @model_validator(mode="before")
    @classmethod
    def _home_paths(cls, data: Any) -> Any:
        """The journal, model, kill file and log default to the home folder's layout (app/home.py)."""
        if not isinstance(data, dict):
            return data
        root = data.get("home")
        home = Home(Path(root) if root else resolve_home().root, HomeSource.FLAG)
        defaults = {
            "db": home.db_url,
            "model": home.model,
            "kill_file": home.kill_file,
            "log_file": home.log_file,
        }
        return {**data, "home": home.root, **{k: v for k, v in defaults.items() if data.get(k) in (None, "")}}

    @field_validator("db")
    @classmethod
    def _db(cls, value: str) -> str:
        return check_db_url(value)

    @field_validator("alerts")
    @classmethod
    def _alerts(cls, value: str) -> str:
        """Each URL is one Apprise can use (the error names the entry, never the URL: it holds tokens)."""
        from courtside.alerts.destinations import destinations

        try:
            destinations(value)
        except ConfigError as e:
            raise ValueError(str(e).removeprefix("COURTSIDE_ALERTS: ")) from None
        return value

    @field_validator("dashboard_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and len(value.get_secret_value()) < MIN_TOKEN_LENGTH:
            raise ValueError("too short")
        return value if value is None or value.get_secret_value() else None

    @field_validator("dashboard_host")
    @classmethod
    def _dashboard_bind(cls, value: str, info: ValidationInfo) -> str:
        """Beyond loopback only with a token (dashboard_token is checked first: it is declared first)."""
        if not is_loopback(value) and info.data.get("dashboard_token") is None:
            raise ValueError(f"{value} listens beyond this machine: set {TOKEN_SETTING} first")
        return value

    @property
    def token(self) -> str | None:
        """The dashboard token's value (never logged: the field is a SecretStr)."""
        return None if self.dashboard_token is None else self.dashboard_token.get_secret_value()

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
            raise ValueError("")  # the allowed range says why
        return value

    @model_validator(mode="after")
    def _window(self) -> TraderSettings:
        if self.min_minutes >= self.max_hours * 60:
            raise ValueError(
                f"the trading window is empty: min-minutes {self.min_minutes:g} is not below "
                f"max-hours {self.max_hours:g} x 60"
            )
        return self

    @property
    def paths(self) -> Home:
        """The home folder's layout (the history store, the data cache, ...)."""
        return Home(self.home, HomeSource.FLAG)

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
