"""The bookmaker comparison survives a season whose odds file lacks one bookmaker's columns."""

import numpy as np
import pandas as pd

from courtside.model.evaluate import compare_market


def _frame(tour: str, n: int, with_average: bool) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    fav = rng.uniform(1.2, 2.0, n)
    dog = 1.0 / (1.04 - 1.0 / fav)
    return pd.DataFrame(
        {
            "tour": tour,
            "tourney_date": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 300, n), unit="D"),
            "p_winner": rng.uniform(0.3, 0.8, n),
            "p_elo": rng.uniform(0.3, 0.8, n),
            "PSW": fav,
            "PSL": dog,
            "AvgW": fav * 0.98 if with_average else np.nan,
            "AvgL": dog * 0.98 if with_average else np.nan,
        }
    )


def test_a_tour_without_average_odds_keeps_its_pinnacle_comparison() -> None:
    market = pd.concat([_frame("atp", 200, True), _frame("wta", 150, False)], ignore_index=True)
    rows, paired = compare_market(market)
    by_tour = {t: {r["forecaster"] for r in rows if r["tour"] == t} for t in ("atp", "wta")}
    assert by_tour["atp"] == {"model", "elo", "pinnacle", "average"}
    assert by_tour["wta"] == {"model", "elo", "pinnacle"}
    assert {(p["tour"], p["comparison"]) for p in paired} == {
        ("atp", "model - pinnacle"),
        ("atp", "model - average"),
        ("wta", "model - pinnacle"),
    }
    assert all(r["n"] == 150 for r in rows if r["tour"] == "wta")


def test_rows_missing_one_of_the_bookmakers_are_dropped_so_all_share_the_same_matches() -> None:
    market = _frame("atp", 100, True)
    market.loc[:9, "AvgW"] = np.nan
    rows, _ = compare_market(market)
    assert {r["n"] for r in rows} == {90}
