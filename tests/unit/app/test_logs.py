"""The log file and a piped console: one line per record, ISO 8601 UTC, never wrapped; JSON lines
when asked; a traceback kept whole."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest

from courtside.app.logs import logging_to
from courtside.app.settings import LogFormat

ISO_UTC = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"
log = logging.getLogger("courtside.trader")


def _boom() -> None:
    raise KeyError("no such market")


def test_the_file_and_a_piped_console_get_plain_iso_utc_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "x" * 300
    with logging_to(tmp_path / "logs" / "t.log", level="INFO", fmt=LogFormat.AUTO):
        log.info("scan 1 start %s", long)
        try:
            _boom()
        except KeyError:
            log.exception("scan 1 failed")
    text = (tmp_path / "logs" / "t.log").read_text()
    first, second = text.splitlines()[:2]
    assert re.fullmatch(rf"{ISO_UTC} INFO courtside.trader: scan 1 start {long}", first)
    assert re.fullmatch(rf"{ISO_UTC} ERROR courtside.trader: scan 1 failed", second)
    assert "Traceback (most recent call last)" in text
    assert "KeyError: 'no such market'" in text
    assert capsys.readouterr().err.splitlines()[0] == first  # stderr is not a terminal here: plain too


def test_quiet_keeps_the_console_short_and_the_file_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with logging_to(tmp_path / "t.log", level="WARNING", fmt=LogFormat.PLAIN):
        log.info("routine")
        log.warning("attention")
    assert "routine" not in capsys.readouterr().err
    assert "routine" in (tmp_path / "t.log").read_text()


def test_json_lines(tmp_path: Path) -> None:
    with logging_to(tmp_path / "t.log", console=False, fmt=LogFormat.JSON):
        log.warning("stop: %s", "SIGTERM")
    (line,) = (tmp_path / "t.log").read_text().splitlines()
    record = json.loads(line)
    assert (record["level"], record["logger"], record["message"]) == (
        "WARNING",
        "courtside.trader",
        "stop: SIGTERM",
    )
    assert re.fullmatch(ISO_UTC, record["ts"])


def test_handlers_are_removed_when_the_command_ends(tmp_path: Path) -> None:
    before = list(logging.getLogger("courtside").handlers)
    with logging_to(tmp_path / "t.log"):
        assert len(logging.getLogger("courtside").handlers) == len(before) + 2
    assert logging.getLogger("courtside").handlers == before
