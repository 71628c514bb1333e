"""The newcomer ratings fit: weaker debutants at a level give that level a lower seed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from courtside.model.newcomers import fit_newcomer_ratings, newcomer_rows

ROUNDS = (("R16", 13), ("QF", 14), ("SF", 15), ("F", 17))


def _history(seed: int = 5) -> pd.DataFrame:
    """Ranked regulars (skill around 0) play tour events; from week 10, unranked debutants join: those
    of ITF events 400 Elo points weaker than the regulars, those of tour events as strong."""
    rng = np.random.default_rng(seed)
    skill = {f"atp:{i}": float(rng.normal(0.0, 120.0)) for i in range(32)}
    rank = {key: float(i + 1) for i, key in enumerate(skill)}
    rows: list[dict[str, object]] = []
    for week in range(40):
        day = pd.Timestamp("2015-01-05") + pd.Timedelta(weeks=week)
        events = [("tour_250", [])] if week < 10 else [("itf", [-400.0] * 6), ("tour_250", [0.0] * 6)]
        for n, (level, debutants) in enumerate(events):
            field = list(rng.choice(list(rank), 16 - len(debutants), replace=False))
            for j, strength in enumerate(debutants):
                key = f"atp:{1000 + week * 20 + n * 10 + j}"
                skill[key] = strength
                field.append(key)
            rng.shuffle(field)
            rows += _knockout(field, skill, rank, f"E{week}-{n}", level, day, rng)
    return pd.DataFrame(rows)


def _knockout(
    field: list[str],
    skill: dict[str, float],
    rank: dict[str, float],
    event: str,
    level: str,
    day: pd.Timestamp,
    rng: np.random.Generator,
) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for rnd, order in ROUNDS:
        winners = []
        for i in range(0, len(field), 2):
            a, b = field[i], field[i + 1]
            p = 1.0 / (1.0 + 10 ** (-(skill[a] - skill[b]) / 400.0))
            w, lo = (a, b) if rng.random() < p else (b, a)
            winners.append(w)
            rows.append(
                {
                    "tour": "atp", "tourney_id": event, "tourney_date": day, "round": rnd,
                    "round_order": order, "match_num": len(rows) + 1, "surface": "Hard", "level": level,
                    "best_of": 3, "winner_key": w, "loser_key": lo, "score": "6-4 6-4",
                    "outcome": "completed",
                    "winner_rank": rank.get(w, np.nan), "loser_rank": rank.get(lo, np.nan),
                }
            )  # fmt: skip
        field = winners
    return rows


def test_each_level_gets_the_seed_its_debutants_played_to() -> None:
    history = _history()
    groups = newcomer_rows(history, since="2015-03-01", first=20)
    assert set(groups) == {"atp:itf", "atp:tour_level"}
    assert groups["atp:itf"].players == groups["atp:tour_level"].players == 180
    fit = fit_newcomer_ratings(history, since="2015-03-01", score_from="2015-03-01", min_matches=100)
    assert fit.seeds["atp:itf"] + 200 <= fit.seeds["atp:tour_level"]
    assert fit.tour_loss["atp"] < fit.start_loss["atp"]
    assert fit.matches["atp:itf"] == len(groups["atp:itf"].rows)
