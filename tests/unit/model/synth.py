"""A seeded synthetic match history in the shape of courtside.data.sources.load_matches."""

from __future__ import annotations

import numpy as np
import pandas as pd

ROUNDS = (("R16", 13), ("QF", 14), ("SF", 15), ("F", 17))


def synthetic_matches(n_players: int = 48, n_weeks: int = 60, seed: int = 3) -> pd.DataFrame:
    """Weekly 16-player knockouts among players with fixed true skills (Elo scale), winners drawn."""
    rng = np.random.default_rng(seed)
    skill = rng.normal(0.0, 200.0, n_players)
    rows: list[dict[str, object]] = []
    start = pd.Timestamp("2015-01-05")
    for week in range(n_weeks):
        day = start + pd.Timedelta(weeks=week)
        surface = ("Hard", "Clay", "Grass")[week % 3]
        field = list(rng.choice(n_players, 16, replace=False))
        num = 0
        for rnd, order in ROUNDS:
            nxt = []
            for i in range(0, len(field), 2):
                a, b = int(field[i]), int(field[i + 1])
                p = 1.0 / (1.0 + 10 ** (-(skill[a] - skill[b]) / 400.0))
                w, lo = (a, b) if rng.random() < p else (b, a)
                num += 1
                rows.append(_row(week, day, surface, rnd, order, num, w, lo, rng))
                nxt.append(w)
            field = nxt
    return pd.DataFrame(rows)


def _row(
    week: int,
    day: pd.Timestamp,
    surface: str,
    rnd: str,
    order: int,
    num: int,
    w: int,
    lo: int,
    rng: np.random.Generator,
) -> dict[str, object]:
    games_l = int(rng.integers(0, 5))
    return {
        "tour": "atp",
        "source": "tour",
        "tourney_id": f"T{week}",
        "tourney_name": f"Event {week}",
        "surface": surface,
        "tourney_level": "A",
        "level": "tour_250",
        "tourney_date": day,
        "match_num": num,
        "round": rnd,
        "round_order": order,
        "best_of": 3,
        "winner_id": 1000 + w,
        "loser_id": 1000 + lo,
        "winner_key": f"atp:{1000 + w}",
        "loser_key": f"atp:{1000 + lo}",
        "winner_name": f"Player {w}",
        "loser_name": f"Player {lo}",
        "winner_hand": "L" if w % 5 == 0 else "R",
        "loser_hand": "L" if lo % 5 == 0 else "R",
        "winner_ht": 180.0 + w % 10,
        "loser_ht": 180.0 + lo % 10,
        "winner_ioc": "FRA" if w % 2 else "ESP",
        "loser_ioc": "FRA" if lo % 2 else "ESP",
        "winner_age": 20.0 + w % 15,
        "loser_age": 20.0 + lo % 15,
        "winner_rank": float(w + 1),
        "loser_rank": float(lo + 1),
        "winner_rank_points": 5000.0 / (w + 1),
        "loser_rank_points": 5000.0 / (lo + 1),
        "winner_entry": None,
        "loser_entry": None,
        "score": f"6-{games_l} 6-{4 - games_l % 3}",
        "minutes": 60.0 + 5 * games_l,
        "outcome": "completed",
    }
