"""Which book of records an order belongs to: the paper ledger (dry-run) or the exchange (live)."""

from __future__ import annotations

from enum import StrEnum


class Mode(StrEnum):
    PAPER = "paper"  # dry-run: real market data, orders filled on paper when the real book crosses
    LIVE = "live"  # real orders on the exchange

    @property
    def label(self) -> str:
        return "dry-run (paper)" if self is Mode.PAPER else "live"
