"""Elo family: updates move the right way, rounds are simultaneous, best-of-5 favours the favourite."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from tests.unit.model.synth import synthetic_matches

from courtside.model.chrono import games_share, to_arrays
from courtside.model.dataset import build
from courtside.model.ratings import (
    NEWCOMER_RATING,
    PRE_COLUMNS,
    EloParams,
    EloState,
    RoundResult,
    best_of_five,
    build_ratings,
    odd_logit,
    odd_prob,
)
from courtside.model.serial import pack_elo, unpack_elo


def _state() -> tuple[EloState, int, int]:
    state = EloState(EloParams())
    return state, state.player("atp:1", 100.0), state.player("atp:2", 100.0)


def test_winner_gains_what_loser_loses_when_equally_experienced() -> None:
    state, a, b = _state()
    before = state.r_all[a], state.r_all[b]
    state.update_round([RoundResult(a, b, 0, 3, "tour_250", 0, math.nan, 1.0)])
    gain, loss = state.r_all[a] - before[0], before[1] - state.r_all[b]
    assert gain > 0
    assert gain == pytest.approx(loss)
    assert state.r_surf[0][a] > before[0]
    assert state.r_surf[1][a] == before[0]


def test_upset_moves_ratings_more_than_expected_result() -> None:
    state, a, b = _state()
    state.r_all[a] += 200.0
    fav = state.r_all[a]
    state.update_round([RoundResult(a, b, 0, 3, "tour_250", 0, math.nan, 1.0)])
    expected_gain = state.r_all[a] - fav
    state2, a2, b2 = _state()
    state2.r_all[a2] += 200.0
    state2.update_round([RoundResult(b2, a2, 0, 3, "tour_250", 0, math.nan, 1.0)])
    assert state2.r_all[b2] - 1500.0 > 3 * expected_gain


def test_walkover_changes_nothing_and_rout_counts_more_than_tight_win() -> None:
    state, a, b = _state()
    state.update_round([RoundResult(a, b, 0, 3, "tour_250", 0, math.nan, 0.0)])
    assert state.r_all[a] == state.r_all[b] == 1500.0
    rout, _, _ = _state()
    rout.update_round([RoundResult(0, 1, 0, 3, "tour_250", 0, 1.0, 1.0)])
    tight, _, _ = _state()
    tight.update_round([RoundResult(0, 1, 0, 3, "tour_250", 0, 0.52, 1.0)])
    assert rout.r_all[0] > tight.r_all[0] > 1500.0


def test_round_robin_matches_of_one_round_use_pre_round_ratings() -> None:
    state, a, b = _state()
    c = state.player("atp:3", 100.0)
    # a beats b and c in the same round: both deltas use a's pre-round rating, so they are equal
    state.update_round(
        [
            RoundResult(a, b, 0, 3, "tour_finals", 0, math.nan, 1.0),
            RoundResult(a, c, 0, 3, "tour_finals", 0, math.nan, 1.0),
        ]
    )
    assert state.r_all[b] == pytest.approx(state.r_all[c])


def test_best_of_five_favours_the_stronger_player_and_probabilities_are_exact_complements() -> None:
    assert best_of_five(0.5) == pytest.approx(0.5)
    assert best_of_five(0.7) > 0.72
    assert best_of_five(0.3) < 0.28
    for d in (0.0, 1e-9, 37.5, 123.456, 800.0):
        for bo in (3, 5):
            assert odd_prob(d, bo) + odd_prob(-d, bo) == 1.0
            assert odd_logit(-d, bo) == -odd_logit(d, bo)


def test_games_share_reads_sackmann_scores() -> None:
    share = games_share(["6-4 6-4", "7-6(5) 6-7(3) 7-6(8)", "6-0 6-0", "W/O", "6-3 2-1 RET"])
    assert share[0] == pytest.approx(0.6)
    assert share[2] == 1.0
    assert math.isnan(share[3])
    assert share[1] == pytest.approx(20 / 39)


def test_ratings_learn_true_skill_order_and_build_fast_enough() -> None:
    matches = synthetic_matches(n_weeks=120)
    pre, state = build_ratings(to_arrays(matches))
    p = pre[:, 6]
    late = np.arange(len(p)) > len(p) // 2
    assert float(-np.mean(np.log(p[late]))) < 0.66  # better than a coin (0.693) on true-skill data
    assert len(state) == matches[["winner_key", "loser_key"]].stack().nunique()


def test_an_unranked_newcomer_starts_from_the_rating_of_the_level_it_is_first_seen_at() -> None:
    state = EloState(EloParams())
    itf = state.player("wta:1", math.nan, "itf")
    wta_500 = state.player("wta:2", math.nan, "tour_500")
    slam = state.player("wta:3", math.nan, "grand_slam")
    assert state.r_all[itf] == NEWCOMER_RATING["wta:itf"] < state.r_all[wta_500] == state.r_all[slam]
    assert state.r_surf[2][itf] == state.r_dom[itf] == state.r_all[itf]
    assert state.r_all[state.player("atp:4", math.nan, "challenger")] < NEWCOMER_RATING["atp:tour_level"]
    assert state.r_all[state.player("wta:5", 100.0, "itf")] == 1500.0  # a ranking still decides
    assert state.r_all[state.player("wta:6", math.nan, "")] == EloParams().init_unranked
    assert state.player("wta:1", math.nan, "grand_slam") == itf  # known players keep their rating
    assert state.r_all[itf] == NEWCOMER_RATING["wta:itf"]


def test_newcomers_met_in_a_roll_forward_start_from_their_levels_rating() -> None:
    history = synthetic_matches(n_weeks=8)
    _, state = build(history)
    later = history.iloc[[0, 1]].copy()
    later["tourney_date"] = history["tourney_date"].max() + pd.Timedelta(weeks=1)
    later["tourney_id"] = ["ITF1", "WTA500"]
    later["level"] = ["itf", "tour_500"]
    later["winner_key"] = ["atp:9001", "atp:9002"]  # two unranked debutants, one at each level
    later["winner_rank"] = np.nan
    frame, state = build(later.reset_index(drop=True), state=state)
    itf_start, tour_start = frame.pre[:, PRE_COLUMNS.index("elo_w_all")]
    assert itf_start == NEWCOMER_RATING["atp:itf"]
    assert tour_start == NEWCOMER_RATING["atp:tour_level"] > itf_start


def test_an_artifact_from_before_level_seeds_keeps_one_unranked_rating() -> None:
    arrays, info = pack_elo(EloState(EloParams()))
    del info["elo_params"]["newcomer_rating"]
    elo = unpack_elo(arrays, info)
    assert elo.r_all[elo.player("wta:1", math.nan, "itf")] == EloParams().init_unranked
