"""docs/configuration.md lists every setting with its flag, variable, default and range: the table is
the one the settings model gives, so the page cannot drift from the code."""

from __future__ import annotations

import inspect
from pathlib import Path

from courtside.app.config_docs import markdown_table
from courtside.app.settings import TraderSettings
from courtside.cli.trade import trade

DOC = Path(__file__).resolve().parents[3] / "docs" / "configuration.md"


def test_the_page_holds_the_generated_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    table = markdown_table(set(inspect.signature(trade).parameters))
    assert table in text, "docs/configuration.md is out of date: paste markdown_table()'s output"
    for name in TraderSettings.model_fields:
        assert f"`COURTSIDE_{name.upper()}`" in text
