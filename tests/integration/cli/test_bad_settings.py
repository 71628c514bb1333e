"""Every bad value of the issue's list, as a user types it: one line naming the flag or the
variable and what is allowed, exit status 2, no traceback, and nothing written (no journal, no log,
no kill file) in the home folder or the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_user import assert_refused, run

SECRET_DSN = "bot:hunter2@db.example/courtside"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--max-size", "0"], ["--max-size 0", "≥ 1"]),
        (["--max-size", "-5"], ["--max-size -5", "≥ 1"]),
        (["--max-hours", "-3"], ["--max-hours -3", "> 0"]),
        (["--scan-interval", "0"], ["--scan-interval 0", "≥ 1"]),
        (["--min-value", "-0.5"], ["--min-value -0.5", "≥ 0 and < 1"]),
        (["--min-value", "abc"], ["--min-value abc", "a number ≥ 0 and < 1"]),
        (["--order-style", "fast"], ["--order-style fast", "maker, taker, auto"]),
        (["--db", "not a url"], ["--db 'not a url'", "not a database URL"]),
        (["--db", f"postgres://{SECRET_DSN}"], ["--db", "unsupported database 'postgres'"]),
        (["--db", f"postgresql://{SECRET_DSN}"], ["--db", "not installed"]),
        (["--env", "staging"], ["--env staging", "prod, demo or an http(s) base URL"]),
        (["--max-drawdown", "1.5"], ["--max-drawdown 1.5", "[0, 1)"]),
    ],
)
def test_a_bad_trade_flag_is_one_line_naming_it(tmp_path: Path, args: list[str], named: list[str]) -> None:
    line = assert_refused(tmp_path, run(tmp_path, "trade", "--once", *args), *named)
    assert "hunter2" not in line  # a password in a URL is never echoed


@pytest.mark.parametrize(
    ("variable", "value", "named"),
    [
        ("COURTSIDE_MAX_SIZE", "0", "COURTSIDE_MAX_SIZE 0"),
        ("COURTSIDE_SCAN_INTERVAL", "0.5", "COURTSIDE_SCAN_INTERVAL 0.5"),
        ("COURTSIDE_KELLY_FRACTION", "2", "COURTSIDE_KELLY_FRACTION 2"),
    ],
)
def test_a_bad_variable_is_one_line_naming_it(tmp_path: Path, variable: str, value: str, named: str) -> None:
    assert_refused(tmp_path, run(tmp_path, "trade", "--once", env={variable: value}), named)


def test_a_bad_key_in_the_config_file_names_the_file_and_suggests(tmp_path: Path) -> None:
    config = tmp_path / "c.toml"
    config.write_text("[trader]\nmax-sise = 3\n")
    done = run(tmp_path, "trade", "--once", "--config", str(config))
    config.unlink()
    assert_refused(tmp_path, done, "max-sise", "did you mean max-size?", str(config))


def test_a_misspelt_option_gets_a_did_you_mean(tmp_path: Path) -> None:
    done = run(tmp_path, "trade", "--max-sise", "3")
    assert_refused(tmp_path, done, "--max-sise", "did you mean --max-size?")


def test_an_empty_trading_window_is_refused(tmp_path: Path) -> None:
    assert_refused(tmp_path, run(tmp_path, "trade", "--max-hours", "0.1", "--min-minutes", "10"), "window")


@pytest.mark.parametrize("command", ["status", "report", "unmatched"])
def test_a_read_only_command_on_a_missing_journal_says_so_and_creates_nothing(
    tmp_path: Path, command: str
) -> None:
    done = run(tmp_path, command, "--db", "sqlite:///missing.db")
    assert_refused(tmp_path, done, "no journal", "missing.db")
    assert_refused(tmp_path, run(tmp_path, command), "no journal", str(tmp_path / "home"))


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["model", "train", "--learner", "foo"], ["--learner", "'foo' is not one of 'logistic', 'gbm'"]),
        (["model", "train", "--train-years", "0"], ["--train-years", "greater than or equal to 1"]),
        (
            ["model", "evaluate", "--train-until", "2021-12-31", "--test-from", "2021-01-01"],
            ["--test-from", "2021-01-01 is not after --train-until 2021-12-31"],
        ),
        (
            [
                "model",
                "evaluate",
                "--train-until",
                "2020-12-31",
                "--test-from",
                "2021-06-01",
                "--test-to",
                "2021-01-31",
            ],
            ["--test-to", "2021-01-31 is before --test-from 2021-06-01"],
        ),
        (
            ["model", "evaluate", "--train-until", "2020-13-01", "--test-from", "2021-01-01"],
            ["--train-until"],
        ),
        (["backtest", "--from", "2023-03-01", "--to", "2023-02-01"], ["--to", "is before --from"]),
        (["backtest", "--from", "2023-02-01", "--to", "2023-03-01", "--levels", "0"], ["--levels"]),
        (["backtest", "--from", "2023-02-01", "--to", "2023-03-01", "--bankroll", "-5"], ["--bankroll"]),
        (["data", "sync", "--source", "ftp"], ["--source", "'ftp' is not one of"]),
        (["data", "sync", "--until-year", "1800"], ["--until-year", "greater than or equal to 1990"]),
        (["data", "sync", "--since", "yesterday"], ["--since", "not a date"]),
        (["report", "--bankroll", "abc"], ["--bankroll", "not a number"]),
        (["sim", "serve", "--port", "70000"], ["--port", "less than or equal to 65535"]),
        (["--log-level", "LOUD", "status"], ["--log-level", "LOUD"]),
    ],
)
def test_a_bad_option_of_any_command_is_one_line_before_any_work(
    tmp_path: Path, args: list[str], named: list[str]
) -> None:
    assert_refused(tmp_path, run(tmp_path, *args), *named)
