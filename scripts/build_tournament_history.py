"""Regenerate src/courtside/markets/tournament_history.json from the match data.

python scripts/build_tournament_history.py --data $COURTSIDE_DATA [--since 2008] [--out PATH]
"""

from __future__ import annotations

from courtside.data.tournament_history import main

if __name__ == "__main__":
    raise SystemExit(main())
