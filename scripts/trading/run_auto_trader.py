#!/usr/bin/env python3
"""The documented entry point of the AutoTrader: a thin shim over `courtside trade`.

    python scripts/trading/run_auto_trader.py --once                # dry-run, one scan
    python scripts/trading/run_auto_trader.py --live --min-ev 0.08  # real orders (typed confirmation)

Every flag is `courtside trade`'s (see -h); dry-run is the default. The options courtside takes
before a command (--home, -v, -q, --log-level) may stand anywhere here. Run from a source checkout,
the home folder is the checkout: the log is logs/auto_trader.log in it.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from courtside.cli import main

ROOT_FLAGS = ("-v", "--verbose", "-q", "--quiet")
ROOT_VALUE_OPTIONS = ("--home", "--log-level")


def as_trade(argv: Sequence[str]) -> list[str]:
    """argv as `courtside [root options] trade [its flags]`."""
    root: list[str] = []
    rest: list[str] = []
    words = iter(argv)
    for word in words:
        name = word.split("=", 1)[0]
        if word in ROOT_FLAGS:
            root.append(word)
        elif name in ROOT_VALUE_OPTIONS:
            root.append(word)
            if "=" not in word:
                root.append(next(words, ""))
        else:
            rest.append(word)
    return [*root, "trade", *rest]


if __name__ == "__main__":
    main(as_trade(sys.argv[1:]))
