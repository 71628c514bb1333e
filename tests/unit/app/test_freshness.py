"""A live trader refuses a model whose newest result is too old; dry-run only warns; refresh needs a store."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from courtside.app.freshness import check_age, refresh
from courtside.domain.errors import ConfigError


def _model(tmp_path: Path, through: str) -> Path:
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "meta.json").write_text(json.dumps({"results_through": through}))
    return folder


def test_live_refuses_a_stale_model_with_the_fix_and_dry_run_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    model = _model(tmp_path, "2026-11-20")
    with pytest.raises(ConfigError, match=r"courtside data sync && courtside model update"):
        check_age(model, date(2026, 12, 3), 7, live=True)
    found = check_age(model, date(2026, 12, 3), 7, live=False)
    assert (found.results_through, found.age_days) == (date(2026, 11, 20), 13)
    assert "older than 7 days" in caplog.text


def test_a_current_model_passes_and_an_unreadable_one_counts_as_stale(tmp_path: Path) -> None:
    model = _model(tmp_path, "2026-12-01")
    assert check_age(model, date(2026, 12, 3), 7, live=True).age_days == 2
    with pytest.raises(ConfigError, match="no results date"):
        check_age(tmp_path / "missing", date(2026, 12, 3), 7, live=True)


async def test_refresh_without_a_store_changes_nothing_and_says_why(tmp_path: Path) -> None:
    model = _model(tmp_path, "2026-12-01")
    line = await refresh(model, "http://127.0.0.1:9/trade-api/v2", tmp_path / "history")
    assert "no history store" in line
    assert json.loads((model / "meta.json").read_text()) == {"results_through": "2026-12-01"}
