"""The model is exactly symmetric in (A, B) and strictly as-of: the future never leaks backwards."""

from __future__ import annotations

import numpy as np
import pandas as pd
from tests.unit.model.synth import synthetic_matches

from courtside.model.dataset import build
from courtside.model.features import DIFF_NAMES, FeatureState, Occasion, Side
from courtside.model.learner import GBMLearner
from courtside.model.walkforward import TrainConfig, fit_model, walk_forward

SMALL = TrainConfig(train_years=5, calibration_months=3)


def test_feature_pair_is_exactly_antisymmetric() -> None:
    matches = synthetic_matches(n_weeks=30)
    _, state = build(matches)
    occ = Occasion("T99", 20000, "FRA", 5, "grand_slam", 13, 1, 0)
    a = Side("atp:1003", 12.0, 400.0, "L", 188.0, "FRA", 24.3)
    b = Side("atp:1017", 35.0, 120.0, "R", 179.0, "ESP", 29.9)
    ia, ib = state.elo.index[a.key], state.elo.index[b.key]
    pre_ab = np.array(state.elo.pre(ia, ib, 1, 5).row())
    pre_ba = np.array(state.elo.pre(ib, ia, 1, 5).row())
    d_ab, c_ab = state.features.pair(a, b, occ, pre_ab)
    d_ba, c_ba = state.features.pair(b, a, occ, pre_ba)
    assert [-x for x in d_ab] == d_ba
    assert c_ab == c_ba
    assert len(d_ab) == len(DIFF_NAMES)


def test_probability_of_a_plus_probability_of_b_is_exactly_one() -> None:
    matches = synthetic_matches(n_weeks=80)
    ff, _ = build(matches)
    until = matches["tourney_date"].max()
    for learner in ("logistic", "gbm"):
        model = fit_model(
            matches, ff, until, TrainConfig(learner=learner, train_years=5, calibration_months=3)
        )
        p_ab = model.predict(ff.diffs, ff.context)
        p_ba = model.predict(-ff.diffs, ff.context)
        assert np.all(p_ab + p_ba == 1.0)
        assert p_ab.min() > 0.0
        assert p_ab.max() < 1.0


def test_gbm_learner_is_symmetric_before_calibration_too() -> None:
    matches = synthetic_matches(n_weeks=40)
    ff, _ = build(matches)
    gbm = GBMLearner(rounds=30)
    gbm.fit(ff.diffs, ff.context)
    total = gbm.predict(ff.diffs, ff.context) + gbm.predict(-ff.diffs, ff.context)
    assert np.allclose(total, 1.0, atol=1e-12)


def test_changing_a_later_result_leaves_earlier_predictions_unchanged() -> None:
    matches = synthetic_matches(n_weeks=70)
    cut = pd.Timestamp("2015-10-05")
    altered = matches.copy()
    late = altered.index[altered["tourney_date"] >= cut]
    flip = altered.loc[late, ["winner_key", "loser_key"]].to_numpy()[:, ::-1]
    altered.loc[late, ["winner_key", "loser_key"]] = flip
    kw = {"config": SMALL}
    base = walk_forward(matches, pd.Timestamp("2015-06-30"), pd.Timestamp("2015-07-01"), **kw)
    alt = walk_forward(altered, pd.Timestamp("2015-06-30"), pd.Timestamp("2015-07-01"), **kw)
    early = base.predictions["tourney_date"] < cut
    assert early.sum() > 100
    np.testing.assert_array_equal(
        base.predictions.loc[early, "p_winner"], alt.predictions.loc[early, "p_winner"]
    )
    assert not np.array_equal(
        base.predictions.loc[~early, "p_winner"], alt.predictions.loc[~early, "p_winner"]
    )


def test_a_round_is_predicted_before_any_of_its_results_are_known() -> None:
    matches = synthetic_matches(n_weeks=10)
    ff, _ = build(matches)
    altered = matches.copy()
    final = altered.index[-1]
    altered.loc[final, ["score", "minutes"]] = ["6-0 6-0", 250.0]
    ff2, _ = build(altered)
    # the final's own result (margin, length) is not used to predict it
    np.testing.assert_array_equal(ff.diffs[final], ff2.diffs[final])
    np.testing.assert_array_equal(ff.pre[final], ff2.pre[final])


def test_walkover_leaves_form_untouched() -> None:
    state = FeatureState()
    occ = Occasion("E", 100, "", 3, "tour_250", 12, 0, 0)
    a = Side("atp:1", 10.0, 100.0, "R", 180.0, "FRA", 25.0)
    b = Side("atp:2", 20.0, 50.0, "R", 180.0, "FRA", 25.0)
    from courtside.model.features import MatchResult

    state.record(a, b, occ, MatchResult(False, 0.0, 0.6))
    assert len(state.form("atp:1").results) == 0
    assert state.h2h == {}
    state.record(a, b, occ, MatchResult(True, 90.0, 0.6))
    assert list(state.form("atp:1").results) == [1]
    assert state.h2h == {("atp:1", "atp:2"): 1}


def test_feature_state_survives_pickling_unchanged() -> None:
    import pickle

    matches = synthetic_matches(n_weeks=20)
    _, state = build(matches)
    copy = pickle.loads(pickle.dumps(state.features))
    assert copy.h2h == state.features.h2h
    assert copy.players == state.features.players
