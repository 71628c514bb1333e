"""Settings precedence: defaults < environment < --config TOML < flags."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from courtside.app.config import load_settings
from courtside.app.run import confirm_live
from courtside.domain.errors import ConfigError
from courtside.domain.mode import Mode
from courtside.strategy.decide import OrderStyle


def test_defaults_are_the_documented_ones() -> None:
    s = load_settings(None)
    assert (s.live, s.min_value, s.min_ev, s.max_size, s.kelly_fraction) == (
        False,
        Decimal("0.02"),
        Decimal("0.05"),
        Decimal(10),
        Decimal("0.25"),
    )
    assert (s.scan_interval, s.max_hours, s.order_style, s.env) == (60.0, 48.0, OrderStyle.MAKER, "prod")


def test_env_then_toml_then_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COURTSIDE_MIN_EV", "0.07")
    monkeypatch.setenv("COURTSIDE_MAX_SIZE", "4")
    monkeypatch.setenv("COURTSIDE_MIN_VALUE", "0.03")
    config = tmp_path / "t.toml"
    config.write_text('[trader]\nmax-size = "6"\norder_style = "taker"\nmin_value = "0.04"\n')
    s = load_settings(config, min_value="0.05")
    assert s.min_ev == Decimal("0.07")  # environment
    assert s.max_size == Decimal(6)  # TOML over the environment
    assert s.order_style is OrderStyle.TAKER
    assert s.min_value == Decimal("0.05")  # the flag wins
    assert s.strategy().sizing.max_size == Decimal(6)


def test_bad_values_and_unknown_keys_are_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_settings(None, min_value="2")
    config = tmp_path / "t.toml"
    config.write_text("max_sise = 3\n")
    with pytest.raises(ConfigError, match="max_sise"):
        load_settings(config)


def test_live_confirmation() -> None:
    live = load_settings(None, live=True)
    with pytest.raises(ConfigError, match="--confirm-live"):
        confirm_live(live, lambda _: "LIVE", is_tty=False)
    confirm_live(live, lambda _: "LIVE", is_tty=True)
    with pytest.raises(ConfigError, match="not confirmed"):
        confirm_live(live, lambda _: "yes", is_tty=True)
    confirm_live(load_settings(None, live=True, confirm_live=True), lambda _: "", is_tty=False)
    confirm_live(load_settings(None), lambda _: "", is_tty=False)  # dry-run needs nothing


def test_model_weight_from_env_toml_and_flag_reaches_the_strategy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings(None).strategy().model_weight == 1.0  # the model alone by default
    monkeypatch.setenv("COURTSIDE_MODEL_WEIGHT", "0.4")
    assert load_settings(None).strategy().model_weight == 0.4
    config = tmp_path / "t.toml"
    config.write_text("[trader]\nmodel-weight = 0.3\n")
    assert load_settings(config).strategy().model_weight == 0.3
    assert load_settings(config, model_weight=0.2).strategy().model_weight == 0.2
    for bad in (-0.1, 1.2):
        with pytest.raises(ConfigError, match="--model-weight"):
            load_settings(None, model_weight=bad)


def test_max_drawdown_from_env_toml_and_flags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert load_settings(None).risk().max_drawdown == Decimal("0.25")  # on by default
    monkeypatch.setenv("COURTSIDE_MAX_DRAWDOWN", "0.4")
    assert load_settings(None).risk().max_drawdown == Decimal("0.4")
    config = tmp_path / "t.toml"
    config.write_text('[trader]\nmax-drawdown = "none"\n')
    assert load_settings(config).risk().max_drawdown is None  # "none" turns it off
    assert load_settings(config, max_drawdown="0.3").risk().max_drawdown == Decimal("0.3")
    assert load_settings(None, max_drawdown="0").risk().max_drawdown is None  # so does 0
    for bad in ("1", "-0.1", "1.5"):
        with pytest.raises(ConfigError, match="--max-drawdown"):
            load_settings(None, max_drawdown=bad)


def test_live_comes_from_the_command_line_only(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """COURTSIDE_LIVE / COURTSIDE_CONFIRM_LIVE in the environment, or live / confirm_live in the TOML
    file, never turn real-money trading on by themselves (issue 13, item 3)."""
    monkeypatch.setenv("COURTSIDE_LIVE", "true")
    monkeypatch.setenv("COURTSIDE_CONFIRM_LIVE", "true")
    config = tmp_path / "c.toml"
    config.write_text("[trader]\nlive = true\nconfirm_live = true\nmax_size = 3\n", encoding="utf-8")
    s = load_settings(config)
    assert (s.live, s.confirm_live, s.mode) == (False, False, Mode.PAPER)
    assert s.max_size == 3  # the rest of the file still counts
    assert "live trading needs --live on the command line" in caplog.text
    flagged = load_settings(config, live=True)
    assert (flagged.live, flagged.confirm_live) == (True, False)  # the confirmation is still asked for
