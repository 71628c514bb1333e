"""The shipped tournament_history.json is exactly what the documented command builds from the data."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest

from courtside.data.tournament_history import main
from courtside.markets.history import FILE


@pytest.mark.data
@pytest.mark.slow
def test_the_shipped_table_is_regenerated_byte_for_byte(data_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / FILE
    assert main(["--data", str(data_dir), "--out", str(out)]) == 0
    shipped = resources.files("courtside.markets").joinpath(FILE).read_text(encoding="utf-8")
    assert out.read_text(encoding="utf-8") == shipped, "run scripts/build_tournament_history.py and commit"
