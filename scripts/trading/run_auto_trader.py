#!/usr/bin/env python3
"""The documented entry point of the AutoTrader: a thin shim over `courtside trade`.

    python scripts/trading/run_auto_trader.py --once                # dry-run, one scan
    python scripts/trading/run_auto_trader.py --live --min-ev 0.08  # real orders (typed confirmation)

Every flag is `courtside trade`'s (see --help); dry-run is the default.
"""

from __future__ import annotations

import typer

from courtside.cli.trade import trade


def main() -> None:
    typer.run(trade)


if __name__ == "__main__":
    main()
